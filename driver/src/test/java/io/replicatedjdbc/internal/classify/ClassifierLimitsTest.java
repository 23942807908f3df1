package io.replicatedjdbc.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.replicatedjdbc.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Inputs known to make SQL parsers slow are classified safely and without hanging; their measured times are
 * in the benchmarks. The timeouts here only catch a runaway (seconds), not a slowdown.
 */
class ClassifierLimitsTest {

    private static final Duration RUNAWAY = Duration.ofSeconds(5);
    private final SqlClassifier classifier = new CachingClassifier(new StatementClassifier(Dialect.POSTGRESQL));

    private Classification classify(String sql) {
        return assertTimeoutPreemptively(RUNAWAY, () -> classifier.classify(sql));
    }

    @Test
    void megabyteInList_isARead() {
        StringBuilder sql = new StringBuilder("SELECT * FROM t WHERE id IN (");
        for (int i = 0; sql.length() < 1_000_000; i++) {
            sql.append(i == 0 ? "" : ", ").append(i);
        }
        sql.append(')');
        assertThat(classify(sql.toString()).route()).isEqualTo(Route.REPLICA);
    }

    @Test
    void megabyteInList_withAWriteAtTheEnd_isAWrite() {
        StringBuilder sql = new StringBuilder("SELECT * FROM t WHERE id IN (");
        for (int i = 0; sql.length() < 1_000_000; i++) {
            sql.append(i == 0 ? "" : ", ").append(i);
        }
        sql.append(") FOR UPDATE");
        assertThat(classify(sql.toString()).route()).isEqualTo(Route.PRIMARY);
    }

    @Test
    void deeplyNestedParentheses_areClassified() {
        assertThat(classify("SELECT " + "(".repeat(200) + "1" + ")".repeat(200)).route())
                .isEqualTo(Route.REPLICA);
        assertThat(classify("SELECT " + "(".repeat(200) + "nextval('s')" + ")".repeat(200))
                        .route())
                .isEqualTo(Route.PRIMARY);
    }

