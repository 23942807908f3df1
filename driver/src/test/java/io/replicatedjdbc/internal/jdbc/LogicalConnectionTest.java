package io.replicatedjdbc.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.ReplicatedConnection;
import io.replicatedjdbc.ReplicatedDriver;
import io.replicatedjdbc.Route;
import io.replicatedjdbc.testing.RecordingDriver;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wrappers' contract with the physical connections, seen through a recording fake driver: which
 * physical connections open, and which calls reach each. Routing itself is shown end to end on real
 * databases in the integration suites.
 */
class LogicalConnectionTest {

    private final ReplicatedDriver driver = new ReplicatedDriver();

    @BeforeEach
    void clearLog() {
        RecordingDriver.register();
        RecordingDriver.clear();
    }

    private Connection connect(String replicas, String... options) throws SQLException {
        // These tests follow each physical connection of one logical connection, held for life (dedicated); pooled
        // connections are tested in PooledLogicalConnectionTest and against the real servers.
        StringBuilder url = new StringBuilder("jdbc:replicated:recording:primary?connectionMode=dedicated&replicas=")
                .append(replicas);
        for (String option : options) {
            url.append('&').append(option);
        }
        Properties info = new Properties();
        info.setProperty("user", "app");
        return driver.connect(url.toString(), info);
    }

    private static List<String> calls(String node, String prefix) {
        return RecordingDriver.log(node).stream()
                .filter(line -> line.startsWith(prefix))
                .collect(Collectors.toList());
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void connect_opensThePrimary_andAReadOnlyWorkloadRunsNothingThere() throws SQLException {
        try (Connection connection = connect("replica1")) {
            assertThat(calls("primary", "connect")).hasSize(1);
            assertThat(calls("replica1", "connect")).isEmpty();
            execute(connection, "SELECT 1");
            execute(connection, "SELECT 2");
        }
        assertThat(calls("primary", "connect")).hasSize(1);
        assertThat(calls("primary", "createStatement")).isEmpty();
        assertThat(calls("replica1", "connect")).hasSize(1);
    }

    @Test
    void writeOnlyWorkload_neverOpensAReplica() throws SQLException {
        try (Connection connection = connect("replica1")) {
            execute(connection, "INSERT INTO t VALUES (1)");
            execute(connection, "UPDATE t SET a = 2");
        }
        assertThat(calls("replica1", "connect")).isEmpty();
        assertThat(calls("primary", "connect")).hasSize(1);
    }

    @Test
    void nodesGetTheCallersPropertiesButNotOurOptions() throws SQLException {
        try (Connection connection = connect("replica1", "loadBalance=random")) {
            execute(connection, "SELECT 1");
        }
        assertThat(calls("replica1", "connect"))
                .singleElement()
                .asString()
                .isEqualTo("connect jdbc:recording:replica1 {user=app}");
    }

    @Test
    void jdbcSessionState_setBeforeANodeOpens_isAppliedWhenItOpens() throws SQLException {
        try (Connection connection = connect("replica1")) {
            connection.setCatalog("sales");
            connection.setSchema("app");
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(false);
            connection.setClientInfo("ApplicationName", "billing");
            execute(connection, "SELECT 1");
            execute(connection, "DELETE FROM t");
        }
        // The primary is open from connect on: each change is written through as it is made.
        assertThat(RecordingDriver.log("primary"))
                .containsSubsequence(
                        "setCatalog sales",
                        "setSchema app",
                        "setTransactionIsolation 4",
                        "setReadOnly false",
                        "setClientInfo ApplicationName, billing",
                        "createStatement");
        // The replica opens later and gets them all when it opens.
        assertThat(RecordingDriver.log("replica1"))
                .containsSubsequence(
                        "setCatalog sales",
                        "setSchema app",
                        "setTransactionIsolation 4",
                        "setReadOnly false",
                        "setClientInfo {ApplicationName=billing}",
                        "createStatement");
    }

    @Test
    void jdbcSessionState_changedLater_isWrittenThroughToOpenNodes() throws SQLException {
        try (Connection connection = connect("replica1")) {
            execute(connection, "SELECT 1");
            execute(connection, "DELETE FROM t");
            RecordingDriver.clear();
            connection.setSchema("other");
            assertThat(connection.getSchema()).isEqualTo("other");
        }
        assertThat(RecordingDriver.log("primary")).contains("setSchema other");
        assertThat(RecordingDriver.log("replica1")).contains("setSchema other");
    }

    @Test
    void sqlSessionChanges_areReplayedInOrderOnNodesOpenedLater() throws SQLException {
        try (Connection connection = connect("replica1")) {
            execute(connection, "SET search_path TO app");
            execute(connection, "SET statement_timeout = 5000");
            assertThat(calls("replica1", "connect")).isEmpty();
            execute(connection, "SELECT 1");
        }
        assertThat(calls("replica1", "statement.execute"))
                .containsExactly(
                        "statement.execute SET search_path TO app",
                        "statement.execute SET statement_timeout = 5000",
                        "statement.execute SELECT 1");
    }

    @Test
    void aSettingChangedManyTimes_isRecordedOnce_soALaterNodeReplaysOnlyItsLastValue() throws SQLException {
        try (Connection connection = connect("replica1")) {
            for (int i = 0; i < 5_000; i++) {
                execute(connection, "SET search_path TO s" + i);
                execute(connection, "SET statement_timeout = " + i);
            }
            execute(connection, "SELECT 1");
        }
        assertThat(calls("replica1", "statement.execute"))
                .containsExactly(
                        "statement.execute SET search_path TO s4999",
                        "statement.execute SET statement_timeout = 4999",
                        "statement.execute SELECT 1");
    }

    @Test
    void preparedSessionChange_isReplayedWithItsParameters() throws SQLException {
        try (Connection connection = connect("replica1")) {
            try (PreparedStatement statement =
                    connection.prepareStatement("SELECT set_config('search_path', ?, false)")) {
                statement.setString(1, "app");
                statement.execute();
            }
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .route())
                    .isEqualTo(Route.ALL);
            execute(connection, "DELETE FROM t");
        }
        assertThat(RecordingDriver.log("primary"))
                .containsSubsequence(
                        "prepareStatement SELECT set_config('search_path', ?, false)",
                        "statement.setString 1, app",
                        "statement.execute",
                        "createStatement");
    }

