package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.internal.cluster.PositionSampler;
import io.replicatedjdbc.testing.LogCapture;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/**
 * Read-your-writes by WAL position (the default on PostgreSQL) against the real cluster. Staleness is made certain by
 * pausing replay on every replica: a read that went to a replica would see the old value. Where a read ran is asked
 * of the server ({@code pg_is_in_recovery()}).
 */
@ExtendWith(PostgresClusterExtension.class)
class PostgresReadYourWritesTest {

    private final PostgresCluster cluster;

    PostgresReadYourWritesTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void createSchema(PostgresCluster cluster) throws Exception {
        try (Connection connection = cluster.connect(0);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS ryw (id int PRIMARY KEY, v bigint NOT NULL)");
            statement.execute("TRUNCATE ryw");
            statement.execute("INSERT INTO ryw SELECT g, 0 FROM generate_series(1, 64) g");
            statement.execute("CREATE OR REPLACE FUNCTION ryw_bump(k int) RETURNS bigint VOLATILE LANGUAGE sql"
                    + " AS 'UPDATE ryw SET v = v + 1 WHERE id = k RETURNING v'");
            statement.execute("CREATE OR REPLACE PROCEDURE ryw_set(k int, x bigint) LANGUAGE sql"
                    + " AS 'UPDATE ryw SET v = x WHERE id = k'");
        }
        cluster.awaitReplicas();
    }

    @AfterEach
    void resumeReplay() throws Exception {
        cluster.resumeReplayEverywhere();
        cluster.awaitReplicas();
    }

    private Connection connect(String... options) throws SQLException {
        return DriverManager.getConnection(cluster.replicatedUrl(options));
    }

