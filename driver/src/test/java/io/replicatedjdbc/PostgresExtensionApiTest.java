package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGStatement;
import org.postgresql.core.BaseConnection;
import org.postgresql.fastpath.Fastpath;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * PgJDBC's extension interfaces on the logical connection and its statements: casts work, and each call reaches the
 * node a user would expect. Where a call ran is shown by the server: {@code inet_server_port()} and
 * {@code pg_is_in_recovery()} inside a COPY, the primary's own tables for large objects, {@code pg_stat_activity}
 * for the backend PID, {@code pg_prepared_statements} for settings of PgJDBC's connection object.
 */
@ExtendWith(PostgresClusterExtension.class)
class PostgresExtensionApiTest {

    private final PostgresCluster cluster;

    PostgresExtensionApiTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void createSchema(PostgresCluster cluster) throws Exception {
        try (Connection connection = cluster.connect(0);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS ext_rows (id int PRIMARY KEY, name text)");
            statement.execute("TRUNCATE ext_rows");
            statement.execute("INSERT INTO ext_rows VALUES (1, 'one'), (2, 'two'), (3, 'three')");
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

    private static String copyOut(Connection connection, String sql) throws Exception {
        StringWriter out = new StringWriter();
        ((PGConnection) connection).getCopyAPI().copyOut(sql, out);
        return out.toString();
    }

    @Test
    void castsToPgJdbcInterfaces_work_onConnectionAndEveryKindOfStatement() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                PreparedStatement prepared = connection.prepareStatement("SELECT 1");
                CallableStatement callable = connection.prepareCall("{ ? = call upper('a') }")) {
            assertThat(connection).isInstanceOf(PGConnection.class);
            assertThat(connection.isWrapperFor(PGConnection.class)).isTrue();
            assertThat(connection.unwrap(PGConnection.class)).isSameAs(connection);
            assertThat(statement).isInstanceOf(PGStatement.class);
            assertThat(prepared).isInstanceOf(PGStatement.class);
            assertThat(callable).isInstanceOf(PGStatement.class);
            assertThat(statement.unwrap(PGStatement.class)).isSameAs(statement);
            // The logical connection itself is returned: nothing was handed out, so nothing is pinned.
            assertThat(connection.unwrap(ReplicatedConnection.class).isPinnedToPrimary())
                    .isFalse();
        }
    }