    @Test
    void sessionChangeInsideATransaction_reachesOtherNodesOnlyIfItCommits() throws SQLException {
        try (Connection connection = connect("replica1", "readYourWrites=off")) {
            execute(connection, "SELECT 1");
            connection.setAutoCommit(false);
            execute(connection, "SET search_path TO rolled_back");
            connection.rollback();
            execute(connection, "SET search_path TO committed");
            connection.commit();
            connection.setAutoCommit(true);
        }
        assertThat(calls("replica1", "statement.execute SET"))
                .containsExactly("statement.execute SET search_path TO committed");
        assertThat(calls("primary", "statement.execute SET"))
                .containsExactly(
                        "statement.execute SET search_path TO rolled_back",
                        "statement.execute SET search_path TO committed");
    }

    @Test
    void readOnlyChangeInsideATransaction_goesToTheTransactionsNodeAtOnce_whoseDriverDecides() throws SQLException {
        try (Connection connection = connect("replica1")) {
            connection.setAutoCommit(false);
            execute(connection, "DELETE FROM t");
            connection.setReadOnly(true);
            assertThat(calls("primary", "setReadOnly")).containsExactly("setReadOnly true");
            connection.commit();
        }
    }

    @Test
    void unreachableReplica_isSkippedByLaterConnectionsForTheRetryInterval() throws SQLException {
        for (int i = 0; i < 3; i++) {
            try (Connection connection = connect("down1,replica2", "replicaRetryInterval=1m")) {
                execute(connection, "SELECT 1");
                assertThat(connection
                                .unwrap(ReplicatedConnection.class)
                                .lastRouting()
                                .node())
                        .startsWith("replica2");
            }
        }
        assertThat(calls("down1", "connect refused")).hasSize(1);
    }

