package io.replicatedjdbc.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every line of the routing corpora: the expected route of a statement on a fresh connection (autocommit,
 * not read-only, nothing written yet). {@code routing-postgresql.tsv} is the project's shared corpus;
 * {@code routing-more-postgresql.tsv} and {@code routing-sqlite.tsv} are our own additions.
 */
class RoutingCorpusTest {

    static Stream<Arguments> postgresql() throws IOException {
        List<Arguments> all = new ArrayList<>(load("corpus/routing-postgresql.tsv"));
        all.addAll(load("corpus/routing-more-postgresql.tsv"));
        return all.stream();
    }

    static Stream<Arguments> sqlite() throws IOException {
        return load("corpus/routing-sqlite.tsv").stream();
    }

    @ParameterizedTest(name = "{0} <- {1}")
    @MethodSource("postgresql")
    void postgresqlStatement_takesExpectedRoute(String expected, String sql) {
        assertRoute(Dialect.POSTGRESQL, expected, sql);
    }

    @ParameterizedTest(name = "{0} <- {1}")
    @MethodSource("sqlite")
    void sqliteStatement_takesExpectedRoute(String expected, String sql) {
        assertRoute(Dialect.SQLITE, expected, sql);
    }

    private static void assertRoute(Dialect dialect, String expected, String sql) {
        Classification c = new StatementClassifier(dialect).classify(sql);
        assertThat(Arrays.asList(expected.split("\\|")))
                .as("route of [%s], classified as %s", sql, c)
                .contains(c.route().name());
        String shape = Fingerprint.of(sql, dialect).shape();
        Classification cached = new CachingClassifier(new StatementClassifier(dialect)).classify(sql);
        assertThat(cached.route())
                .as("route of the fingerprint [%s] of [%s]", shape, sql)
                .isEqualTo(c.route());
        assertThat(cached.isWrite())
                .as("write flag of the fingerprint [%s]", shape)
                .isEqualTo(c.isWrite());
    }

    private static List<Arguments> load(String resource) throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = RoutingCorpusTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("corpus %s on the test class path", resource).isNotNull();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                assertThat(tab)
                        .as("line without a tab in %s: %s", resource, line)
                        .isPositive();
                cases.add(Arguments.of(line.substring(0, tab), line.substring(tab + 1)));
            }
        }
        assertThat(cases).as("cases in %s", resource).isNotEmpty();
        return cases;
    }
}
