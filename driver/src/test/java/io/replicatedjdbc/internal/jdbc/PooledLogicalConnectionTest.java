package io.replicatedjdbc.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.ReplicatedDriver;
import io.replicatedjdbc.testing.RecordingDriver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * connectionMode=pooled over the recording driver: what each physical connection is asked, as logical connections
 * borrow and return it. The same behaviour against real servers is in PostgresPooledConnectionsTest.
 */
class PooledLogicalConnectionTest {

    private final ReplicatedDriver driver = new ReplicatedDriver();

    @BeforeEach
    void clearLog() {
        RecordingDriver.register();
        RecordingDriver.clear();
    }

    private Connection connect(String... options) throws SQLException {
        StringBuilder url =
                new StringBuilder("jdbc:replicated:recording:primary?replicas=replica1&connectionMode=pooled");
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
    void logicalConnectionsOneAfterAnother_shareOnePhysicalConnectionPerNode() throws SQLException {
        for (int i = 0; i < 5; i++) {
            try (Connection connection = connect("name=share")) {
                execute(connection, "SELECT 1");
                execute(connection, "UPDATE t SET x = 1");
            }
        }
        assertThat(calls("primary", "connect")).hasSize(1);
        assertThat(calls("replica1", "connect")).hasSize(1);
        assertThat(calls("primary", "statement.execute UPDATE")).hasSize(5);
        assertThat(calls("replica1", "statement.execute SELECT")).hasSize(5);
        // Given back, not closed, when the logical connections closed.
        assertThat(calls("primary", "close")).isEmpty();
        assertThat(calls("replica1", "close")).isEmpty();
    }

    @Test
    void jdbcState_movesByDifference_toTheNextBorrower() throws SQLException {
        try (Connection first = connect("name=state");
                Connection second = connect("name=state")) {
            first.setAutoCommit(false);
            execute(first, "UPDATE t SET x = 1");
            first.commit();
            RecordingDriver.clear();
            // The same physical connection, now for a logical connection in autocommit: switched back before it runs.
            execute(second, "UPDATE t SET x = 2");
            List<String> primary = calls("primary", "");
            assertThat(primary).contains("setAutoCommit true");
            assertThat(primary.indexOf("setAutoCommit true"))
                    .isLessThan(primary.indexOf("statement.execute UPDATE t SET x = 2"));
            RecordingDriver.clear();
            // Nothing to change when it already carries the borrower's state.
            execute(second, "UPDATE t SET x = 3");
            assertThat(calls("primary", "set")).isEmpty();
        }
    }

    @Test
    void aTransactionKeepsItsPhysicalConnection_andAnotherLogicalConnectionOpensASecond() throws SQLException {
        try (Connection first = connect("name=tx");
                Connection second = connect("name=tx")) {
            first.setAutoCommit(false);
            execute(first, "UPDATE t SET x = 1");
            execute(second, "UPDATE t SET x = 2");
            first.commit();
            execute(second, "UPDATE t SET x = 3");
        }
        assertThat(calls("primary", "connect")).hasSize(2);
    }

    @Test
    void aSqlSessionChange_thatCannotBeUndone_closesThePhysicalConnectionInsteadOfLendingIt() throws SQLException {
        try (Connection connection = connect("name=pragma")) {
            execute(connection, "SET search_path TO app");
            execute(connection, "UPDATE t SET x = 1");
        }
        // Other drivers are not observed: the change is replayed on each connection the logical connection borrows;
        // the same logical connection gets its connection back as it left it, with nothing replayed.
        assertThat(calls("primary", "statement.execute SET search_path TO app")).hasSize(1);
        assertThat(calls("primary", "close")).isEmpty();
        RecordingDriver.clear();
        try (Connection next = connect("name=pragma")) {
            execute(next, "UPDATE t SET x = 2");
        }
        // Another logical connection never gets it: it is closed, and a new one opened in its place.
        assertThat(calls("primary", "close")).hasSize(1);
        assertThat(calls("primary", "connect")).hasSize(1);
        assertThat(calls("primary", "statement.execute SET")).isEmpty();
    }

    @Test
    void anOpenResultSet_keepsItsPhysicalConnection_untilItIsClosed() throws SQLException {
        try (Connection first = connect("name=rs", "replicaPoolSize=1", "poolTimeout=100ms");
                Connection second = connect("name=rs", "replicaPoolSize=1", "poolTimeout=100ms")) {
            Statement statement = first.createStatement();
            ResultSet rs = statement.executeQuery("SELECT 1");
            // The one replica connection is first's while its result set is open: second's read waits, then fails.
            Assertions.assertThatThrownBy(() -> execute(second, "SELECT 2"))
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("replica1");
            rs.close();
            execute(second, "SELECT 3");
            statement.close();
        }
        assertThat(calls("replica1", "connect")).hasSize(1);
    }

    @Test
    void aStatementKeepsABoundedSetOfPhysicalStatements_oneForEachConnectionItRanOn() throws SQLException {
        try (Connection connection = connect("name=bounded", "primaryPoolSize=6");
                PreparedStatement statement = connection.prepareStatement("SELECT x FROM t WHERE y = ? FOR UPDATE")) {
            // Six other logical connections hold six primary connections in turn, so that each execution lands on
            // another one.
            for (int i = 0; i < 6; i++) {
                List<Connection> holders = new ArrayList<>();
                for (int h = 0; h < i; h++) {
                    Connection holder = connect("name=bounded", "primaryPoolSize=6");
                    holder.setAutoCommit(false);
                    execute(holder, "UPDATE t SET x = 0");
                    holders.add(holder);
                }
                statement.setInt(1, i);
                // Its result set closed, its connection goes back (other drivers keep it until then).
                statement.executeQuery().close();
                for (Connection holder : holders) {
                    holder.rollback();
                    holder.close();
                }
            }
            String prepare = "prepareStatement SELECT x FROM t WHERE y = ? FOR UPDATE";
            assertThat(calls("primary", prepare)).hasSize(6);
            // At most four are kept: the oldest were closed (when their connection was next borrowed) while the
            // statement is still open. The holders closed one statement each: 0 + 1 + ... + 5.
            assertThat(calls("primary", "statement.close").size() - 15).isPositive();
        }
    }

    @Test
    void primaryReadWeight_choosesTheReadNodePerStatement_notOnceForTheLogicalConnection() throws SQLException {
        try (Connection connection = connect("primaryReadWeight=1")) {
            for (int i = 0; i < 40; i++) {
                execute(connection, "SELECT 1");
            }
        }
        // Both the primary and the replica served some of the reads: a choice of the primary does not stick.
        assertThat(calls("primary", "statement.execute SELECT 1")).hasSizeBetween(5, 35);
        assertThat(calls("replica1", "statement.execute SELECT 1")).hasSizeBetween(5, 35);
    }
}