    @Test
    void longJsonOperatorChains_areClassified() {
        StringBuilder sql = new StringBuilder("SELECT data");
        for (int i = 0; i < 500; i++) {
            sql.append(i % 2 == 0 ? "->'k" : "->>'k").append(i).append('\'');
        }
        sql.append(" FROM docs WHERE data #> '{a,b}' @> '1'");
        assertThat(classify(sql.toString()).route()).isEqualTo(Route.REPLICA);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a guard against a hang, not a measurement
    void nestingThatExplodesTheParser_caseAndArrays_isLeftToTheTokenScan() {
        StringBuilder cases = new StringBuilder("SELECT ");
        for (int i = 0; i < 15; i++) {
            cases.append("CASE WHEN a > ").append(i).append(" THEN ");
        }
        cases.append("1");
        for (int i = 0; i < 15; i++) {
            cases.append(" ELSE 0 END");
        }
        cases.append(" FROM t");
        StringBuilder arrays = new StringBuilder("SELECT ");
        for (int i = 0; i < 23; i++) {
            arrays.append("ARRAY[");
        }
        arrays.append("1");
        for (int i = 0; i < 23; i++) {
            arrays.append("]");
        }
        StatementClassifier classifier = new StatementClassifier(Dialect.POSTGRESQL);
        assertThat(classifier.classify(cases.toString()).route()).isEqualTo(Route.REPLICA);
        assertThat(classifier.classify(arrays.toString()).route()).isEqualTo(Route.REPLICA);
        assertThat(classifier
                        .classify(arrays.toString().replace("SELECT ", "SELECT nextval('s'), "))
                        .route())
                .isEqualTo(Route.PRIMARY);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a guard against a hang, not a measurement
    void manyThreadsClassifyingAtOnce_neverParseOnTheirOwnThread() throws Exception {
        StatementClassifier classifier = new StatementClassifier(Dialect.POSTGRESQL);
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<Route>> routes = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String sql = "SELECT a" + i + ", (" + "b + (".repeat(10) + "1" + ")".repeat(10) + ") FROM t" + i
                        + (i % 2 == 0 ? "" : " FOR UPDATE");
                routes.add(threads.submit(() -> classifier.classify(sql).route()));
            }
            for (int i = 0; i < routes.size(); i++) {
                assertThat(routes.get(i).get()).isEqualTo(i % 2 == 0 ? Route.REPLICA : Route.PRIMARY);
            }
        } finally {
            threads.shutdownNow();
        }
        long parsers = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("replicated-jdbc-sql-parser-") && thread.isAlive())
                .count();
        assertThat(parsers).isLessThanOrEqualTo(4);
    }

    @Test
    void unterminatedQuotesAndComments_failClosed() {
        assertThat(classify("SELECT 'unterminated").route()).isEqualTo(Route.REPLICA);
        assertThat(classify("SELECT 1 /* unterminated DELETE").route()).isEqualTo(Route.REPLICA);
        assertThat(classify("DELETE FROM t WHERE a = 'x").route()).isEqualTo(Route.PRIMARY);
        assertThat(classify("SELECT $$ unterminated").route()).isEqualTo(Route.REPLICA);
    }

    @Test
    void cache_staysBounded_withFarMoreDistinctShapesThanItHolds() {
        CachingClassifier cache = new CachingClassifier(new StatementClassifier(Dialect.POSTGRESQL));
        for (int i = 0; i < 6 * CachingClassifier.ENTRIES; i++) {
            cache.classify("SELECT col" + i + " FROM table" + i);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(4 * CachingClassifier.ENTRIES);
        assertThat(cache.chars())
                .isLessThanOrEqualTo(4 * (CachingClassifier.KEY_CHARS + CachingClassifier.MAX_SHAPE_LENGTH));
    }

    @Test
    void shapesSharingASlotOfTheRecentTable_keepTheirOwnRoutes() {
        CachingClassifier cache = new CachingClassifier(new StatementClassifier(Dialect.POSTGRESQL));
        String read = "select v from t0 where id = ?";
        int slot = CachingClassifier.recentSlot(read.hashCode());
        String write = null;
        for (int i = 0; write == null; i++) {
            String candidate = "delete from t" + i + " where id = ?";
            if (CachingClassifier.recentSlot(candidate.hashCode()) == slot) {
                write = candidate;
            }
        }
        // Inlined literals, so that every call goes through the fingerprint and the recent table (no exact entries).
        for (int i = 0; i < 100; i++) {
            assertThat(cache.classify(read.replace("?", String.valueOf(i))).route())
                    .isEqualTo(Route.REPLICA);
            assertThat(cache.classify(write.replace("?", String.valueOf(i))).route())
                    .isEqualTo(Route.PRIMARY);
        }
    }

    @Test
    void aStatementLongerThanTheThreadsBuffer_thenAShortOne_areBothFingerprinted() {
        CachingClassifier cache = new CachingClassifier(new StatementClassifier(Dialect.POSTGRESQL));
        String longRead = "SELECT * FROM t WHERE id IN (" + "1, ".repeat(5_000) + "1)";
        assertThat(cache.classify(longRead + " AND v = 'x'").route()).isEqualTo(Route.REPLICA);
        assertThat(cache.classify("DELETE FROM t WHERE id = 1").route()).isEqualTo(Route.PRIMARY);
        assertThat(cache.classify(longRead + " FOR UPDATE").route()).isEqualTo(Route.PRIMARY);
        assertThat(cache.classify("SELECT * FROM t WHERE id = 2").route()).isEqualTo(Route.REPLICA);
    }

    @Test
    void cache_sharesOneEntryForInlinedLiterals() {
        CachingClassifier cache = new CachingClassifier(new StatementClassifier(Dialect.POSTGRESQL));
        for (int i = 0; i < 1_000; i++) {
            cache.classify("SELECT name FROM users WHERE id = " + i);
        }
        // 1,000 texts, one shape: the statement was classified once, and its texts with literals take no entries.
        assertThat(cache.size()).isEqualTo(1);
        // Text without literals comes back as it is: it gets an entry of its own, found without a fingerprint.
        cache.classify("SELECT name FROM users WHERE id = ?");
        assertThat(cache.size()).isEqualTo(2);
        // Text with literals that comes back as it is gets one at its second sighting.
        cache.classify("SELECT name FROM users WHERE status = 'active'");
        assertThat(cache.size()).isEqualTo(3);
        cache.classify("SELECT name FROM users WHERE status = 'active'");
        assertThat(cache.size()).isEqualTo(4);
        cache.classify("SELECT name FROM users WHERE status = 'active'");
        assertThat(cache.size()).isEqualTo(4);
    }

    @Test
    void functionOptions_addWritesAndReads() {
        FunctionRules rules = new FunctionRules(Dialect.POSTGRESQL, Set.of("audit_touch", "Logged"), Set.of("currval"));
        StatementClassifier custom = new StatementClassifier(Dialect.POSTGRESQL, rules);
        assertThat(custom.classify("SELECT audit_touch(1)").reason()).isEqualTo("calls audit_touch() (writeFunctions)");
        assertThat(custom.classify("SELECT AUDIT_TOUCH(1)").route()).isEqualTo(Route.PRIMARY);
        assertThat(custom.classify("SELECT \"Logged\"(1)").route()).isEqualTo(Route.PRIMARY);
        assertThat(custom.classify("SELECT logged(1)").route()).isEqualTo(Route.REPLICA);
        assertThat(custom.classify("SELECT currval('s')").route()).isEqualTo(Route.REPLICA);
        assertThat(custom.classify("SELECT nextval('s')").route()).isEqualTo(Route.PRIMARY);
    }

    @Test
    void reads_listTheUnknownFunctionsTheyCall_forTheVolatilityCheck() {
        StatementClassifier pg = new StatementClassifier(Dialect.POSTGRESQL);
        assertThat(pg.classify("SELECT my_report(1), count(*), coalesce(a, b) FROM t WHERE id IN (1) AND x = ANY(y)")
                        .functions())
                .containsExactly("my_report", "count");
        assertThat(pg.classify("SELECT \"MyReport\"(1)").functions()).containsExactly("MyReport");
        assertThat(pg.classify("SELECT * FROM generate_series(1, 2) AS g(n)").functions())
                .containsExactly("generate_series");
        assertThat(new StatementClassifier(Dialect.SQLITE)
                        .classify("SELECT my_report(1)")
                        .functions())
                .isEmpty();
    }
}
