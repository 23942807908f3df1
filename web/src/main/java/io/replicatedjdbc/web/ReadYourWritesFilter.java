package io.replicatedjdbc.web;

import io.replicatedjdbc.RequestPositions;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Read-your-writes across a user's requests, whichever instance of the application serves them: each request begins
 * with the position its user's previous request ended with (a signed cookie), so its reads run where that request's
 * writes are replayed; the position of its own writes goes back in the same cookie. No application code: the filter
 * wraps each request in {@link RequestPositions#begin} and {@link RequestPositions#end}.
 *
 * <p>The cookie is set when the response is about to be committed (its body first written, or the request ends), and
 * only when the request wrote: the writes a request commits after it began sending its body are not covered, and a
 * cookie runs out {@code maxAgeSeconds} after the write that set it. Its value is signed with the secret every
 * instance shares ({@link SignedToken}) and lasts {@code maxAgeSeconds}: long enough for a replica to catch up.
 *
 * <p>In a servlet container: declare it with the init parameter {@code secret} (and optionally {@code cookie},
 * {@code maxAgeSeconds}); in Spring Boot, set {@code replicated-jdbc.read-your-writes.secret}.
 */
public final class ReadYourWritesFilter implements Filter {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc.web");
    /** The cookie's name unless configured. */
    public static final String DEFAULT_COOKIE = "rjdbc-ryw";
    /** How long a position is carried unless configured: replicas replay a commit well within it. */
    public static final int DEFAULT_MAX_AGE_SECONDS = 60;

    private SignedToken signer;
    private String cookie = DEFAULT_COOKIE;
    private int maxAgeSeconds = DEFAULT_MAX_AGE_SECONDS;
    private final Clock clock;

    /** For a servlet container: configured by {@link #init}'s parameters. */
    public ReadYourWritesFilter() {
        this.clock = Clock.systemUTC();
    }

    /** Configured in code: {@code secret} of at least 32 bytes, shared by every instance. */
    public ReadYourWritesFilter(byte[] secret, String cookie, int maxAgeSeconds) {
        this(secret, cookie, maxAgeSeconds, Clock.systemUTC());
    }

    ReadYourWritesFilter(byte[] secret, String cookie, int maxAgeSeconds, Clock clock) {
        this.signer = new SignedToken(secret);
        this.cookie = cookie;
        this.maxAgeSeconds = maxAgeSeconds;
        this.clock = clock;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (signer != null) {
            return;
        }
        String secret = config.getInitParameter("secret");
        if (secret == null) {
            throw new ServletException("ReadYourWritesFilter needs the init parameter 'secret'");
        }
        try {
            signer = new SignedToken(secret.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new ServletException(e.getMessage(), e);
        }
        if (config.getInitParameter("cookie") != null) {
            cookie = config.getInitParameter("cookie");
        }
        if (config.getInitParameter("maxAgeSeconds") != null) {
            maxAgeSeconds = Integer.parseInt(config.getInitParameter("maxAgeSeconds"));
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest)
                || !(response instanceof HttpServletResponse)
                || RequestPositions.inRequest()) {
            // not HTTP, or an inner dispatch (forward, include, error page) of a request already begun
            chain.doFilter(request, response);
            return;
        }
        HttpServletRequest http = (HttpServletRequest) request;
        String carried = carried(http);
        try {
            RequestPositions.begin(carried);
        } catch (SQLException e) {
            // signed by us, so a token of this driver: only a change of format between versions gets here
            LOG.log(Level.FINE, "A read-your-writes cookie not understood: " + e.getMessage());
            try {
                RequestPositions.begin(null);
            } catch (SQLException impossible) {
                throw new ServletException(impossible);
            }
        }
        Response wrapped = new Response((HttpServletResponse) response, carried);
        try {
            chain.doFilter(request, wrapped);
        } finally {
            wrapped.finish();
        }
    }

    /** The token the user's previous request handed on, if its cookie is there, signed by us and not expired. */
    private String carried(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie each : cookies) {
            if (cookie.equals(each.getName())) {
                return signer.verify(each.getValue(), clock.instant().getEpochSecond());
            }
        }
        return null;
    }

    /**
     * Sets the cookie once, just before the response is committed, or at the end of the request; the request's reads
     * keep what it began with until the request ends (rendering the response may still read).
     */
    private final class Response extends HttpServletResponseWrapper {
        private boolean cookieSet;
        /** The token the request began with: handed on unchanged, its cookie is left to run out as it was set. */
        private final String carried;

        Response(HttpServletResponse response, String carried) {
            super(response);
            this.carried = carried;
        }

        /** Sets the cookie to the request's position so far, if the response can still take it. */
        private void end() {
            if (cookieSet) {
                return;
            }
            cookieSet = true;
            String token;
            try {
                token = RequestPositions.current();
            } catch (SQLException e) {
                LOG.log(Level.WARNING, "The position of this request's writes is unknown: " + e.getMessage());
                return;
            }
            HttpServletResponse response = (HttpServletResponse) getResponse();
            // Nothing new to carry (the request wrote nothing): the client keeps the cookie it has, which runs out
            // maxAgeSeconds after the write that set it, however many requests that only read come after it.
            if (token == null || token.equals(carried) || response.isCommitted()) {
                return;
            }
            Cookie carrier =
                    new Cookie(cookie, signer.sign(token, clock.instant().getEpochSecond() + maxAgeSeconds));
            carrier.setHttpOnly(true);
            carrier.setPath("/");
            carrier.setMaxAge(maxAgeSeconds);
            response.addCookie(carrier);
        }

        /** The request ended: the cookie if not set yet, and the request's positions closed. */
        void finish() {
            try {
                end();
            } finally {
                RequestPositions.discard();
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            end();
            return super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            end();
            return super.getWriter();
        }

        @Override
        public void flushBuffer() throws IOException {
            end();
            super.flushBuffer();
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            end();
            super.sendError(status, message);
        }

        @Override
        public void sendError(int status) throws IOException {
            end();
            super.sendError(status);
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            end();
            super.sendRedirect(location);
        }
    }
}
