package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.cluster.TableCatalog;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Read-your-writes by table ({@code readYourWritesTables=true}) against the real cluster, replay paused on every
 * replica: a read that ran on a replica returns the value from before the write. Every way a write reaches a table it
 * does not name must make a read of that table wait (here: run on the primary); a read of a table no write touched runs
 * on a replica at once.
 */
@ExtendWith(PostgresClusterExtension.class)
class PostgresReadYourWritesByTableTest {

    private static final AtomicLong VALUES = new AtomicLong(1000);

    private final PostgresCluster cluster;

    PostgresReadYourWritesByTableTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void createSchema(PostgresCluster cluster) throws Exception {
        try (Connection connection = cluster.connect(0);
                Statement s = connection.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS rt CASCADE");
            s.execute("DROP SCHEMA IF EXISTS rt_other CASCADE");
            s.execute("CREATE SCHEMA rt");
            s.execute("CREATE SCHEMA rt_other");
            s.execute("SET search_path = rt");
            for (String table : new String[] {"a", "b", "\"Quoted\"", "renamed_from", "rt_other.b"}) {
                s.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v bigint NOT NULL)");
                s.execute("INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, 50) g");
            }
            s.execute("CREATE VIEW b_view AS SELECT id, v FROM b");
            for (String table : new String[] {"late_a", "late_b"}) {
                s.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v bigint NOT NULL)");
                s.execute("INSERT INTO " + table + " VALUES (1, 0)");
            }
            s.execute("CREATE FUNCTION copy_to_late_b() RETURNS trigger LANGUAGE plpgsql AS"
                    + " 'BEGIN UPDATE rt.late_b SET v = NEW.v WHERE id = 1; RETURN NEW; END'");
            // A trigger on one table that writes another.
            s.execute("CREATE TABLE triggered (id int PRIMARY KEY, v bigint NOT NULL)");
            s.execute("INSERT INTO triggered VALUES (1, 0)");
            s.execute("CREATE FUNCTION copy_to_b() RETURNS trigger LANGUAGE plpgsql AS"
                    + " 'BEGIN UPDATE rt.b SET v = NEW.v WHERE id = 2; RETURN NEW; END'");
            s.execute("CREATE TRIGGER copy AFTER UPDATE ON triggered FOR EACH ROW EXECUTE FUNCTION copy_to_b()");
            // A function that writes.
            s.execute("CREATE FUNCTION set_b(k int, x bigint) RETURNS bigint VOLATILE LANGUAGE sql"
                    + " AS 'UPDATE rt.b SET v = x WHERE id = k RETURNING v'");
            // A rule that writes another table.
            s.execute("CREATE TABLE ruled (id int PRIMARY KEY, v bigint NOT NULL)");
            s.execute("INSERT INTO ruled VALUES (1, 0)");
            s.execute("CREATE RULE also_b AS ON UPDATE TO ruled DO ALSO UPDATE rt.b SET v = NEW.v WHERE id = 11");
            // A default that calls a function of the user's that writes another table.
            s.execute("CREATE FUNCTION next_marker() RETURNS bigint VOLATILE LANGUAGE sql"
                    + " AS 'UPDATE rt.b SET v = v + 1 WHERE id = 12 RETURNING v'");
            s.execute("CREATE TABLE defaulted (id int PRIMARY KEY, marker bigint DEFAULT rt.next_marker())");
            // A foreign key whose deletes cascade.
            s.execute("CREATE TABLE parent (id int PRIMARY KEY)");
            s.execute("CREATE TABLE child (id int PRIMARY KEY, p int REFERENCES parent ON DELETE CASCADE)");
            // Partitions, and inheritance.
            s.execute("CREATE TABLE part (id int NOT NULL, v bigint NOT NULL) PARTITION BY RANGE (id)");
            s.execute("CREATE TABLE part_low PARTITION OF part FOR VALUES FROM (0) TO (100)");
            s.execute("INSERT INTO part SELECT g, 0 FROM generate_series(1, 50) g");
            s.execute("CREATE TABLE base (id int PRIMARY KEY, v bigint NOT NULL)");
            s.execute("CREATE TABLE derived () INHERITS (base)");
            s.execute("INSERT INTO derived VALUES (1, 0)");
        }
        cluster.awaitReplicas();
    }

    @AfterEach
    void resumeReplay() throws Exception {
        cluster.resumeReplayEverywhere();
        cluster.awaitReplicas();
    }

    private Connection connect(String... options) throws SQLException {
        List<String> all = new ArrayList<>(List.of(options));
        all.add("readYourWritesTables=true");
        if (all.stream().noneMatch(option -> option.startsWith("ApplicationName="))) {
            all.add("ApplicationName=rt-by-table");
        }
        Connection connection = DriverManager.getConnection(cluster.replicatedUrl(all.toArray(new String[0])));
        try (Statement s = connection.createStatement()) {
            s.execute("SET search_path = rt");
        }
        return connection;
    }

    /** The query's first column, and whether a standby answered. */
    private static long[] read(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        sql.replaceFirst("(?i)^SELECT ", "SELECT pg_is_in_recovery()::int AS standby, "))) {
            assertThat(rs.next()).as(sql).isTrue();
            return new long[] {rs.getLong(2), rs.getLong(1)};
        }
    }

    /** The query's first column as a node answers it, with plain PgJDBC. */
    private long onNode(int node, String sql) throws SQLException {
        try (Connection connection = cluster.connect(node);
                Statement statement = connection.createStatement()) {
            statement.execute("SET search_path = rt");
            try (ResultSet rs = statement.executeQuery(sql)) {
                assertThat(rs.next()).isTrue();
                return rs.getLong(1);
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * A write (a template with {@code %d} for the new value) that changes a table it does not name, or names another
     * way, and a read of that table which must return the new value.
     */
    static Stream<Arguments> writesThatReachFurther() {
        return Stream.of(
                Arguments.of("through a view", "UPDATE b_view SET v = %d WHERE id = 1", "SELECT v FROM b WHERE id = 1"),
                Arguments.of(
                        "a trigger that writes another table",
                        "UPDATE triggered SET v = %d WHERE id = 1",
                        "SELECT v FROM b WHERE id = 2"),
                Arguments.of("a function that writes", "SELECT set_b(3, %d)", "SELECT v FROM b WHERE id = 3"),
                Arguments.of(
                        "a write that calls a function that writes",
                        "UPDATE a SET v = set_b(4, %d) WHERE id = 4",
                        "SELECT v FROM b WHERE id = 4"),
                Arguments.of(
                        "INSERT ... RETURNING inside a CTE",
                        "WITH x AS (INSERT INTO b VALUES (100 + %1$d %% 1000, %1$d) RETURNING v) SELECT v FROM x",
                        "SELECT max(v) FROM b"),
                Arguments.of(
                        "UPDATE inside a CTE of a read-looking statement",
                        "WITH x AS (UPDATE b SET v = %d WHERE id = 5 RETURNING v) SELECT v FROM x",
                        "SELECT v FROM b WHERE id = 5"),
                Arguments.of(
                        "a schema-qualified name, read unqualified",
                        "UPDATE rt.b SET v = %d WHERE id = 6",
                        "SELECT v FROM b WHERE id = 6"),
                Arguments.of(
                        "a quoted name",
                        "UPDATE \"Quoted\" SET v = %d WHERE id = 7",
                        "SELECT v FROM rt.\"Quoted\" WHERE id = 7"),
                Arguments.of(
                        "search_path pointing elsewhere for the write",
                        "SET search_path = rt_other, rt; UPDATE b SET v = %d WHERE id = 8; SET search_path = rt",
                        "SELECT v FROM rt_other.b WHERE id = 8"),
                Arguments.of(
                        "a rule that writes another table",
                        "UPDATE ruled SET v = %d WHERE id = 1",
                        "SELECT v FROM b WHERE id = 11"),
                Arguments.of(
                        "a default that calls a function writing another table",
                        "INSERT INTO defaulted (id) VALUES (%d)",
                        "SELECT v FROM b WHERE id = 12"),
                Arguments.of(
                        "a foreign key whose delete cascades",
                        "DELETE FROM parent WHERE id = %d",
                        "SELECT count(*) FROM child"),
                Arguments.of(
                        "a partitioned table, read through its partition",
                        "UPDATE part SET v = %d WHERE id = 9",
                        "SELECT v FROM part_low WHERE id = 9"),
                Arguments.of(
                        "a partition, read through its parent",
                        "UPDATE part_low SET v = %d WHERE id = 10",
                        "SELECT v FROM part WHERE id = 10"),
                Arguments.of(
                        "an inheriting table, read through its parent",
                        "UPDATE derived SET v = %d WHERE id = 1",
                        "SELECT v FROM base WHERE id = 1"),
                Arguments.of(
                        "a table renamed after the write",
                        "UPDATE renamed_from SET v = %d WHERE id = 1; ALTER TABLE renamed_from RENAME TO renamed_to",
                        "SELECT v FROM renamed_to WHERE id = 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writesThatReachFurther")
    void aWriteThatReachesATable_makesItsReadWait(String what, String write, String read) throws Exception {
        long value = VALUES.incrementAndGet();
        if (write.startsWith("DELETE FROM parent")) {
            cluster.query(
                    0,
                    "INSERT INTO rt.parent VALUES (" + value + "); INSERT INTO rt.child VALUES (" + value + ", " + value
                            + ")");
            cluster.awaitReplicas();
        }
        try (Connection connection = connect()) {
            // (Opens the connection's replica before replay stops.)
            read(connection, "SELECT v FROM a WHERE id = 1");
            cluster.pauseReplayEverywhere();
            execute(connection, String.format(write, value));
            long[] answer = read(connection, read);
            long onPrimary = onNode(0, read);
            assertThat(answer[0]).as(what).isEqualTo(onPrimary);
            assertThat(onNode(1, read.replace("renamed_to", "renamed_from")))
                    .as(what + ": the replica has not replayed it (so the read above could not have run there)")
                    .isNotEqualTo(onPrimary);
        } finally {
            if (write.contains("RENAME")) {
                cluster.resumeReplayEverywhere();
                cluster.query(0, "ALTER TABLE rt.renamed_to RENAME TO renamed_from");
            }
        }
    }

    @Test
    void aReadOfATableNoWriteChanged_runsOnAReplica_whileAReadOfTheWrittenTableWaits() throws Exception {
        long value = VALUES.incrementAndGet();
        try (Connection connection = connect()) {
            read(connection, "SELECT v FROM a WHERE id = 20");
            read(connection, "SELECT v FROM b WHERE id = 20");
            cluster.pauseReplayEverywhere();
            execute(connection, "UPDATE a SET v = " + value + " WHERE id = 20");
            assertThat(read(connection, "SELECT v FROM b WHERE id = 20"))
                    .as("another table: a replica, at once")
                    .containsExactly(0, 1);
            assertThat(read(connection, "SELECT v FROM a WHERE id = 20"))
                    .as("the written table: the primary")
                    .containsExactly(value, 0);
            assertThat(read(connection, "SELECT x.v FROM b x JOIN a y ON y.id = x.id WHERE x.id = 20"))
                    .as("a join that reads the written table waits too")
                    .containsExactly(0, 0);
            assertThat(read(
                            connection,
                            "WITH x AS (SELECT v FROM b WHERE id = 20) SELECT pg_is_in_recovery()::int, v FROM x"))
                    .as("a CTE over another table: a replica")
                    .containsExactly(0, 1);
            assertThat(read(
                            connection,
                            "WITH x AS (SELECT v FROM a WHERE id = 20) SELECT pg_is_in_recovery()::int, v FROM x"))
                    .as("a CTE over the written table waits")
                    .containsExactly(value, 0);
            // The catalog is asked about once a second, not per statement.
            ReadYourWritesCounters before =
                    connection.unwrap(ReplicatedConnection.class).readYourWritesCounters();
            long start = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                assertThat(read(connection, "SELECT v FROM b WHERE id = " + (i % 50 + 1))[1])
                        .isEqualTo(1);
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            ReadYourWritesCounters after =
                    connection.unwrap(ReplicatedConnection.class).readYourWritesCounters();
            assertThat(after.readsByTable() - before.readsByTable()).isGreaterThanOrEqualTo(200);
            assertThat(after.catalogQuestions() - before.catalogQuestions()).isLessThanOrEqualTo(seconds + 2);
        }
    }

    @Test
    void aTriggerAddedByAnotherProcess_isTakenIntoAccountWithinAboutASecond() throws Exception {
        long value = VALUES.incrementAndGet();
        try (Connection connection = connect()) {
            // Both tables known to the driver as plain tables, with nothing behind them.
            execute(connection, "UPDATE late_a SET v = v WHERE id = 1");
            read(connection, "SELECT v FROM late_b WHERE id = 1");
            cluster.query(
                    0,
                    "CREATE TRIGGER copy AFTER UPDATE ON rt.late_a FOR EACH ROW EXECUTE FUNCTION"
                            + " rt.copy_to_late_b()");
            cluster.awaitReplicas();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(TableCatalog.FRESH_NANOS) + 200);
            cluster.pauseReplayEverywhere();
            execute(connection, "UPDATE late_a SET v = " + value + " WHERE id = 1");
            assertThat(read(connection, "SELECT v FROM late_b WHERE id = 1"))
                    .as("the trigger's write, once the catalog was asked again")
                    .containsExactly(value, 0);
        } finally {
            cluster.resumeReplayEverywhere();
            cluster.query(0, "DROP TRIGGER IF EXISTS copy ON rt.late_a");
        }
    }

    @Test
    void aMultiStatementRead_thatReadsTheWrittenTableInItsSecondStatement_waits() throws Exception {
        long value = VALUES.incrementAndGet();
        try (Connection connection = connect()) {
            read(connection, "SELECT v FROM b WHERE id = 25");
            cluster.pauseReplayEverywhere();
            execute(connection, "UPDATE a SET v = " + value + " WHERE id = 25");
            try (Statement statement = connection.createStatement()) {
                assertThat(statement.execute("SELECT v FROM b WHERE id = 25;"
                                + " SELECT v, pg_is_in_recovery() FROM a WHERE id = 25"))
                        .isTrue();
                assertThat(statement.getMoreResults()).isTrue();
                try (ResultSet rs = statement.getResultSet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1))
                            .as("the second statement reads the written table")
                            .isEqualTo(value);
                    assertThat(rs.getBoolean(2))
                            .as("so the string ran on the primary")
                            .isFalse();
                }
            }
        }
    }

    @Test
    void withoutTheOption_aReadOfAnotherTableWaitsToo() throws Exception {
        long value = VALUES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(cluster.replicatedUrl("ApplicationName=rt-whole"))) {
            execute(connection, "SET search_path = rt");
            read(connection, "SELECT v FROM b WHERE id = 21");
            cluster.pauseReplayEverywhere();
            execute(connection, "UPDATE a SET v = " + value + " WHERE id = 21");
            assertThat(read(connection, "SELECT v FROM b WHERE id = 21")).containsExactly(0, 0);
        }
    }

    @Test
    void aTransactionsWrites_makeReadsOfEveryTableItChangedWait() throws Exception {
        long value = VALUES.incrementAndGet();
        try (Connection connection = connect()) {
            read(connection, "SELECT v FROM b WHERE id = 22");
            cluster.pauseReplayEverywhere();
            connection.setAutoCommit(false);
            execute(connection, "UPDATE a SET v = " + value + " WHERE id = 22");
            execute(connection, "UPDATE b SET v = " + value + " WHERE id = 22");
            connection.commit();
            connection.setAutoCommit(true);
            assertThat(read(connection, "SELECT v FROM b WHERE id = 22")).containsExactly(value, 0);
            assertThat(read(connection, "SELECT v FROM rt_other.b WHERE id = 22"))
                    .as("a table of the same name in another schema counts as the same: it waits too")
                    .containsExactly(0, 0);
        }
    }

    @Test
    void aReadOnlyTransaction_thatFirstReadsAnotherTable_stillSeesTheWriteLater() throws Exception {
        long value = VALUES.incrementAndGet();
        try (Connection connection = connect()) {
            read(connection, "SELECT v FROM b WHERE id = 23");
            cluster.pauseReplayEverywhere();
            execute(connection, "UPDATE a SET v = " + value + " WHERE id = 23");
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            read(connection, "SELECT v FROM b WHERE id = 23");
            assertThat(read(connection, "SELECT v FROM a WHERE id = 23")[0])
                    .as("the transaction's second read, of the written table")
                    .isEqualTo(value);
            connection.commit();
        }
    }

    @Test
    void globalScope_aReadWaitsOnlyForOtherConnectionsWritesToItsTables() throws Exception {
        long value = VALUES.incrementAndGet();
        try (Connection writer = connect("readYourWritesScope=global");
                Connection reader = connect("readYourWritesScope=global")) {
            read(reader, "SELECT v FROM a WHERE id = 24");
            read(reader, "SELECT v FROM b WHERE id = 24");
            cluster.pauseReplayEverywhere();
            execute(writer, "UPDATE a SET v = " + value + " WHERE id = 24");
            assertThat(read(reader, "SELECT v FROM b WHERE id = 24"))
                    .as("another table: a replica")
                    .containsExactly(0, 1);
            assertThat(read(reader, "SELECT v FROM a WHERE id = 24"))
                    .as("the table the other connection wrote")
                    .containsExactly(value, 0);
            assertThat(read(reader, "SELECT v FROM b_view WHERE id = 24"))
                    .as("a view may read anything: it waits for every write")
                    .containsExactly(0, 0);
        }
    }

    @Test
    void globalScope_underConcurrentWritesToTwoTables_everyReadSeesEveryEarlierWriteToItsTable() throws Exception {
        // Counters the writers raise, one per table; a read that began after a value was committed must see it.
        long[] start = {onNode(0, "SELECT v FROM a WHERE id = 30"), onNode(0, "SELECT v FROM b WHERE id = 30")};
        java.util.concurrent.atomic.AtomicLongArray committed = new java.util.concurrent.atomic.AtomicLongArray(start);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong onReplicas = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
        String[] tables = {"a", "b"};
        try {
            List<java.util.concurrent.Future<?>> all = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int table = w;
                all.add(threads.submit(() -> {
                    try (Connection writer = connect("readYourWritesScope=global", "ApplicationName=rt-concurrent")) {
                        while (!stop.get()) {
                            try (Statement statement = writer.createStatement();
                                    ResultSet rs = statement.executeQuery(
                                            "UPDATE " + tables[table] + " SET v = v + 1 WHERE id = 30 RETURNING v")) {
                                rs.next();
                                committed.accumulateAndGet(table, rs.getLong(1), Math::max);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 4; r++) {
                int seed = r;
                all.add(threads.submit(() -> {
                    java.util.Random random = new java.util.Random(seed);
                    try (Connection reader = connect("readYourWritesScope=global", "ApplicationName=rt-concurrent")) {
                        long end = System.nanoTime() + 2_000_000_000L;
                        while (System.nanoTime() < end) {
                            int table = random.nextInt(2);
                            long before = committed.get(table);
                            long[] seen = read(reader, "SELECT v FROM " + tables[table] + " WHERE id = 30");
                            assertThat(seen[0])
                                    .as("a read of %s began after %d was committed there", tables[table], before)
                                    .isGreaterThanOrEqualTo(before);
                            reads.incrementAndGet();
                            onReplicas.addAndGet(seen[1]);
                        }
                    }
                    return null;
                }));
            }
            for (int i = all.size() - 1; i >= 2; i--) {
                all.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            stop.set(true);
            all.get(0).get(60, java.util.concurrent.TimeUnit.SECONDS);
            all.get(1).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
        System.out.printf(
                "By table, global scope, two tables written: %d reads, %d on replicas%n",
                reads.get(), onReplicas.get());
        assertThat(reads.get()).isPositive();
    }
}
