package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/**
 * Routing against a real PostgreSQL primary with two streaming hot standbys. Every claim about where a
 * statement ran is checked with the server's own answer: {@code inet_server_port()} and
 * {@code pg_is_in_recovery()}.
 */
@ExtendWith(PostgresClusterExtension.class)
class PostgresRoutingTest {

    private final PostgresCluster cluster;
    private final int primaryPort;
    private final Set<Integer> replicaPorts = new HashSet<>();

    PostgresRoutingTest(PostgresCluster cluster) {
        this.cluster = cluster;
        this.primaryPort = cluster.port(0);
        for (int replica = 1; replica <= cluster.replicaCount(); replica++) {
            replicaPorts.add(cluster.port(replica));
        }
    }

    @BeforeAll
    static void createSchema(PostgresCluster cluster) throws Exception {
        try (Connection connection = cluster.connect(0);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS accounts");
            statement.execute(
                    "CREATE TABLE accounts (id serial PRIMARY KEY, owner text NOT NULL, balance int NOT NULL)");
            statement.execute("INSERT INTO accounts (owner, balance) VALUES ('ann', 100), ('bob', 50)");
            statement.execute("CREATE SEQUENCE IF NOT EXISTS ticket_seq");
            statement.execute("CREATE OR REPLACE FUNCTION account_total() RETURNS bigint STABLE LANGUAGE sql"
                    + " AS 'SELECT sum(balance) FROM accounts'");
            statement.execute("CREATE OR REPLACE FUNCTION touch_account(who text) RETURNS int VOLATILE LANGUAGE sql"
                    + " AS 'UPDATE accounts SET balance = balance WHERE owner = who RETURNING inet_server_port()'");
        }
        cluster.awaitReplicas();
    }

    private Connection connect(String... options) throws SQLException {
        return DriverManager.getConnection(cluster.replicatedUrl(options));
    }

