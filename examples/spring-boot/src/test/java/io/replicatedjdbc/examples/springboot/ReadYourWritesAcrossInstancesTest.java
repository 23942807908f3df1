package io.replicatedjdbc.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two instances of the example application behind one cluster, as behind a load balancer: a user's request that
 * writes on one instance, and the user's next request on the other. With replication paused on every replica, the
 * next request must see the write; the only thing carried between them is the cookie the web module signs. Nothing
 * in the application's code knows about it: the instances only share the secret.
 */
@ExtendWith(PostgresClusterExtension.class)
class ReadYourWritesAcrossInstancesTest {

    private static final String SECRET = "the secret both instances share, 32 bytes or more";
    private static PostgresCluster cluster;
    private static ConfigurableApplicationContext instanceA;
    private static ConfigurableApplicationContext instanceB;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start(PostgresCluster started) {
        cluster = started;
        instanceA = instance("a");
        instanceB = instance("b");
    }

    /** An instance with a configuration of its own (as in another JVM: its own pools and position samplers). */
    private static ConfigurableApplicationContext instance(String name) {
        return SpringApplication.run(
                ShopApplication.class,
                "--REPLICATED_URL="
                        + cluster.replicatedUrl("readYourWritesScope=global", "ApplicationName=shop-" + name),
                "--replicated-jdbc.read-your-writes.secret=" + SECRET,
                "--server.port=0",
                "--server.tomcat.basedir=target/tomcat-" + name);
    }

    @AfterEach
    void resume() throws Exception {
        cluster.resumeReplayEverywhere();
        cluster.awaitReplicas();
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext instance : new ConfigurableApplicationContext[] {instanceA, instanceB}) {
            if (instance != null) {
                instance.close();
            }
        }
    }

    private static URI uri(ConfigurableApplicationContext instance, String path) {
        int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(ConfigurableApplicationContext instance, String path, String cookie)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(instance, path)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The stock and whether a standby answered, from the JSON of GET /stock/{name}. */
    private static int[] stockAndStandby(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("\"stock\":(-?\\d+),\"server\":\"\\d+:(true|false):\\d+\"")
                .matcher(response.body());
        assertThat(m.find()).as(response.body()).isTrue();
        return new int[] {Integer.parseInt(m.group(1)), m.group(2).equals("true") ? 1 : 0};
    }

    /** The read-your-writes cookie a response set, as a request sends it back ("name=value"), or null. */
    private static String cookieOf(HttpResponse<String> response) {
        List<String> set = response.headers().allValues("Set-Cookie");
        for (String header : set) {
            if (header.startsWith("rjdbc-ryw=")) {
                return header.substring(0, header.indexOf(';') < 0 ? header.length() : header.indexOf(';'));
            }
        }
        return null;
    }

    @Test
    void aUsersNextRequest_onTheOtherInstance_seesTheWrite_withReplayPaused_andOnlyWithItsSignedCookie()
            throws Exception {
        int before = stockAndStandby(get(instanceB, "/stock/apple", null))[0];
        cluster.pauseReplayEverywhere();
        HttpResponse<String> write = http.send(
                HttpRequest.newBuilder(uri(instanceA, "/stock/apple?stock=" + (before + 7)))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(write.statusCode()).isEqualTo(200);
        String cookie = cookieOf(write);
        assertThat(cookie).as("the write's response carries the position").isNotNull();
        assertThat(write.headers().allValues("Set-Cookie").toString()).contains("HttpOnly");

        // The user's next request, on the other instance: it sees the write (on the primary, the replicas being
        // paused).
        assertThat(stockAndStandby(get(instanceB, "/stock/apple", cookie))).containsExactly(before + 7, 0);
        // Another user's request there, without the cookie, is served by a replica: stale, as the test means it.
        assertThat(stockAndStandby(get(instanceB, "/stock/apple", null))).containsExactly(before, 1);
        // A cookie the client altered is worth nothing.
        String forged = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("A") ? "BB" : "AA");
        assertThat(stockAndStandby(get(instanceB, "/stock/apple", forged))).containsExactly(before, 1);
        // A request that only reads sets no cookie: the user's cookie runs out as the write set it, and until then
        // the user's third request, on either instance, still sees the write.
        HttpResponse<String> second = get(instanceB, "/stock/apple", cookie);
        assertThat(cookieOf(second)).isNull();
        assertThat(stockAndStandby(get(instanceA, "/stock/apple", cookie))).containsExactly(before + 7, 0);
    }
}