    /** The row's value and whether a standby answered. */
    private static long[] read(Connection connection, int id) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT v, pg_is_in_recovery() FROM ryw WHERE id = " + id)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getBoolean(2) ? 1 : 0};
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** A write the classifier cannot see (readFunctions says ryw_bump only reads), sent to the primary another way. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"hint", "no load balance hint", "prepared hint", "updatable"})
    void aWriteThatReachedThePrimaryByAHintOrAnUpdatableStatement_isReadBack(String form) throws Exception {
        int id = 20
                + Arrays.asList("hint", "no load balance hint", "prepared hint", "updatable")
                        .indexOf(form);
        try (Connection connection = connect("readFunctions=ryw_bump")) {
            read(connection, id);
            cluster.pauseReplayEverywhere();
            long written;
            switch (form) {
                case "hint":
                case "no load balance hint":
                    String hint = form.equals("hint") ? "/* replicated:primary */ " : "/*NO LOAD BALANCE*/ ";
                    try (Statement statement = connection.createStatement();
                            ResultSet rs = statement.executeQuery(hint + "SELECT ryw_bump(" + id + ")")) {
                        rs.next();
                        written = rs.getLong(1);
                    }
                    break;
                case "prepared hint":
                    try (PreparedStatement statement =
                            connection.prepareStatement("/* replicated:primary */ SELECT ryw_bump(?)")) {
                        statement.setInt(1, id);
                        try (ResultSet rs = statement.executeQuery()) {
                            rs.next();
                            written = rs.getLong(1);
                        }
                    }
                    break;
                default:
                    try (Statement statement = connection.createStatement(
                                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                            ResultSet rs = statement.executeQuery("SELECT ryw_bump(" + id + ")")) {
                        rs.next();
                        written = rs.getLong(1);
                    }
            }
            long[] back = read(connection, id);
            assertThat(back[0]).as("the read-back sees the write").isEqualTo(written);
            assertThat(back[1]).as("served by a standby").isZero();
        }
    }

    @Test
    void aRolledBackWrite_keepsNoReadOnThePrimary_whileACommittedOneDoes() throws Exception {
        cluster.pauseReplayEverywhere();
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            execute(connection, "UPDATE ryw SET v = v + 1 WHERE id = 7");
            connection.rollback();
            connection.setAutoCommit(true);
            // nothing of this connection's is committed: a stale replica is fine for it
            assertThat(read(connection, 7)[1])
                    .as("read after a rollback ran on a standby")
                    .isEqualTo(1);

            connection.setAutoCommit(false);
            execute(connection, "UPDATE ryw SET v = v + 1 WHERE id = 7");
            connection.commit();
            connection.setAutoCommit(true);
            assertThat(read(connection, 7)[1])
                    .as("read after a commit ran on a standby")
                    .isEqualTo(0);
        }
    }

    @Test
    void writeThenRead_twoHundredRounds_withReplayPaused_neverStale() throws Exception {
        try (Connection connection = connect()) {
            read(connection, 1);
            cluster.pauseReplayEverywhere();
            for (int round = 1; round <= 200; round++) {
                execute(connection, "UPDATE ryw SET v = " + round + " WHERE id = 1");
                assertThat(read(connection, 1)[0]).as("round " + round).isEqualTo(round);
            }
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .reason())
                    .contains("read-your-writes");
        }
    }

    @Test
    void everyKindOfWrite_isSeenByTheNextRead_withReplayPaused() throws Exception {
        try (Connection connection = connect()) {
            read(connection, 2);
            cluster.pauseReplayEverywhere();
            // a transaction in SQL, several statements in one string
            execute(
                    connection,
                    "BEGIN; UPDATE ryw SET v = 11 WHERE id = 2; UPDATE ryw SET v = 12 WHERE id = 3; COMMIT");
            assertThat(read(connection, 3)[0]).isEqualTo(12);
            // a JDBC transaction
            connection.setAutoCommit(false);
            execute(connection, "UPDATE ryw SET v = 21 WHERE id = 2");
            connection.commit();
            connection.setAutoCommit(true);
            assertThat(read(connection, 2)[0]).isEqualTo(21);
            // a batch
            try (Statement batch = connection.createStatement()) {
                batch.addBatch("UPDATE ryw SET v = 31 WHERE id = 2");
                batch.addBatch("UPDATE ryw SET v = 32 WHERE id = 3");
                batch.executeBatch();
            }
            assertThat(read(connection, 3)[0]).isEqualTo(32);
            // a CallableStatement
            try (CallableStatement call = connection.prepareCall("CALL ryw_set(?, ?)")) {
                call.setInt(1, 2);
                call.setLong(2, 41);
                call.execute();
            }
            assertThat(read(connection, 2)[0]).isEqualTo(41);
            // a VOLATILE function that writes, called by a SELECT
            execute(connection, "SELECT ryw_bump(2)");
            assertThat(read(connection, 2)[0]).isEqualTo(42);
            // DDL
            execute(connection, "CREATE TABLE ryw_ddl_" + System.nanoTime() % 100000 + " (a int)");
            try (Statement statement = connection.createStatement();
                    ResultSet rs =
                            statement.executeQuery("SELECT count(*) FROM pg_class WHERE relname LIKE 'ryw_ddl_%'")) {
                rs.next();
                assertThat(rs.getInt(1)).isPositive();
            }
        }
    }

    @Test
    void copyThroughCopyManager_isSeenByTheNextRead_withReplayPaused() throws Exception {
        try (Connection connection = connect()) {
            cluster.pauseReplayEverywhere();
            connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY ryw (id, v) FROM STDIN", new StringReader("1001\t7\n"));
            assertThat(read(connection, 1001)[0]).isEqualTo(7);
        }
    }

    @Test
    void readsReturnToReplicas_withinAHundredMilliseconds_ofCatchingUp() throws Exception {
        try (Connection connection = connect()) {
            cluster.pauseReplayEverywhere();
            execute(connection, "UPDATE ryw SET v = v + 1 WHERE id = 4");
            long expected = read(connection, 4)[0];
            resumeReplay();
            long start = System.nanoTime();
            int onReplica = 0;
            int reads = 0;
            while (System.nanoTime() - start < 100_000_000L) {
                long[] result = read(connection, 4);
                assertThat(result[0]).isEqualTo(expected);
                onReplica += (int) result[1];
                reads++;
            }
            assertThat(onReplica).as("reads on a replica, of " + reads).isGreaterThanOrEqualTo(reads * 95 / 100);
        }
    }

    @Test
    void readOnlyTransaction_afterAnOwnWrite_runsOnAReplicaOnceItCaughtUp() throws Exception {
        try (Connection connection = connect()) {
            execute(connection, "UPDATE ryw SET v = v + 1 WHERE id = 5");
            cluster.awaitReplicas();
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            assertThat(read(connection, 5)[1]).as("on a replica").isEqualTo(1);
            connection.commit();
        }
    }

    @Test
    void globalScope_aReadSeesWhatAnotherConnectionCommittedBefore_withReplayPaused() throws Exception {
        try (Connection writer = connect("readYourWritesScope=global");
                Connection reader = connect("readYourWritesScope=global")) {
            read(reader, 6);
            cluster.pauseReplayEverywhere();
            for (int round = 1; round <= 20; round++) {
                execute(writer, "UPDATE ryw SET v = " + round + " WHERE id = 6");
                assertThat(read(reader, 6)[0]).as("round " + round).isEqualTo(round);
            }
        }
    }

    @Test
    void clusterScope_aReadSeesWhatAnyProcessCommittedBefore_withReplayPaused_andOtherScopesDoNot() throws Exception {
        try (Connection linearizable = connect("readYourWritesScope=cluster");
                // (a configuration of its own: other tests' global-scope commits would otherwise hold its reads back)
                Connection global = connect("readYourWritesScope=global", "ApplicationName=ryw-cluster-contrast")) {
            assertThat(read(linearizable, 40)[1]).as("first on a replica").isEqualTo(1);
            cluster.pauseReplayEverywhere();
            for (int round = 1; round <= 20; round++) {
                // Committed outside the driver (plain PgJDBC, as another process would): nothing of it passes here.
                cluster.query(0, "UPDATE ryw SET v = " + round + " WHERE id = 40 RETURNING v");
                assertThat(read(linearizable, 40)).as("round " + round).containsExactly(round, 0);
            }
            // What the test rests on: the same read in global scope (this JVM's commits only) is served stale.
            long[] stale = read(global, 40);
            assertThat(stale)
                    .as("global scope, replay paused: "
                            + global.unwrap(ReplicatedConnection.class)
                                    .lastRouting()
                                    .reason())
                    .containsExactly(0, 1);
            resumeReplay();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (read(linearizable, 40)[1] == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(read(linearizable, 40))
                    .as("back on a replica once replayed")
                    .containsExactly(20, 1);
        }
    }

    @Test
    void requestPositions_carryARequestsWrites_toTheUsersNextRequest_onAnotherInstance_withReplayPaused()
            throws Exception {
        // Two instances of an application: two configurations with pools and samplers of their own.
        String instanceA = cluster.replicatedUrl("ApplicationName=ryw-instance-a");
        String instanceB = cluster.replicatedUrl("ApplicationName=ryw-instance-b");
        try (Connection b = DriverManager.getConnection(instanceB)) {
            assertThat(read(b, 42)[1]).isEqualTo(1);
        }
        cluster.pauseReplayEverywhere();
        RequestPositions.begin(null);
        String token;
        try (Connection a = DriverManager.getConnection(instanceA)) {
            execute(a, "UPDATE ryw SET v = 4242 WHERE id = 42");
        } finally {
            token = RequestPositions.end();
        }
        assertThat(token).startsWith("rjdbc-lsn:");
        assertThat(RequestPositions.inRequest()).isFalse();
        // The user's next request, on the other instance and another thread: it sees the write, on the primary.
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            String carried = token;
            long[][] next = other.submit(() -> {
                        RequestPositions.begin(carried);
                        try (Connection b = DriverManager.getConnection(instanceB)) {
                            return new long[][] {read(b, 42), read(b, 42)};
                        } finally {
                            assertThat(RequestPositions.end())
                                    .as("a request that only read hands on its token")
                                    .isEqualTo(carried);
                        }
                    })
                    .get();
            assertThat(next[0]).containsExactly(4242, 0);
            assertThat(next[1]).containsExactly(4242, 0);
            // Outside a request, that instance's connection sees nothing of it: a replica serves, stale.
            try (Connection b = DriverManager.getConnection(instanceB)) {
                assertThat(read(b, 42)).containsExactly(0, 1);
            }
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void requestPositions_refuseTextThatIsNoToken_andEndWithNothingWhenNothingWasCarriedOrWritten() throws Exception {
        assertThatThrownBy(() -> RequestPositions.begin("rjdbc-lsn:-1/0"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
        assertThat(RequestPositions.end()).as("no request was begun").isNull();
        assertThat(RequestPositions.current()).isNull();
        // A token taken while the request is still open (a filter sets its cookie as the response starts).
        RequestPositions.begin(null);
        try (Connection connection = connect()) {
            execute(connection, "UPDATE ryw SET v = v + 1 WHERE id = 44");
            String now = RequestPositions.current();
            assertThat(now).startsWith("rjdbc-lsn:");
            assertThat(RequestPositions.inRequest()).isTrue();
            assertThat(RequestPositions.current()).as("asked again, the same").isEqualTo(now);
        } finally {
            RequestPositions.discard();
        }
        assertThat(RequestPositions.inRequest()).isFalse();
        RequestPositions.begin("");
        try (Connection connection = connect()) {
            read(connection, 43);
        }
        assertThat(RequestPositions.end()).isNull();
    }

    @Test
    void clusterScope_underConcurrentWritesOutsideTheDriver_everyReadSeesWhatWasCommittedBeforeItBegan()
            throws Exception {
        java.util.concurrent.atomic.AtomicLong committed = new java.util.concurrent.atomic.AtomicLong(
                Long.parseLong(cluster.query(0, "SELECT v FROM ryw WHERE id = 45")));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong onReplicas = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(5);
        try {
            // Another process writes all the time: plain PgJDBC, each value recorded once its commit returned.
            java.util.concurrent.Future<?> writer = threads.submit(() -> {
                try (Connection plain = cluster.connect(0);
                        java.sql.PreparedStatement update =
                                plain.prepareStatement("UPDATE ryw SET v = v + 1 WHERE id = 45 RETURNING v")) {
                    while (!stop.get()) {
                        try (ResultSet rs = update.executeQuery()) {
                            rs.next();
                            committed.set(rs.getLong(1));
                        }
                    }
                }
                return null;
            });
            List<java.util.concurrent.Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean inTransactions = t % 2 == 1;
                readers.add(threads.submit(() -> {
                    try (Connection connection = connect("readYourWritesScope=cluster", "readYourWritesWait=5ms")) {
                        long end = System.nanoTime() + 2_000_000_000L;
                        while (System.nanoTime() < end) {
                            long before = committed.get();
                            if (inTransactions) {
                                connection.setReadOnly(true);
                                connection.setAutoCommit(false);
                            }
                            long[] seen = read(connection, 45);
                            if (inTransactions) {
                                connection.commit();
                                connection.setAutoCommit(true);
                                connection.setReadOnly(false);
                            }
                            assertThat(seen[0])
                                    .as("a read began after %d was committed", before)
                                    .isGreaterThanOrEqualTo(before);
                            reads.incrementAndGet();
                            onReplicas.addAndGet(seen[1]);
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> reader : readers) {
                reader.get();
            }
            stop.set(true);
            writer.get();
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
        System.out.printf(
                "Cluster scope under concurrent writes: %d reads, %d on replicas%n", reads.get(), onReplicas.get());
        assertThat(onReplicas.get())
                .as("reads that replicas served (the rule is tested there)")
                .isPositive();
    }

    @Test
    void aReplicaThatDies_whileReadsWaitForItToReplayTheirWrites_costsNoReadAndNoStaleValue() throws Exception {
        // A cluster of its own: the other tests' pools would meet the killed replica's closed connections afterwards.
        try (PostgresCluster own = PostgresCluster.start(2)) {
            own.query(
                    0,
                    "CREATE TABLE ryw (id int PRIMARY KEY, v bigint NOT NULL); INSERT INTO ryw SELECT g, 0"
                            + " FROM generate_series(1, 8) g");
            own.awaitReplicas();
            AtomicInteger reads = new AtomicInteger();
            AtomicInteger stale = new AtomicInteger();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            ExecutorService threads = Executors.newFixedThreadPool(4);
            own.pauseReplayEverywhere();
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int id = 1 + t;
                    workers.add(threads.submit(() -> {
                        // Each read-back waits up to 300 ms for its replica's sampler to see the write replayed: most
                        // of the time a read is inside that wait, where the replica dies.
                        try (Connection connection =
                                DriverManager.getConnection(own.replicatedUrl("readYourWritesWait=300ms"))) {
                            while (!stop.get()) {
                                long written;
                                try (Statement statement = connection.createStatement();
                                        ResultSet rs = statement.executeQuery(
                                                "UPDATE ryw SET v = v + 1 WHERE id = " + id + " RETURNING v")) {
                                    rs.next();
                                    written = rs.getLong(1);
                                }
                                if (read(connection, id)[0] < written) {
                                    stale.incrementAndGet();
                                }
                                reads.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                        return null;
                    }));
                }
                Thread.sleep(700);
                own.stopNode(2, PostgresCluster.StopMode.IMMEDIATE);
                Thread.sleep(1_500);
                stop.set(true);
                for (Future<?> worker : workers) {
                    worker.get(60, TimeUnit.SECONDS);
                }
            } finally {
                stop.set(true);
                threads.shutdownNow();
            }
            assertThat(failures).isEmpty();
            assertThat(stale.get()).isZero();
            assertThat(reads.get())
                    .as("read-backs made across the replica's death")
                    .isGreaterThan(4);
        }
    }

    @Test
    void connectionScope_anotherConnectionMayReadFromAReplica() throws Exception {
        try (Connection writer = connect();
                Connection reader = connect()) {
            read(reader, 7);
            cluster.pauseReplayEverywhere();
            execute(writer, "UPDATE ryw SET v = v + 100 WHERE id = 7");
            assertThat(read(reader, 7)[1])
                    .as("the other connection reads on a replica")
                    .isEqualTo(1);
        }
    }

    @Test
    void aPositionFetchedAfterAnotherConnectionsCommit_servesIt_andItStillReadsItsWrite() throws Exception {
        try (Connection first = connect();
                Connection second = connect()) {
            ReplicatedConnection counters = second.unwrap(ReplicatedConnection.class);
            read(first, 11);
            read(second, 12);
            cluster.pauseReplayEverywhere();
            execute(first, "UPDATE ryw SET v = 1111 WHERE id = 11");
            execute(second, "UPDATE ryw SET v = 1212 WHERE id = 12");
            long asked = questionsOfThePrimary(counters.readYourWritesCounters());
            long shared = counters.readYourWritesCounters().sharedPositions();
            assertThat(read(first, 11)).containsExactly(1111, 0);
            assertThat(read(second, 12)).as("its own write, on the primary").containsExactly(1212, 0);
            assertThat(questionsOfThePrimary(counters.readYourWritesCounters()) - asked)
                    .as("positions asked")
                    .isEqualTo(1);
            assertThat(counters.readYourWritesCounters().sharedPositions() - shared)
                    .as("shared")
                    .isEqualTo(1);
        }
    }

    /** Positions asked of the primary for reads: by the sampler (off the reads' threads) or by a read itself. */
    private static long questionsOfThePrimary(ReadYourWritesCounters counters) {
        return counters.positionFetches() + counters.sampledPositions();
    }

    @Test
    void aPositionFetchedBeforeACommit_doesNotServeIt_evenWhenAReplicaHasReplayedIt() throws Exception {
        try (Connection first = connect();
                Connection second = connect()) {
            read(second, 13);
            execute(first, "UPDATE ryw SET v = 1313 WHERE id = 13");
            assertThat(read(first, 13)[0]).isEqualTo(1313); // the first connection fetches a position
            cluster.awaitReplicas(); // every replica has replayed it
            cluster.pauseReplayEverywhere();
            execute(second, "UPDATE ryw SET v = 1314 WHERE id = 13");
            // The first connection's position is replayed everywhere, but the second one's commit came after it.
            assertThat(read(second, 13)).containsExactly(1314, 0);
        }
    }

    @Test
    void token_carriesTheWritesToAnotherConnection() throws Exception {
        try (Connection writer = connect();
                Connection reader = connect()) {
            ReplicatedConnection replicatedReader = reader.unwrap(ReplicatedConnection.class);
            assertThat(writer.unwrap(ReplicatedConnection.class).readYourWritesToken())
                    .isNull();
            read(reader, 8);
            cluster.pauseReplayEverywhere();
            execute(writer, "UPDATE ryw SET v = 555 WHERE id = 8");
            String token = writer.unwrap(ReplicatedConnection.class).readYourWritesToken();
            assertThat(token).startsWith("rjdbc-lsn:");
            replicatedReader.readYourWrites(token);
            assertThat(read(reader, 8)[0]).isEqualTo(555);
            assertThat(replicatedReader.readYourWritesCounters().readsKeptOnPrimary())
                    .isPositive();
        }
    }

    @Test
    void tokensWithSigns_orOtherMalformedPositions_failWith22023_andChangeNothing() throws Exception {
        try (Connection reader = connect()) {
            ReplicatedConnection replicated = reader.unwrap(ReplicatedConnection.class);
            for (String token : new String[] {
                "rjdbc-lsn:-1/-1",
                "rjdbc-lsn:+0/+10",
                "rjdbc-lsn:-0/-0",
                "rjdbc-lsn:1/-1",
                "rjdbc-lsn:123456789/0",
                "rjdbc-lsn: 1/1",
                "rjdbc-lsn:"
            }) {
                assertThatThrownBy(() -> replicated.readYourWrites(token))
                        .as(token)
                        .isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState())
                        .isEqualTo("22023");
            }
            assertThat(replicated.readYourWritesToken())
                    .as("no position was taken from them")
                    .isNull();
            read(reader, 8);
            assertThat(replicated.lastRouting().route()).isEqualTo(Route.REPLICA);
        }
    }

    @Test
    void token_carriesTheWritesToAnotherJvm() throws Exception {
        try (Connection reader = connect()) {
            read(reader, 9);
            cluster.pauseReplayEverywhere();
            String token = otherJvmWrites(9, 777);
            assertThat(token).isNotNull();
            assertThat(read(reader, 9)[0])
                    .as("without the token, a replica answers: stale")
                    .isNotEqualTo(777);
            reader.unwrap(ReplicatedConnection.class).readYourWrites(token);
            assertThat(read(reader, 9)[0]).isEqualTo(777);
        }
    }

    @Test
    void clusterScope_seesWhatAnotherJvmCommittedThroughTheDriver_withoutAToken() throws Exception {
        try (Connection linearizable = connect("readYourWritesScope=cluster", "ApplicationName=ryw-two-jvms");
                Connection own = connect("ApplicationName=ryw-two-jvms-contrast")) {
            read(linearizable, 41);
            read(own, 41);
            cluster.pauseReplayEverywhere();
            otherJvmWrites(41, 4141);
            assertThat(read(own, 41))
                    .as("connection scope: the other JVM's write is not this connection's, a replica answers")
                    .containsExactly(0, 1);
            assertThat(read(linearizable, 41))
                    .as("cluster scope: committed before the read began, so seen")
                    .containsExactly(4141, 0);
        }
    }

    /** Sets the row's value through the driver in another JVM ({@link TokenWriter}); returns the token it printed. */
    private String otherJvmWrites(int id, long value) throws Exception {
        Process writer = new ProcessBuilder(
                        Paths.get(System.getProperty("java.home"), "bin", "java")
                                .toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        TokenWriter.class.getName(),
                        cluster.replicatedUrl(),
                        String.valueOf(id),
                        String.valueOf(value))
                .redirectErrorStream(true)
                .start();
        String token;
        try (BufferedReader output =
                new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            token = output.lines()
                    .filter(line -> line.startsWith("rjdbc-lsn:"))
                    .findFirst()
                    .orElse(null);
        }
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).isZero();
        return token;
    }

    /** The other JVM of {@link #token_carriesTheWritesToAnotherJvm}: writes, prints its token. */
    public static final class TokenWriter {
        public static void main(String[] args) throws Exception {
            try (Connection connection = DriverManager.getConnection(args[0]);
                    Statement statement = connection.createStatement()) {
                statement.execute("UPDATE ryw SET v = " + args[2] + " WHERE id = " + args[1]);
                System.out.println(connection.unwrap(ReplicatedConnection.class).readYourWritesToken());
            }
        }
    }

    @Test
    void asynchronousCommit_isStillNeverReadStale() throws Exception {
        try (Connection connection = connect()) {
            execute(connection, "SET synchronous_commit = off");
            for (int round = 1; round <= 50; round++) {
                execute(connection, "UPDATE ryw SET v = " + round + " WHERE id = 10");
                assertThat(read(connection, 10)[0]).as("round " + round).isEqualTo(round);
            }
        }
    }

    @Test
    void waitOption_waitsForTheReplica_insteadOfGoingToThePrimary() throws Exception {
        try (Connection connection = connect("readYourWritesWait=2s")) {
            List<String> onPrimary = new ArrayList<>();
            for (int round = 1; round <= 20; round++) {
                execute(connection, "UPDATE ryw SET v = " + round + " WHERE id = 11");
                long[] result = read(connection, 11);
                assertThat(result[0]).isEqualTo(round);
                if (result[1] != 1) {
                    onPrimary.add("round " + round + ": "
                            + connection.unwrap(ReplicatedConnection.class).lastRouting());
                }
            }
            // The position waited for is the primary's insert position, which may include WAL of other sessions that
            // the primary has not yet flushed (and so sent): a rare round may still find the replica short of it.
            assertThat(onPrimary).as("rounds that did not wait for a replica").hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void concurrentThreads_eachSeeTheirOwnWrites_andGlobalScopeSeesEveryCommittedWrite() throws Exception {
        int threads = 6;
        AtomicLongArray committed = new AtomicLongArray(threads);
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger replicaReads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                futures.add(pool.submit(() -> {
                    Random random = new Random(me);
                    try (Connection connection = connect("readYourWritesScope=global")) {
                        for (int i = 0; i < 150; i++) {
                            if (random.nextInt(4) == 0) {
                                long value = committed.get(me) + 1;
                                execute(connection, "UPDATE ryw SET v = " + value + " WHERE id = " + (20 + me));
                                committed.set(me, value);
                            } else {
                                int other = random.nextInt(threads);
                                long mustSee = committed.get(other);
                                long[] result = read(connection, 20 + other);
                                replicaReads.addAndGet((int) result[1]);
                                if (result[0] < mustSee) {
                                    violations.incrementAndGet();
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(violations.get()).isZero();
        assertThat(replicaReads.get()).as("reads on replicas").isPositive();
    }

    @Test
    void aReplicaPausedBeyondMaxReplicaLag_takesNoReads_untilItCatchesUp_andEachTransitionIsLoggedOnce()
            throws Exception {
        List<LogRecord> records;
        try (LogCapture log = LogCapture.of("io.replicatedjdbc.positions")) {
            records = log.records();
            pausedBeyondTheLimit();
            // Each replica is judged again as the monitor sees it catch up (it polls for 2 s after the last close).
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (records.stream()
                                    .filter(r -> r.getMessage().contains("takes reads again"))
                                    .count()
                            < cluster.replicaCount()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        for (int replica = 1; replica <= cluster.replicaCount(); replica++) {
            String port = String.valueOf(cluster.port(replica));
            assertThat(records)
                    .as("replica " + replica)
                    .filteredOn(
                            r -> r.getMessage().contains(port) && r.getMessage().contains("takes no reads"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.WARNING))
                    .satisfies(r -> assertThat(r.getMessage()).contains("ms behind the primary (maxReplicaLag=300ms)"));
            assertThat(records)
                    .filteredOn(
                            r -> r.getMessage().contains(port) && r.getMessage().contains("takes reads again"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.INFO));
        }
    }

    private void pausedBeyondTheLimit() throws Exception {
        try (Connection connection = connect("readYourWrites=off", "maxReplicaLag=300ms")) {
            assertThat(read(connection, 13)[1]).isEqualTo(1);
            cluster.pauseReplayEverywhere();
            cluster.query(0, "UPDATE ryw SET v = v + 1 WHERE id = 13");
            Thread.sleep(1_000);
            assertThat(read(connection, 13)[1])
                    .as("a replica 1 s behind takes no reads")
                    .isZero();
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .reason())
                    .contains("behind the primary");
            resumeReplay();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (read(connection, 13)[1] == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(read(connection, 13)[1])
                    .as("back on a replica once it caught up")
                    .isEqualTo(1);
        }
    }

    @Test
    void theMonitor_andThePositionSamplers_stopWithTheLastConnection_leavingNoThreadAndNoServerConnection()
            throws Exception {
        try (Connection connection = connect("replicaPollInterval=5ms")) {
            cluster.pauseReplayEverywhere();
            execute(connection, "UPDATE ryw SET v = v + 1 WHERE id = 12");
            read(connection, 12);
            assertThat(monitorThreads()).isPositive();
            // The read's position was asked by the primary's sampler, on a session of its own.
            assertThat(Integer.parseInt(cluster.query(
                            0,
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + PositionSampler.NAME
                                    + "'")))
                    .isPositive();
            resumeReplay();
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((monitorThreads() > 0 || monitorSessions() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(monitorThreads()).isZero();
        assertThat(monitorSessions()).isZero();
    }

    private static long monitorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("replicated-jdbc-positions-") && thread.isAlive())
                .count();
    }

    private int monitorSessions() throws SQLException {
        int sessions = 0;
        for (int node = 0; node <= cluster.replicaCount(); node++) {
            sessions += Integer.parseInt(cluster.query(
                    node,
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name IN ('replicated-jdbc position monitor', '"
                            + PositionSampler.NAME + "')"));
        }
        return sessions;
    }
}
