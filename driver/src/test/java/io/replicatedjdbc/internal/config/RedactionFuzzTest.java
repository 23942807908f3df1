package io.replicatedjdbc.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.Errors;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated URLs that carry a password in every place a user might put one (a parameter, user info before a host in
 * the host list, a whole replica URL in {@code replicas}, percent-encoded once or twice, in the properties), valid
 * and broken: the password never appears in what the driver shows (the display URL, node names, error messages).
 */
class RedactionFuzzTest {

    private static final String SECRET = "Zq7s3cr3tPW";

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String piece(Random random) {
        switch (random.nextInt(9)) {
            case 0:
                return "password=" + SECRET;
            case 1:
                return "sslpassword=" + SECRET;
            case 2:
                return "replicas=" + encode("jdbc:postgresql://r9:5432/db?user=u&password=" + SECRET);
            case 3:
                return "replicas=" + encode(encode("jdbc:postgresql://r9/db?password=" + SECRET));
            case 4:
                return "replicas=" + encode("jdbc:postgresql://u:" + SECRET + "@r9/db");
            case 5:
                return "loadBalance=" + (random.nextBoolean() ? "random" : "nonsense");
            case 6:
                return "readYourWritesWindow=" + (random.nextBoolean() ? "5s" : "forever");
            case 7:
                return "replicas=" + (random.nextBoolean() ? "r7:5432" : ",");
            default:
                return "sslmode=require";
        }
    }

    private static String url(Random random) {
        StringBuilder hosts = new StringBuilder(random.nextBoolean() ? "p:5432" : "u:" + SECRET + "@p");
        for (int i = random.nextInt(3); i > 0; i--) {
            hosts.append(',').append(random.nextInt(4) == 0 ? "u:" + SECRET + "@r" + i : "r" + i + (random.nextBoolean() ? ":5432" : ":port"));
        }
        StringBuilder url = new StringBuilder("jdbc:replicated:postgresql://").append(hosts).append("/db");
        char separator = '?';
        for (int i = random.nextInt(4); i > 0; i--) {
            url.append(separator).append(piece(random));
            separator = '&';
        }
        return url.toString();
    }

    @Test
    void thePasswordNeverAppearsInWhatTheDriverShows() {
        Random random = new Random(20261128);
        for (int i = 0; i < 5_000; i++) {
            String url = url(random);
            Properties info = new Properties();
            if (random.nextBoolean()) {
                info.setProperty("password", SECRET);
            }
            if (random.nextInt(4) == 0) {
                info.setProperty("replicas", "jdbc:postgresql://r8/db?password=" + SECRET);
            }
            List<String> shown = new ArrayList<>();
            try {
                Config config = ConfigParser.parse(url, info);
                shown.add(config.displayUrl());
                shown.add(config.toString());
                shown.add(config.primary().toString());
                for (NodeSpec replica : config.replicas()) {
                    shown.add(replica.toString());
                }
                shown.add(Errors.primaryUnreachable(config.primary().toString(), new SQLException("refused")).getMessage());
            } catch (SQLException e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    shown.add(t.getMessage());
                }
            }
            for (String text : shown) {
                assertThat(text).as("shown for " + url).doesNotContain(SECRET);
            }
        }
    }

    @Test
    void badPorts_failAtConnect_namingThePort() {
        for (String port : new String[] {"99999", "0", "-1", "abc", ""}) {
            String url = "jdbc:replicated:postgresql://p:5432,r1:" + port + "/db";
            SQLException error = null;
            try {
                ConfigParser.parse(url, new Properties());
            } catch (SQLException e) {
                error = e;
            }
            assertThat((Object) error).as(port).isNotNull();
            assertThat(error.getSQLState()).isEqualTo("08001");
            assertThat(error.getMessage()).contains("port");
        }
    }
}