    @Test
    void replicaConnectionBreaksDuringAnAutocommitRead_theReadIsRetriedOnAnotherReplica() throws SQLException {
        try (Connection connection = connect("broken1,replica2")) {
            execute(connection, "SELECT 1");
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .node())
                    .startsWith("replica2");
        }
        assertThat(calls("broken1", "statement.execute")).containsExactly("statement.execute SELECT 1");
        assertThat(calls("replica2", "statement.execute")).containsExactly("statement.execute SELECT 1");
    }

    @Test
    void aReadThatTimesOut_reachesTheApplication_onceAndOnlyThere_andTheReplicaStaysInRotation() throws SQLException {
        try (Connection connection = connect("timeout1")) {
            assertThatThrownBy(() -> execute(connection, "SELECT pg_sleep(10)"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("08006");
        }
        assertThat(calls("timeout1", "statement.execute")).hasSize(1);
        assertThat(calls("primary", "statement.execute")).isEmpty();
        try (Connection connection = connect("timeout1")) {
            assertThatThrownBy(() -> execute(connection, "SELECT 1")).isInstanceOf(SQLException.class);
        }
        assertThat(calls("timeout1", "connect"))
                .as("not skipped as down: a timeout is not a node failure")
                .hasSize(2);
    }

    @Test
    void everyReplicaBreaks_theReadFallsBackToThePrimary() throws SQLException {
        try (Connection connection = connect("broken1,broken2")) {
            execute(connection, "SELECT 1");
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .reason())
                    .contains("fell back to the primary")
                    .contains("broken2");
        }
        assertThat(calls("primary", "statement.execute")).containsExactly("statement.execute SELECT 1");
    }

    @Test
    void replicaBreaksInsideAReadOnlyTransaction_theErrorReachesTheApplication_andNothingIsRetried()
            throws SQLException {
        try (Connection connection = connect("broken1,replica2")) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            assertThatThrownBy(() -> execute(connection, "SELECT 1"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("08006");
            connection.rollback();
            execute(connection, "SELECT 2");
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .node())
                    .startsWith("replica2");
        }
        assertThat(calls("replica2", "statement.execute")).containsExactly("statement.execute SELECT 2");
        assertThat(calls("primary", "statement.execute")).isEmpty();
    }

    @Test
    void readCancelledByARecoveryConflict_runsAgainOnThePrimary_butNotInsideATransaction() throws SQLException {
        try (Connection connection = connect("conflicted1")) {
            execute(connection, "SELECT 1");
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .reason())
                    .contains("the replica cancelled it (canceling statement due to conflict with recovery)");
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            assertThatThrownBy(() -> execute(connection, "SELECT 2"))
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("40001");
            connection.rollback();
        }
        assertThat(calls("primary", "statement.execute")).containsExactly("statement.execute SELECT 1");
        assertThat(calls("conflicted1", "statement.execute"))
                .containsExactly("statement.execute SELECT 1", "statement.execute SELECT 2");
    }

    @Test
    void writeThatFailsWithAConnectionError_isNeverRetried() throws SQLException {
        try (Connection connection =
                driver.connect("jdbc:replicated:recording:broken0?connectionMode=dedicated&replicas=replica1", null)) {
            assertThatThrownBy(() -> execute(connection, "DELETE FROM t"))
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("08006");
        }
        assertThat(calls("broken0", "statement.execute")).containsExactly("statement.execute DELETE FROM t");
        assertThat(calls("replica1", "connect")).isEmpty();
    }

    @Test
    void closingTheLogicalConnection_closesEveryPhysicalConnectionAndStatement() throws SQLException {
        Connection connection = connect("replica1");
        Statement statement = connection.createStatement();
        statement.execute("SELECT 1");
        statement.execute("DELETE FROM t");
        connection.close();
        assertThat(RecordingDriver.log("primary")).contains("statement.close", "close");
        assertThat(RecordingDriver.log("replica1")).contains("statement.close", "close");
    }

    @Test
    void statementSettings_areAppliedToEveryPhysicalStatement() throws SQLException {
        try (Connection connection = connect("replica1");
                Statement statement = connection.createStatement()) {
            statement.setFetchSize(50);
            statement.setQueryTimeout(7);
            statement.execute("SELECT 1");
            statement.setMaxRows(10);
            statement.execute("DELETE FROM t");
            assertThat(statement.getFetchSize()).isEqualTo(50);
            assertThat(statement.getMaxRows()).isEqualTo(10);
        }
        assertThat(RecordingDriver.log("replica1"))
                .containsSubsequence(
                        "statement.setFetchSize 50",
                        "statement.setQueryTimeout 7",
                        "statement.execute SELECT 1",
                        "statement.setMaxRows 10");
        assertThat(RecordingDriver.log("primary"))
                .containsSubsequence(
                        "statement.setFetchSize 50",
                        "statement.setMaxRows 10",
                        "statement.setQueryTimeout 7",
                        "statement.execute DELETE FROM t");
    }

    @Test
    void clearParameters_reachesThePhysicalStatement_andNothingStaleIsReplayed() throws SQLException {
        try (Connection connection = connect("replica1");
                PreparedStatement statement = connection.prepareStatement("SELECT ?")) {
            statement.setInt(1, 7);
            statement.execute();
            statement.clearParameters();
            statement.setInt(1, 8);
            statement.execute();
        }
        assertThat(calls("replica1", "statement."))
                .containsExactly(
                        "statement.setInt 1, 7",
                        "statement.execute",
                        "statement.clearParameters",
                        "statement.setInt 1, 8",
                        "statement.execute",
                        "statement.close");
    }

    @Test
    void callableStatements_alwaysRunOnThePrimary() throws SQLException {
        try (Connection connection = connect("replica1");
                CallableStatement call = connection.prepareCall("{call report(?)}")) {
            call.setInt(1, 5);
            call.execute();
        }
        assertThat(calls("replica1", "connect")).isEmpty();
        assertThat(RecordingDriver.log("primary"))
                .containsSubsequence("prepareCall {call report(?)}", "statement.setInt 1, 5", "statement.execute");
    }

    @Test
    void resetAll_forgetsEarlierSettings_forNodesOpenedLater() throws SQLException {
        try (Connection connection = connect("replica1")) {
            execute(connection, "SET search_path TO app");
            execute(connection, "RESET ALL");
            execute(connection, "SET statement_timeout = 5");
            execute(connection, "SELECT 1");
        }
        assertThat(calls("replica1", "statement.execute"))
                .containsExactly("statement.execute SET statement_timeout = 5", "statement.execute SELECT 1");
    }

    @Test
    void discardAll_releasesTheSessionPin() throws SQLException {
        try (Connection connection = connect("replica1", "readYourWrites=off")) {
            ReplicatedConnection replicated = connection.unwrap(ReplicatedConnection.class);
            execute(connection, "CREATE TEMP TABLE scratch (id int)");
            execute(connection, "SELECT 1");
            assertThat(replicated.lastRouting().route()).isEqualTo(Route.PRIMARY);
            assertThat(replicated.isPinnedToPrimary()).isTrue();
            execute(connection, "DISCARD ALL");
            assertThat(replicated.isPinnedToPrimary()).isFalse();
            execute(connection, "SELECT 1");
            assertThat(replicated.lastRouting().route()).isEqualTo(Route.REPLICA);
        }
    }

    @Test
    void endRequest_keepsTheReadYourWritesWindow() throws SQLException {
        try (Connection connection = connect("replica1", "readYourWritesWindow=1m")) {
            execute(connection, "DELETE FROM t");
            connection.endRequest();
            execute(connection, "SELECT 1");
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .reason())
                    .startsWith("read-your-writes");
        }
    }

    @Test
    void endRequest_releasesReadYourWritesAndExplicitPins_butNotSessionObjects() throws SQLException {
        try (Connection connection = connect("replica1", "readYourWrites=connection")) {
            ReplicatedConnection replicated = connection.unwrap(ReplicatedConnection.class);
            execute(connection, "DELETE FROM t");
            replicated.pinToPrimary();
            execute(connection, "SELECT 1");
            assertThat(replicated.lastRouting().route()).isEqualTo(Route.PRIMARY);
            connection.endRequest();
            execute(connection, "SELECT 1");
            assertThat(replicated.lastRouting().route()).isEqualTo(Route.REPLICA);

            execute(connection, "LISTEN jobs");
            connection.endRequest();
            execute(connection, "SELECT 1");
            assertThat(replicated.lastRouting().reason()).contains("LISTEN");
        }
    }

    @Test
    void commitAndRollback_inAutocommit_failClearly() throws SQLException {
        try (Connection connection = connect("replica1")) {
            assertThatThrownBy(connection::commit)
                    .hasMessageContaining("autoCommit")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("25P01");
            assertThatThrownBy(connection::rollback)
                    .hasMessageContaining("autoCommit")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("25P01");
        }
    }
}
