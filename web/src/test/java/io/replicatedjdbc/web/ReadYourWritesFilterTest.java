package io.replicatedjdbc.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.RequestPositions;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The filter in a servlet container of its own making (plain fakes of the servlet interfaces): which position each
 * request begins with, and which cookie it ends with. Positions of real writes are tested with a cluster in the
 * Spring Boot example; here nothing is written, so a request hands on what it was given.
 */
class ReadYourWritesFilterTest {

    private static final String SECRET = "a secret shared by every instance, 32+";
    private final SignedToken signer = new SignedToken(SECRET.getBytes(StandardCharsets.UTF_8));

    private static FilterConfig config(Map<String, String> parameters) {
        return (FilterConfig) Proxy.newProxyInstance(
                FilterConfig.class.getClassLoader(),
                new Class<?>[] {FilterConfig.class},
                (proxy, method, args) ->
                        method.getName().equals("getInitParameter") ? parameters.get((String) args[0]) : null);
    }

    private static HttpServletRequest request(Cookie... cookies) {
        return (HttpServletRequest) Proxy.newProxyInstance(
                HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> method.getName().equals("getCookies") && cookies.length > 0 ? cookies : null);
    }

    /** A response that records its cookies, committed once its body is asked for and written. */
    private static final class Recorded {
        final List<Cookie> cookies = new ArrayList<>();
        boolean committed;

        HttpServletResponse response() {
            return (HttpServletResponse) Proxy.newProxyInstance(
                    HttpServletResponse.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "addCookie":
                                cookies.add((Cookie) args[0]);
                                return null;
                            case "isCommitted":
                                return committed;
                            case "getOutputStream":
                                return new ServletOutputStream() {
                                    @Override
                                    public boolean isReady() {
                                        return true;
                                    }

                                    @Override
                                    public void setWriteListener(WriteListener listener) {}

                                    @Override
                                    public void write(int b) {
                                        committed = true;
                                    }
                                };
                            default:
                                return null;
                        }
                    });
        }
    }

    /** The token the request on this thread would end with now (for use inside a filter chain). */
    private static String currentToken() {
        try {
            return RequestPositions.current();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private ReadYourWritesFilter filter() throws ServletException {
        ReadYourWritesFilter filter = new ReadYourWritesFilter();
        filter.init(config(Map.of("secret", SECRET, "maxAgeSeconds", "30")));
        return filter;
    }

    @Test
    void aRequestBeginsWithItsUsersSignedPosition_andARequestThatOnlyReads_leavesTheCookieToRunOut() throws Exception {
        ReadYourWritesFilter filter = filter();
        String carried = "rjdbc-lsn:0/16B3D48";
        Cookie sent = new Cookie("rjdbc-ryw", signer.sign(carried, System.currentTimeMillis() / 1000 + 60));
        Recorded recorded = new Recorded();
        List<String> seen = new ArrayList<>();
        FilterChain chain = (request, response) -> {
            seen.add(currentToken());
            response.getOutputStream().write('x');
            seen.add(String.valueOf(RequestPositions.inRequest()));
        };
        filter.doFilter(request(sent), recorded.response(), chain);
        assertThat(seen).containsExactly(carried, "true");
        assertThat(RequestPositions.inRequest()).as("ended with the request").isFalse();
        // Nothing written: the client keeps its cookie, which runs out as it was set (never renewed by reads alone).
        assertThat(recorded.cookies).isEmpty();
    }

    @Test
    void anAlteredOrForeignCookie_carriesNothing_andARequestWithNothingToCarry_setsNoCookie() throws Exception {
        ReadYourWritesFilter filter = filter();
        SignedToken other = new SignedToken("another secret of thirty-two bytes!!".getBytes(StandardCharsets.UTF_8));
        for (Cookie cookie : new Cookie[] {
            new Cookie("rjdbc-ryw", other.sign("rjdbc-lsn:0/1", System.currentTimeMillis() / 1000 + 60)),
            new Cookie("rjdbc-ryw", "not.a.token"),
            new Cookie("rjdbc-ryw", signer.sign("rjdbc-lsn:0/1", System.currentTimeMillis() / 1000 - 1)),
        }) {
            Recorded recorded = new Recorded();
            List<String> seen = new ArrayList<>();
            filter.doFilter(request(cookie), recorded.response(), (request, response) -> seen.add(currentToken()));
            assertThat(seen).as(cookie.getValue()).containsOnlyNulls();
            assertThat(recorded.cookies).isEmpty();
        }
    }

    @Test
    void anInnerDispatch_staysInTheRequestBegunOutside() throws Exception {
        ReadYourWritesFilter filter = filter();
        String carried = "rjdbc-lsn:0/20";
        Cookie sent = new Cookie("rjdbc-ryw", signer.sign(carried, System.currentTimeMillis() / 1000 + 60));
        List<String> seen = new ArrayList<>();
        FilterChain inner = (request, response) -> seen.add(currentToken());
        FilterChain outer = (request, response) -> {
            // a forward or an error page passes through the filter again, without the cookie
            filter.doFilter(request(), response, inner);
            seen.add(String.valueOf(RequestPositions.inRequest()));
        };
        filter.doFilter(request(sent), new Recorded().response(), outer);
        assertThat(seen).containsExactly(carried, "true");
        assertThat(RequestPositions.inRequest()).isFalse();
    }

    @Test
    void withoutASecret_orWithAShortOne_theFilterRefusesToStart() {
        assertThatThrownBy(() -> new ReadYourWritesFilter().init(config(Map.of())))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("secret");
        assertThatThrownBy(() -> new ReadYourWritesFilter().init(config(Map.of("secret", "short"))))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("32 bytes");
    }
}