    @Test
    void copyToStdout_ofARead_runsOnAReplica_andMatchesPlainPgJdbc() throws Exception {
        try (Connection connection = connect();
                Connection plain = cluster.connect(0)) {
            String where = copyOut(connection, "COPY (SELECT inet_server_port(), pg_is_in_recovery()) TO STDOUT");
            assertThat(where.trim()).endsWith("\tt");
            assertThat(Integer.parseInt(where.split("\t")[0])).isNotEqualTo(cluster.port(0));
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .route())
                    .isEqualTo(Route.REPLICA);

            String sql = "COPY ext_rows (id, name) TO STDOUT WITH (FORMAT csv, HEADER)";
            String routed = copyOut(connection, sql);
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .route())
                    .isEqualTo(Route.REPLICA);
            StringWriter direct = new StringWriter();
            plain.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, direct);
            assertThat(routed).isEqualTo(direct.toString()).contains("2,two");

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ((PGConnection) connection).getCopyAPI().copyOut("COPY (SELECT pg_is_in_recovery()) TO STDOUT", bytes);
            assertThat(bytes.toString(StandardCharsets.UTF_8).trim()).isEqualTo("t");
        }
    }

    @Test
    void copyFromStdin_runsOnThePrimary_andIsSeenByTheNextRead_andCopyTo_withReplayPaused() throws Exception {
        cluster.pauseReplayEverywhere();
        try (Connection connection = connect()) {
            long copied = ((PGConnection) connection)
                    .getCopyAPI()
                    .copyIn("COPY ext_rows (id, name) FROM STDIN", new StringReader("10\tten\n11\televen\n"));
            assertThat(copied).isEqualTo(2);
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .route())
                    .isEqualTo(Route.PRIMARY);
            assertThat(cluster.query(0, "SELECT count(*) FROM ext_rows WHERE id IN (10, 11)"))
                    .isEqualTo("2");
            assertThat(cluster.query(1, "SELECT count(*) FROM ext_rows WHERE id IN (10, 11)"))
                    .isEqualTo("0");

            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(
                            "SELECT count(*), pg_is_in_recovery() FROM ext_rows WHERE id IN (10, 11)")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
                assertThat(rs.getBoolean(2)).isFalse();
            }
            // A COPY TO is a read under the same rule: the replicas have not replayed the COPY FROM.
            assertThat(copyOut(
                            connection,
                            "COPY (SELECT name, pg_is_in_recovery() FROM ext_rows WHERE id = 11) TO STDOUT"))
                    .isEqualTo("eleven\tf\n");
            // Not pinned: once the replicas have replayed it, reads and COPY TO return to them.
            resumeReplay();
            assertThat(connection.unwrap(ReplicatedConnection.class).isPinnedToPrimary())
                    .isFalse();
            String again = "";
            for (int i = 0; i < 200 && !again.endsWith("\tt\n"); i++) {
                again = copyOut(
                        connection, "COPY (SELECT name, pg_is_in_recovery() FROM ext_rows WHERE id = 11) TO STDOUT");
                Thread.sleep(10);
            }
            assertThat(again).isEqualTo("eleven\tt\n");
        } finally {
            try (Connection plain = cluster.connect(0);
                    Statement statement = plain.createStatement()) {
                statement.execute("DELETE FROM ext_rows WHERE id >= 10");
            }
        }
    }

    @Test
    void copy_followsTheOpenTransaction_readWriteOnThePrimary_readOnlyOnAReplica() throws Exception {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO ext_rows VALUES (20, 'twenty')");
            }
            // uncommitted: only the transaction's own node can show it
            assertThat(copyOut(
                            connection,
                            "COPY (SELECT name, pg_is_in_recovery() FROM ext_rows WHERE id = 20) TO STDOUT"))
                    .isEqualTo("twenty\tf\n");
            connection.rollback();

            connection.setReadOnly(true);
            assertThat(copyOut(connection, "COPY (SELECT pg_is_in_recovery()) TO STDOUT"))
                    .isEqualTo("t\n");
            // A COPY FROM in a read-only transaction fails as it does on one connection, and writes nothing.
            assertThatThrownBy(() -> ((PGConnection) connection)
                            .getCopyAPI()
                            .copyIn("COPY ext_rows FROM STDIN", new StringReader("21\ttwenty-one\n")))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
            connection.rollback();
        }
        assertThat(cluster.query(0, "SELECT count(*) FROM ext_rows WHERE id IN (20, 21)"))
                .isEqualTo("0");
    }

    @Test
    void copyErrors_areThoseOfPlainPgJdbc() throws Exception {
        try (Connection connection = connect();
                Connection plain = cluster.connect(0)) {
            String sql = "COPY no_such_table TO STDOUT";
            SQLException direct = null;
            try {
                plain.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, new StringWriter());
            } catch (SQLException e) {
                direct = e;
            }
            assertThat((Object) direct).isNotNull();
            String state = direct.getSQLState();
            assertThatThrownBy(() -> copyOut(connection, sql))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(state));
            assertThatThrownBy(() -> ((PGConnection) connection)
                            .getCopyAPI()
                            .copyIn("COPY ext_rows FROM STDIN", new StringReader("1\tduplicate\n")))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
            // The connection still works on every node.
            assertThat(copyOut(connection, "COPY (SELECT 1) TO STDOUT")).isEqualTo("1\n");
        }
    }

    @Test
    void largeObjects_areWrittenOnThePrimary_inTheConnectionsTransaction_andReadBackAfterCommit() throws Exception {
        cluster.pauseReplayEverywhere();
        long oid;
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            LargeObjectManager objects = ((PGConnection) connection).getLargeObjectAPI();
            oid = objects.createLO();
            try (LargeObject object = objects.open(oid, LargeObjectManager.WRITE)) {
                object.write("large".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(cluster.query(0, "SELECT count(*) FROM pg_largeobject_metadata WHERE oid = " + oid))
                    .as("not committed yet")
                    .isEqualTo("0");
            connection.commit();
            assertThat(cluster.query(0, "SELECT count(*) FROM pg_largeobject_metadata WHERE oid = " + oid))
                    .isEqualTo("1");

            // Read back through the driver with replay paused: read-your-writes sends it to the primary.
            try (Statement statement = connection.createStatement();
                    ResultSet rs =
                            statement.executeQuery("SELECT count(*), pg_is_in_recovery() FROM pg_largeobject_metadata"
                                    + " WHERE oid = " + oid)) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getBoolean(2)).isFalse();
            }
            connection.commit();

            // A rolled-back large object is gone: the rollback reached the node that made it.
            long discarded = objects.createLO();
            connection.rollback();
            assertThat(cluster.query(0, "SELECT count(*) FROM pg_largeobject_metadata WHERE oid = " + discarded))
                    .isEqualTo("0");

            try (LargeObject object = objects.open(oid, LargeObjectManager.READ)) {
                assertThat(new String(object.read(100), StandardCharsets.UTF_8)).isEqualTo("large");
            }
            objects.delete(oid);
            connection.commit();
        }
        assertThat(cluster.query(0, "SELECT count(*) FROM pg_largeobject_metadata WHERE oid = " + oid))
                .isEqualTo("0");
    }

    /** Scans of pg_proc in this session's transaction so far (PgJDBC looks up the large object functions there). */
    private static long procScans(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0)"
                        + " FROM pg_stat_xact_sys_tables WHERE relname = 'pg_proc'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Uses the large object API as an application would, and returns the pg_proc scans that cost. */
    private static long procScansOfLargeObjectUse(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        procScans(connection);
        long before = procScans(connection);
        LargeObjectManager objects = connection.unwrap(PGConnection.class).getLargeObjectAPI();
        long oid = objects.createLO();
        try (LargeObject object = objects.open(oid, LargeObjectManager.WRITE)) {
            object.write(new byte[] {1, 2, 3});
        }
        objects.delete(oid);
        long used = procScans(connection) - before;
        connection.rollback();
        return used;
    }

    @Test
    void largeObjects_lookTheFunctionsUpOnce_asPlainPgJdbcDoes() throws Exception {
        long plain;
        try (Connection direct = cluster.connect(0)) {
            plain = procScansOfLargeObjectUse(direct);
        }
        try (Connection connection = connect()) {
            assertThat(procScansOfLargeObjectUse(connection)).isEqualTo(plain);
        }
        assertThat(plain).as("the look-up is seen at all").isPositive();
    }

    @Test
    void largeObjects_inAutocommit_failAsWithPlainPgJdbc() throws Exception {
        try (Connection connection = connect();
                Connection plain = cluster.connect(0)) {
            LargeObjectManager routed = ((PGConnection) connection).getLargeObjectAPI();
            LargeObjectManager direct = plain.unwrap(PGConnection.class).getLargeObjectAPI();
            String expected = null;
            try {
                direct.createLO();
            } catch (SQLException e) {
                expected = e.getMessage();
            }
            assertThat(expected).isNotNull();
            assertThatThrownBy(routed::createLO).hasMessage(expected);
            assertThatThrownBy(() -> routed.open(1L)).hasMessage(expected);
        }
    }

    @Test
    void notifications_reachTheSessionWhereListenRan_andTheBackendPidIsThePrimarys() throws Exception {
        try (Connection connection = connect();
                Connection other = cluster.connect(0)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN ext_channel");
                // reads meanwhile go to a replica: the notification must still arrive
                statement.executeQuery("SELECT 1").close();
            }
            try (Statement statement = other.createStatement()) {
                statement.execute("NOTIFY ext_channel, 'hello'");
            }
            PGConnection pg = (PGConnection) connection;
            PGNotification[] received = pg.getNotifications(10_000);
            assertThat(received).hasSize(1);
            assertThat(received[0].getName()).isEqualTo("ext_channel");
            assertThat(received[0].getParameter()).isEqualTo("hello");

            int pid = pg.getBackendPID();
            assertThat(received[0].getPID()).isNotEqualTo(pid);
            assertThat(cluster.query(0, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid))
                    .isEqualTo("1");
            assertThat(pg.getParameterStatus("in_hot_standby")).isEqualTo("off");
            assertThat(pg.getParameterStatuses()).containsEntry("in_hot_standby", "off");
            assertThat(pg.escapeIdentifier("a\"b")).isEqualTo("\"a\"\"b\"");
            assertThat(pg.escapeLiteral("it's")).isEqualTo("it''s");
        }
    }

    @Test
    void prepareThreshold_onTheConnection_reachesReplicasOpenedLater() throws Exception {
        try (Connection connection = connect("connectionMode=dedicated")) {
            PGConnection pg = (PGConnection) connection;
            pg.setPrepareThreshold(1);
            assertThat(pg.getPrepareThreshold()).isEqualTo(1);
            try (PreparedStatement statement = connection.prepareStatement("SELECT name FROM ext_rows WHERE id = ?")) {
                statement.setInt(1, 2);
                statement.executeQuery().close();
                assertThat(connection
                                .unwrap(ReplicatedConnection.class)
                                .lastRouting()
                                .route())
                        .isEqualTo(Route.REPLICA);
                assertThat(((PGStatement) statement).isUseServerPrepare()).isTrue();
            }
            assertThat(preparedOnReplica(connection)).isGreaterThan(0);
        }
        // Compare: the default threshold (5) prepares nothing on the server after one execution.
        try (Connection connection = connect("connectionMode=dedicated")) {
            try (PreparedStatement statement = connection.prepareStatement("SELECT name FROM ext_rows WHERE id = ?")) {
                statement.setInt(1, 2);
                statement.executeQuery().close();
            }
            assertThat(preparedOnReplica(connection)).isZero();
        }
    }

    @Test
    void prepareThreshold_onAStatement_reachesItsPhysicalStatements() throws Exception {
        try (Connection connection = connect("connectionMode=dedicated");
                PreparedStatement statement = connection.prepareStatement("SELECT name FROM ext_rows WHERE id = ?")) {
            PGStatement pg = statement.unwrap(PGStatement.class);
            assertThat(pg.getPrepareThreshold()).isEqualTo(5);
            pg.setPrepareThreshold(1);
            assertThat(pg.getPrepareThreshold()).isEqualTo(1);
            statement.setInt(1, 3);
            statement.executeQuery().close();
            assertThat(pg.isUseServerPrepare()).isTrue();
            try (Connection plain = cluster.connect(0);
                    PreparedStatement direct = plain.prepareStatement("SELECT name FROM ext_rows WHERE id = ?")) {
                direct.setInt(1, 3);
                direct.executeQuery().close();
                assertThat(pg.getLastOID())
                        .isEqualTo(direct.unwrap(PGStatement.class).getLastOID());
            }
            assertThat(preparedOnReplica(connection)).isGreaterThan(0);
        }
    }

    /** Named server-side statements of this connection's replica session. */
    private static int preparedOnReplica(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT count(*), pg_is_in_recovery() FROM pg_prepared_statements")) {
            rs.next();
            assertThat(rs.getBoolean(2)).as("asked of the replica").isTrue();
            return rs.getInt(1);
        }
    }

    @Test
    void cancelQuery_reachesTheNodeTheStatementRunsOn() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection connection = connect()) {
            connection.createStatement().executeQuery("SELECT 1").close();
            Future<?> sleeping = executor.submit(() -> {
                try (Statement statement = connection.createStatement()) {
                    statement.executeQuery("SELECT pg_sleep(30)");
                }
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"1"
                            .equals(cluster.query(
                                    1, "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"))
                    && !"1"
                            .equals(cluster.query(
                                    2, "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ((PGConnection) connection).cancelQuery();
            assertThatThrownBy(() -> sleeping.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e.getCause()).getSQLState())
                            .isEqualTo("57014"));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void unwrapToPgJdbcsConnectionClass_stillHandsOutThePrimary_andPinsTheRequest() throws Exception {
        try (Connection connection = connect()) {
            BaseConnection physical = connection.unwrap(BaseConnection.class);
            try (Statement statement = physical.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isFalse();
            }
            ReplicatedConnection replicated = connection.unwrap(ReplicatedConnection.class);
            assertThat(replicated.isPinnedToPrimary()).isTrue();
            replicated.endRequest();
            assertThat(replicated.isPinnedToPrimary()).isFalse();

            // The fast-path API is the primary's own object too: it pins the same way.
            @SuppressWarnings("deprecation")
            Fastpath fastpath = ((PGConnection) connection).getFastpathAPI();
            assertThat(fastpath).isNotNull();
            assertThat(replicated.isPinnedToPrimary()).isTrue();
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isFalse();
            }
        }
    }
}
