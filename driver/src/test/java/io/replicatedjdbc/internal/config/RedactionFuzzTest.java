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

    /**
     * Passwords with each character that ends a value in some notation (a query's {@code &}, a JDBC {@code ;}, a
     * space, a quote) or that user information must encode ({@code /}, {@code @}, {@code :}, {@code %}): no part of
     * any of them may be shown, so each part is distinctive.
     */
    private static final String[] SECRETS = {
        "Zq7s3cr3tPW",
        "Zq7s&AfterAmp",
        "Zq7s;AfterSemi",
        "Zq7s AfterSpace",
        "Zq7s'AfterQuote",
        "Zq7s/AfterSlash",
        "Zq7s@AfterAt",
        "Zq7s:AfterColon",
        "Zq7s%AfterPercent",
        "Zq7s+AfterPlus",
        "Zq7s?AfterQuestion",
        "Zq7s,AfterComma",
        "Zq7s=AfterEquals"
    };

    private static String SECRET;

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String piece(Random random) {
        switch (random.nextInt(9)) {
            case 0:
                return "password=" + encode(SECRET);
            case 1:
                return "sslpassword=" + encode(SECRET).replace("+", "%20");
            case 2:
                return "replicas=" + encode("jdbc:postgresql://r9:5432/db?user=u&password=" + encode(SECRET));
            case 3:
                return "replicas=" + encode(encode("jdbc:postgresql://r9/db?password=" + encode(SECRET)));
            case 4:
                return "replicas=" + encode("jdbc:postgresql://u:" + encode(SECRET) + "@r9/db");
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
        StringBuilder hosts = new StringBuilder(random.nextBoolean() ? "p:5432" : "u:" + encode(SECRET) + "@p");
        for (int i = random.nextInt(3); i > 0; i--) {
            hosts.append(',')
                    .append(
                            random.nextInt(4) == 0
                                    ? "u:" + encode(SECRET) + "@r" + i
                                    : "r" + i + (random.nextBoolean() ? ":5432" : ":port"));
        }
        StringBuilder url =
                new StringBuilder("jdbc:replicated:postgresql://").append(hosts).append("/db");
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
            SECRET = SECRETS[random.nextInt(SECRETS.length)];
            String url = url(random);
            Properties info = new Properties();
            if (random.nextBoolean()) {
                info.setProperty("password", SECRET);
            }
            if (random.nextInt(4) == 0) {
                info.setProperty("replicas", "jdbc:postgresql://r8/db?password=" + encode(SECRET));
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
                if (info.containsKey("password")) {
                    // A driver's message that repeats the password, in any encoding, is masked by value.
                    shown.add(config.redact("the node's driver said: " + SECRET + ", " + encode(SECRET) + ", "
                            + encode(encode(SECRET)) + ", " + encode(SECRET).replace("+", "%20")));
                }
                shown.add(Errors.primaryUnreachable(config.primary().toString(), new SQLException("refused"))
                        .getMessage());
            } catch (SQLException e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    shown.add(t.getMessage());
                }
            }
            for (String text : shown) {
                for (String part : SECRET.split("[^A-Za-z0-9]")) {
                    assertThat(text).as("shown for " + url).doesNotContain(part);
                }
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