    /** The port of the server that answered, asked of the server itself. */
    private static int port(Connection connection) throws SQLException {
        return Integer.parseInt(single(connection, "SELECT inet_server_port()"));
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static RoutingDecision last(Connection connection) throws SQLException {
        return connection.unwrap(ReplicatedConnection.class).lastRouting();
    }

    @Test
    void autocommitReads_runOnHotStandbys_spreadOverBothAcrossConnections() throws SQLException {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            try (Connection connection = connect()) {
                // Dedicated, each connection keeps one replica; pooled, each read is placed on its own.
                seen.add(port(connection));
                seen.add(port(connection));
                assertThat(single(connection, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            }
        }
        assertThat(seen).isEqualTo(replicaPorts);
    }

    @Test
    void replicasOptionForm_routesTheSameWay() throws SQLException {
        try (Connection connection = DriverManager.getConnection(cluster.replicatedUrlWithReplicasOption())) {
            assertThat(port(connection)).isIn(replicaPorts);
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(
                            "UPDATE accounts SET balance = balance WHERE owner = 'ann' RETURNING inet_server_port()")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(primaryPort);
            }
        }
    }

    @Test
    void writes_runOnThePrimary_andReadsAfterAnOwnWriteToo_inWindowMode() throws SQLException {
        try (Connection connection = connect("readYourWrites=window")) {
            assertThat(port(connection)).isIn(replicaPorts);
            assertThat(single(
                            connection,
                            "INSERT INTO accounts (owner, balance) VALUES ('cy', 1) RETURNING inet_server_port()"))
                    .isEqualTo(String.valueOf(primaryPort));
            assertThat(port(connection)).isEqualTo(primaryPort);
            assertThat(single(connection, "SELECT count(*) FROM accounts WHERE owner = 'cy'"))
                    .isNotEqualTo("0");
            assertThat(last(connection).reason()).startsWith("read-your-writes");
        }
    }

    @Test
    void statementsThatFailOnAStandby_neverReachOne() throws SQLException {
        try (Connection connection = connect("readYourWrites=off")) {
            assertThat(Long.parseLong(single(connection, "SELECT nextval('ticket_seq')")))
                    .isPositive();
            assertThat(last(connection).reason()).isEqualTo("calls nextval()");
            assertThat(single(connection, "SELECT inet_server_port() FROM accounts WHERE owner = 'ann' FOR UPDATE"))
                    .isEqualTo(String.valueOf(primaryPort));
            assertThat(single(
                            connection,
                            "SELECT inet_server_port() FROM (SELECT * FROM accounts FOR SHARE) locked LIMIT 1"))
                    .isEqualTo(String.valueOf(primaryPort));
            assertThat(single(
                            connection,
                            "WITH moved AS (UPDATE accounts SET balance = balance WHERE owner = 'bob' RETURNING id) "
                                    + "SELECT inet_server_port() FROM moved"))
                    .isEqualTo(String.valueOf(primaryPort));
        }
    }

    @Test
    void userFunctions_stableOnesReadFromReplicas_volatileOnesRunOnThePrimary() throws SQLException {
        // Dedicated: the two reads compared run on the one replica the connection keeps.
        try (Connection connection = connect("readYourWrites=off", "connectionMode=dedicated")) {
            assertThat(single(connection, "SELECT account_total()::text || ':' || inet_server_port()"))
                    .endsWith(":" + single(connection, "SELECT inet_server_port()"));
            assertThat(last(connection).route()).isEqualTo(Route.REPLICA);
            assertThat(single(connection, "SELECT touch_account('ann')")).isEqualTo(String.valueOf(primaryPort));
            assertThat(last(connection).reason()).isEqualTo("calls touch_account(), a VOLATILE function");
        }
        try (Connection connection = connect("readYourWrites=off", "writeFunctions=account_total")) {
            single(connection, "SELECT account_total()");
            assertThat(last(connection).route()).isEqualTo(Route.PRIMARY);
            assertThat(last(connection).reason()).contains("writeFunctions");
        }
    }

    @Test
    void aWriteTakenForARead_isRefusedByTheReplica_andRunsOnThePrimary() throws SQLException {
        try (Connection connection = connect("readYourWrites=off", "readFunctions=touch_account")) {
            assertThat(single(connection, "SELECT touch_account('bob')")).isEqualTo(String.valueOf(primaryPort));
            assertThat(last(connection).route()).isEqualTo(Route.PRIMARY);
            assertThat(last(connection).reason())
                    .contains("the replica refused it as a write")
                    .contains("read-only transaction");
            // From then on it goes to the primary at once, and explain and the routing decision say why: what it did
            // before the refusal ran twice.
            ReplicatedConnection replicated = connection.unwrap(ReplicatedConnection.class);
            assertThat(replicated.explain("SELECT touch_account('bob')").route())
                    .isEqualTo(Route.PRIMARY);
            assertThat(replicated.explain("SELECT touch_account('bob')").reason())
                    .contains("25006")
                    .contains("ran twice");
            assertThat(single(connection, "SELECT touch_account('bob')")).isEqualTo(String.valueOf(primaryPort));
            assertThat(last(connection).reason())
                    .contains("25006")
                    .doesNotContain("the replica refused it as a write (");
        }
        try (Connection other = connect("readYourWrites=off", "readFunctions=touch_account")) {
            assertThat(other.unwrap(ReplicatedConnection.class)
                            .explain("SELECT touch_account('bob')")
                            .route())
                    .as("for every connection of the configuration")
                    .isEqualTo(Route.PRIMARY);
        }
    }

    @Test
    void advisoryLock_isTakenOnThePrimary_whereOtherSessionsSeeIt() throws SQLException {
        try (Connection connection = connect("readYourWrites=off")) {
            assertThat(single(connection, "SELECT pg_advisory_lock(4242)::text || ':' || inet_server_port()"))
                    .isEqualTo(":" + primaryPort);
            try (Connection plain = cluster.connect(0)) {
                assertThat(single(plain, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"))
                        .isEqualTo("1");
            }
            assertThat(port(connection))
                    .as("a session lock pins the connection")
                    .isEqualTo(primaryPort);
            single(connection, "SELECT pg_advisory_unlock(4242)");
        }
    }

    @Test
    void temporaryTableAndListen_pinTheConnectionToThePrimary() throws SQLException {
        try (Connection connection = connect("readYourWrites=off")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE scratch (id int)");
                statement.execute("INSERT INTO scratch VALUES (1)");
            }
            assertThat(single(connection, "SELECT count(*)::text || ':' || inet_server_port() FROM scratch"))
                    .isEqualTo("1:" + primaryPort);
            assertThat(connection.unwrap(ReplicatedConnection.class).isPinnedToPrimary())
                    .isTrue();
        }
        try (Connection connection = connect("readYourWrites=off")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN order_events");
            }
            assertThat(port(connection)).isEqualTo(primaryPort);
        }
    }

    @Test
    void sessionSettings_issuedBeforeTheReplicaOpens_areVisibleThere() throws SQLException {
        try (Connection connection = connect("readYourWrites=off")) {
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE accounts SET balance = balance WHERE owner = 'ann'");
                statement.execute("SET application_name = 'routing-test'");
                statement.execute("SET search_path TO pg_catalog, public");
            }
            assertThat(last(connection).node()).startsWith("primary");
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT current_setting('application_name'), "
                            + "current_setting('search_path'), inet_server_port()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("routing-test");
                assertThat(rs.getString(2)).isEqualTo("pg_catalog, public");
                assertThat(rs.getInt(3)).isIn(replicaPorts);
            }
            assertThat(single(connection, "SHOW application_name")).isEqualTo("routing-test");
            assertThat(last(connection).route()).isEqualTo(Route.REPLICA);
        }
    }

    @Test
    void sessionSettings_issuedFirst_reachThePrimaryWhenItOpens() throws SQLException {
        try (Connection connection = connect()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET application_name = 'first-setting'");
            }
            assertThat(single(
                            connection,
                            "UPDATE accounts SET balance = balance WHERE owner = 'ann' "
                                    + "RETURNING current_setting('application_name') || ':' || inet_server_port()"))
                    .isEqualTo("first-setting:" + primaryPort);
        }
    }

    @Test
    void readWriteTransaction_runsOnThePrimary() throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            assertThat(port(connection)).isEqualTo(primaryPort);
            single(connection, "UPDATE accounts SET balance = balance + 1 WHERE owner = 'ann' RETURNING id");
            assertThat(port(connection)).isEqualTo(primaryPort);
            connection.commit();
        }
    }

    @Test
    void readOnlyTransaction_runsOnOneHotStandby() throws SQLException {
        try (Connection connection = connect()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            int first = port(connection);
            assertThat(first).isIn(replicaPorts);
            assertThat(single(connection, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(single(connection, "SHOW transaction_read_only")).isEqualTo("on");
            assertThat(port(connection)).isEqualTo(first);
            connection.commit();
        }
    }

    @Test
    void readOnlyTransaction_startingWithTransactionScopedSettings_stillRunsOnAReplica() throws SQLException {
        try (Connection connection = connect()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION READ ONLY");
                statement.execute("SET LOCAL statement_timeout = 5000");
                statement.execute("SAVEPOINT before_reads");
            }
            assertThat(port(connection)).isIn(replicaPorts);
            assertThat(single(connection, "SHOW statement_timeout")).isEqualTo("5s");
            connection.rollback();
        }
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL statement_timeout = 5000");
            }
            assertThat(port(connection)).as("a read-write transaction").isEqualTo(primaryPort);
            connection.commit();
        }
    }

    @Test
    void readOnlySerializableTransaction_runsOnThePrimary_becauseStandbysRefuseIt() throws SQLException {
        try (Connection connection = connect()) {
            connection.setReadOnly(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            connection.setAutoCommit(false);
            assertThat(port(connection)).isEqualTo(primaryPort);
            assertThat(last(connection).reason()).contains("SERIALIZABLE");
            assertThat(single(connection, "SHOW transaction_isolation")).isEqualTo("serializable");
            connection.commit();
        }
    }

    @Test
    void preparedRead_beforeAndAfterAWrite_keepsItsParameters_andMovesToThePrimary() throws SQLException {
        try (Connection connection = connect("readYourWrites=window");
                PreparedStatement read = connection.prepareStatement(
                        "SELECT balance, inet_server_port() FROM accounts WHERE owner = ?")) {
            read.setString(1, "bob");
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(2)).isIn(replicaPorts);
            }
            single(connection, "UPDATE accounts SET balance = balance WHERE owner = 'bob' RETURNING id");
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(50);
                assertThat(rs.getInt(2)).isEqualTo(primaryPort);
            }
        }
    }

    @Test
    void pausedReplicas_serveStaleDataToOthers_whileTheWriterReadsItsOwnWrite() throws Exception {
        cluster.pauseReplay(1);
        cluster.pauseReplay(2);
        try (Connection writer = connect();
                Connection other = connect()) {
            single(writer, "INSERT INTO accounts (owner, balance) VALUES ('lagging', 7) RETURNING id");
            assertThat(single(writer, "SELECT count(*) FROM accounts WHERE owner = 'lagging'"))
                    .isEqualTo("1");
            assertThat(port(writer)).isEqualTo(primaryPort);
            assertThat(single(other, "SELECT count(*) FROM accounts WHERE owner = 'lagging'"))
                    .isEqualTo("0");
            assertThat(port(other)).isIn(replicaPorts);
        } finally {
            cluster.resumeReplay(1);
            cluster.resumeReplay(2);
        }
        cluster.awaitReplicas();
        try (Connection later = connect()) {
            assertThat(single(later, "SELECT count(*) FROM accounts WHERE owner = 'lagging'"))
                    .isEqualTo("1");
        }
    }

    @Test
    void everyReplicaStopped_readsFallBackToThePrimaryAtOnce_andReturnAfterTheRetryInterval() throws Exception {
        String[] options = {"replicaRetryInterval=1s"};
        cluster.stopNode(1, PostgresCluster.StopMode.FAST);
        cluster.stopNode(2, PostgresCluster.StopMode.FAST);
        List<Long> millis = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                try (Connection connection = connect(options)) {
                    assertThat(port(connection)).isEqualTo(primaryPort);
                    assertThat(last(connection).reason()).contains("fell back to the primary");
                }
                millis.add((System.nanoTime() - start) / 1_000_000);
            }
        } finally {
            cluster.startNode(1);
            cluster.startNode(2);
        }
        // A refused connection costs a round trip, not a connect timeout: no stall of seconds per connection.
        assertThat(millis).allMatch(ms -> ms < 5_000);
        Thread.sleep(1_100);
        cluster.awaitReplicas();
        try (Connection connection = connect(options)) {
            assertThat(port(connection)).isIn(replicaPorts);
        }
        ReplicaRotation.awaitAllReplicas(cluster);
    }

    @Test
    void hungReplicaHosts_areSkippedAfterTheConnectTimeout_insteadOfStallingReads() throws Exception {
        String[] options = {"replicaConnectTimeout=1s", "replicaRetryInterval=1m"};
        cluster.freeze(1);
        cluster.freeze(2);
        long first;
        long second;
        try {
            long start = System.nanoTime();
            try (Connection connection = connect(options)) {
                assertThat(port(connection)).isEqualTo(primaryPort);
                assertThat(last(connection).reason()).contains("fell back to the primary");
            }
            first = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            try (Connection connection = connect(options)) {
                assertThat(port(connection)).isEqualTo(primaryPort);
                assertThat(last(connection).reason()).contains("marked down");
            }
            second = (System.nanoTime() - start) / 1_000_000;
        } finally {
            cluster.thaw(1);
            cluster.thaw(2);
        }
        // Each hung replica costs the first connection about one replicaConnectTimeout; later ones do not try them.
        assertThat(first).isLessThan(10_000);
        assertThat(second).isLessThan(first);
        cluster.awaitReplicas();
        ReplicaRotation.awaitAllReplicas(cluster);
    }

    @Test
    void metadata_works_andShowsTheReplicatedUrlWithoutPassword() throws SQLException {
        try (Connection connection = DriverManager.getConnection(cluster.replicatedUrl("password=hunter2"))) {
            DatabaseMetaData metaData = connection.getMetaData();
            assertThat(metaData.getURL())
                    .startsWith("jdbc:replicated:postgresql://")
                    .doesNotContain("hunter2");
            assertThat(metaData.getConnection()).isSameAs(connection);
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = metaData.getColumns(null, "public", "accounts", "%")) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME"));
                }
            }
            assertThat(columns).containsExactly("id", "owner", "balance");
            try (ResultSet rs = metaData.getTables(null, "public", "accounts", new String[] {"TABLE"})) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getStatement()).isNull();
            }
            assertThat(metaData.getDatabaseProductName()).isEqualTo("PostgreSQL");
        }
    }

    @Test
    void cancelFromAnotherThread_stopsTheStatementRunningOnAReplica() throws Exception {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            port(connection);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try {
                Future<?> running = executor.submit(() -> statement.executeQuery("SELECT pg_sleep(30)"));
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (!"t"
                                .equals(
                                        cluster.query(
                                                1,
                                                "SELECT count(*) > 0 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"))
                        && !"t"
                                .equals(
                                        cluster.query(
                                                2,
                                                "SELECT count(*) > 0 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                statement.cancel();
                assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SQLException.class)
                        .cause()
                        .extracting(e -> ((SQLException) e).getSQLState())
                        .isEqualTo("57014");
            } finally {
                executor.shutdownNow();
            }
            assertThat(port(connection)).isIn(replicaPorts);
        }
    }

    @Test
    void statementFidelity_metadataBeforeExecution_multipleResults_warnings_closeOnCompletion() throws Exception {
        try (Connection connection = connect("readYourWrites=off")) {
            try (PreparedStatement prepared =
                    connection.prepareStatement("SELECT owner, balance FROM accounts WHERE id = ?")) {
                assertThat(prepared.getParameterMetaData().getParameterCount()).isEqualTo(1);
                assertThat(prepared.getMetaData().getColumnName(2)).isEqualTo("balance");
            }
            try (Statement statement = connection.createStatement()) {
                assertThat(statement.execute("SELECT 1 AS a; SELECT 2 AS b")).isTrue();
                try (ResultSet first = statement.getResultSet()) {
                    first.next();
                    assertThat(first.getInt(1)).isEqualTo(1);
                }
                assertThat(statement.getMoreResults()).isTrue();
                try (ResultSet second = statement.getResultSet()) {
                    second.next();
                    assertThat(second.getInt(1)).isEqualTo(2);
                    assertThat(second.getStatement()).isSameAs(statement);
                }
                assertThat(statement.getMoreResults()).isFalse();
                assertThat(statement.getUpdateCount()).isEqualTo(-1);
                assertThat(last(connection).route()).isEqualTo(Route.REPLICA);

                statement.execute("DO $$ BEGIN RAISE WARNING 'from the primary'; END $$");
                SQLWarning warning = statement.getWarnings();
                assertThat(warning == null ? null : warning.getMessage()).contains("from the primary");
                assertThat(last(connection).route()).isEqualTo(Route.PRIMARY);
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO accounts (owner, balance) VALUES (?, 1)", new String[] {"id", "owner"})) {
                insert.setString(1, "keyed");
                assertThat(insert.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getLong("id")).isPositive();
                    assertThat(keys.getString("owner")).isEqualTo("keyed");
                    assertThat(keys.getStatement()).isSameAs(insert);
                }
            }
            Statement closing = connection.createStatement();
            closing.closeOnCompletion();
            ResultSet rs = closing.executeQuery("SELECT 1");
            assertThat(closing.isClosed()).isFalse();
            rs.close();
            assertThat(closing.isClosed()).isTrue();
        }
    }

    @Test
    void unwrapToPgConnection_reachesThePrimary_forCopyManager() throws Exception {
        try (Connection connection = connect()) {
            PGConnection pg = connection.unwrap(PGConnection.class);
            long copied = pg.getCopyAPI()
                    .copyIn(
                            "COPY accounts (owner, balance) FROM STDIN WITH (FORMAT csv)",
                            new StringReader("copied,3\n"));
            assertThat(copied).isEqualTo(1);
        }
        assertThat(cluster.query(0, "SELECT count(*) FROM accounts WHERE owner = 'copied'"))
                .isEqualTo("1");
    }

    @Test
    void discardAll_afterATemporaryTable_letsReadsReturnToReplicas() throws SQLException {
        try (Connection connection = connect("readYourWrites=off")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE t_discard (id int)");
                assertThat(port(connection)).isEqualTo(primaryPort);
                statement.execute("DISCARD ALL");
            }
            assertThat(port(connection)).isIn(replicaPorts);
        }
    }

    @Test
    void writeInAReadOnlyTransaction_isRefusedByTheStandby_andNothingIsWritten() throws SQLException {
        try (Connection connection = connect()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            port(connection);
            assertThatThrownBy(() -> single(connection, "UPDATE accounts SET balance = 0 RETURNING id"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("25006");
            connection.rollback();
        }
        assertThat(cluster.query(0, "SELECT count(*) FROM accounts WHERE balance = 0"))
                .isEqualTo("0");
    }
}
