package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.testing.LogCapture;
import io.replicatedjdbc.testing.SqliteCluster;
import java.io.Serializable;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

/**
 * Routing end to end on real SQLite files, through DriverManager as an application would. Each file's
 * {@code node} table names the file, so every assertion sees which file answered; writes are checked by
 * reading the files directly.
 */
class SqliteRoutingTest {

    @TempDir
    Path dir;

    SqliteCluster cluster;

    @BeforeEach
    void createFiles() throws Exception {
        cluster = SqliteCluster.create(dir, 2);
    }

    private Connection connect(String... options) throws SQLException {
        return DriverManager.getConnection(cluster.url(options));
    }

    private static String node(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT name FROM node")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static RoutingDecision last(Connection connection) throws SQLException {
        return connection.unwrap(ReplicatedConnection.class).lastRouting();
    }

    private static void insert(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("INSERT INTO items (name) VALUES ('" + name + "')"))
                    .isEqualTo(1);
        }
    }

    @Test
    void autocommitRead_runsOnAReplica() throws SQLException {
        try (Connection connection = connect("connectionMode=dedicated")) {
            assertThat(node(connection)).isIn("replica1", "replica2");
            assertThat(last(connection).route()).isEqualTo(Route.REPLICA);
            assertThat(last(connection).reason()).isEqualTo("SELECT");
            assertThat(last(connection).node()).startsWith(node(connection) + " (");
        }
    }

    @Test
    void write_runsOnThePrimaryOnly() throws SQLException {
        try (Connection connection = connect()) {
            insert(connection, "apple");
            assertThat(last(connection).route()).isEqualTo(Route.PRIMARY);
        }
        assertThat(SqliteCluster.count(cluster.primary(), "items")).isEqualTo(1);
        assertThat(SqliteCluster.count(cluster.replica(1), "items")).isZero();
        assertThat(SqliteCluster.count(cluster.replica(2), "items")).isZero();
    }

    @Test
    void readAfterWrite_goesToPrimary_andSeesTheWrite() throws SQLException {
        try (Connection connection = connect()) {
            assertThat(node(connection)).startsWith("replica");
            insert(connection, "apple");
            assertThat(node(connection)).isEqualTo("primary");
            assertThat(last(connection).reason()).startsWith("read-your-writes: last write");
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT name FROM items")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("apple");
            }
        }
    }

    @Test
    void readYourWritesWindow_expires_thenReadsReturnToReplicas() throws Exception {
        try (Connection connection = connect("readYourWritesWindow=150ms")) {
            insert(connection, "apple");
            assertThat(node(connection)).isEqualTo("primary");
            Thread.sleep(300);
            assertThat(node(connection)).startsWith("replica");
        }
    }

    @Test
    void readYourWritesConnection_pinsUntilClose() throws Exception {
        try (Connection connection = connect("readYourWrites=connection", "readYourWritesWindow=1ms")) {
            assertThat(node(connection)).startsWith("replica");
            insert(connection, "apple");
            Thread.sleep(20);
            assertThat(node(connection)).isEqualTo("primary");
            assertThat(last(connection).reason()).contains("readYourWrites=connection");
        }
        try (Connection fresh = connect("readYourWrites=connection")) {
            assertThat(node(fresh)).startsWith("replica");
        }
    }

    @Test
    void readYourWritesOff_readsGoToReplicasRightAfterAWrite() throws SQLException {
        try (Connection connection = connect("readYourWrites=off")) {
            insert(connection, "apple");
            assertThat(node(connection)).startsWith("replica");
        }
    }

    @Test
    void pinToPrimary_sendsEveryLaterReadToThePrimary() throws SQLException {
        try (Connection connection = connect()) {
            ReplicatedConnection replicated = connection.unwrap(ReplicatedConnection.class);
            assertThat(node(connection)).startsWith("replica");
            replicated.pinToPrimary();
            assertThat(replicated.isPinnedToPrimary()).isTrue();
            assertThat(node(connection)).isEqualTo("primary");
            assertThat(last(connection).reason()).contains("pinToPrimary()");
        }
    }

    @Test
    void readWriteTransaction_runsWhollyOnThePrimary() throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            assertThat(node(connection)).isEqualTo("primary");
            insert(connection, "apple");
            assertThat(node(connection)).isEqualTo("primary");
            connection.commit();
        }
        assertThat(SqliteCluster.count(cluster.primary(), "items")).isEqualTo(1);
    }

    @Test
    void transactionAfterReplicaReads_commitsOnEveryOpenConnection() throws SQLException {
        try (Connection connection = connect()) {
            assertThat(node(connection)).startsWith("replica");
            connection.setAutoCommit(false);
            insert(connection, "apple");
            connection.commit();
            insert(connection, "pear");
            connection.rollback();
            connection.setAutoCommit(true);
            assertThat(node(connection)).isEqualTo("primary");
        }
        assertThat(SqliteCluster.count(cluster.primary(), "items")).isEqualTo(1);
    }

    @Test
    void rolledBackTransaction_leavesNoRow() throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            insert(connection, "apple");
            connection.rollback();
            assertThat(node(connection)).isEqualTo("primary");
            connection.commit();
        }
        assertThat(SqliteCluster.count(cluster.primary(), "items")).isZero();
    }

    @Test
    void readOnlyTransaction_runsWhollyOnOneReplica() throws SQLException {
        try (Connection connection = connect()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            String first = node(connection);
            assertThat(first).startsWith("replica");
            for (int i = 0; i < 5; i++) {
                assertThat(node(connection)).isEqualTo(first);
            }
            assertThat(last(connection).reason()).contains("read-only transaction");
            connection.commit();
            assertThat(connection.isReadOnly()).isTrue();
        }
    }

    @Test
    void writeInReadOnlyTransactionOnAReplica_isRefusedWith25006_andWritesNothing() throws SQLException {
        try (Connection connection = connect()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            String replica = node(connection);
            assertThatThrownBy(() -> insert(connection, "apple"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining(replica)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("25006");
            connection.rollback();
        }
        assertThat(SqliteCluster.count(cluster.replica(1), "items")).isZero();
        assertThat(SqliteCluster.count(cluster.replica(2), "items")).isZero();
        assertThat(SqliteCluster.count(cluster.primary(), "items")).isZero();
    }

    @Test
    void readOnlyConnectionInAutocommit_stillSendsWritesToThePrimary() throws SQLException {
        try (Connection connection = connect()) {
            connection.setReadOnly(true);
            assertThat(node(connection)).startsWith("replica");
        }
    }

    @Test
    void transactionBegunInSql_staysOnThePrimaryUntilCommit() throws SQLException {
        try (Connection connection = connect()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                assertThat(node(connection)).isEqualTo("primary");
                assertThat(last(connection).reason()).contains("transaction begun in SQL");
                statement.execute("INSERT INTO items (name) VALUES ('apple')");
                statement.execute("/* comment */ COMMIT");
            }
            assertThat(node(connection)).isEqualTo("primary");
            assertThat(last(connection).reason()).startsWith("read-your-writes");
        }
        assertThat(SqliteCluster.count(cluster.primary(), "items")).isEqualTo(1);
    }

    @Test
    void readOnlyTransactionBegunInSql_returnsToReplicasAfterCommit() throws SQLException {
        try (Connection connection = connect()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                assertThat(node(connection)).isEqualTo("primary");
                statement.execute("COMMIT");
            }
            assertThat(node(connection)).startsWith("replica");
        }
    }

    @Test
    void unreachableReplica_isSkippedWithoutError() throws Exception {
        String url = "jdbc:replicated:sqlite:" + cluster.primary() + "?replicas=" + dir.resolve("missing/r.db") + ","
                + cluster.replica(2);
        for (int i = 0; i < 4; i++) {
            try (Connection connection = DriverManager.getConnection(url)) {
                assertThat(node(connection)).isEqualTo("replica2");
            }
        }
    }

    @Test
    void aReplicaFileReplacedByRename_isReadAfresh_byAConnectionThatHadItOpen() throws Exception {
        String url = "jdbc:replicated:sqlite:" + cluster.primary() + "?replicas=" + cluster.replica(1);
        try (Connection connection = DriverManager.getConnection(url)) {
            assertThat(node(connection)).isEqualTo("replica1");
            // What a file-replication tool does: write the new copy beside the old one, then rename it over it.
            Path copy = dir.resolve("replica1.db.new");
            Files.copy(cluster.replica(1), copy);
            try (Connection direct = DriverManager.getConnection("jdbc:sqlite:" + copy);
                    Statement statement = direct.createStatement()) {
                statement.execute("UPDATE node SET name = 'replica1, published again'");
            }
            Files.move(copy, cluster.replica(1), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long deadline = System.nanoTime() + 5_000_000_000L;
            String seen = node(connection);
            while (!seen.equals("replica1, published again") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                seen = node(connection);
            }
            assertThat(seen).isEqualTo("replica1, published again");
            assertThat(last(connection).route()).isEqualTo(Route.REPLICA);
        }
    }

    @Test
    void aMissingReplicaFile_isNotCreated_andItsReadsRunElsewhereWithoutError() throws Exception {
        Path missing = dir.resolve("not-yet-copied.db");
        String url = "jdbc:replicated:sqlite:" + cluster.primary() + "?replicas=" + missing + "," + cluster.replica(2);
        for (int i = 0; i < 4; i++) {
            try (Connection connection = DriverManager.getConnection(url)) {
                assertThat(node(connection)).isEqualTo("replica2");
            }
        }
        String alone = "jdbc:replicated:sqlite:" + cluster.primary() + "?replicas=" + missing;
        try (Connection connection = DriverManager.getConnection(alone)) {
            assertThat(node(connection)).isEqualTo("primary");
            assertThat(last(connection).reason()).contains("fell back to the primary");
        }
        assertThat(missing).as("sqlite-jdbc must not create the replica's file").doesNotExist();
    }

    @Test
    void aReplicaLockedByAnotherProcess_readsRunOnTheOtherNodes_withoutError() throws Exception {
        String url = "jdbc:replicated:sqlite:" + cluster.primary() + "?replicas=" + cluster.replica(1);
        try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + cluster.replica(1));
                Statement lock = locker.createStatement();
                Connection connection = DriverManager.getConnection(url)) {
            assertThat(node(connection)).isEqualTo("replica1");
            // What a copy tool replacing the file in place holds: an exclusive lock, which blocks readers.
            lock.execute("BEGIN EXCLUSIVE");
            lock.execute("UPDATE node SET name = 'being replaced'");
            for (int i = 0; i < 5; i++) {
                assertThat(node(connection)).isEqualTo("primary");
                assertThat(last(connection).reason()).contains("fell back to the primary");
            }
            try (Connection fresh = DriverManager.getConnection(url)) {
                assertThat(node(fresh)).isEqualTo("primary");
            }
            lock.execute("ROLLBACK");
        }
    }

    @Test
    void everyReplicaUnreachable_readsFallBackToThePrimary() throws Exception {
        String url = "jdbc:replicated:sqlite:" + cluster.primary() + "?replicas=" + dir.resolve("missing/r1.db") + ","
                + dir.resolve("missing/r2.db");
        try (Connection connection = DriverManager.getConnection(url)) {
            assertThat(node(connection)).isEqualTo("primary");
            assertThat(last(connection).route()).isEqualTo(Route.PRIMARY);
            assertThat(last(connection).reason()).contains("fell back to the primary");
        }
        try (Connection connection = DriverManager.getConnection(url)) {
            assertThat(node(connection)).isEqualTo("primary");
            assertThat(last(connection).reason()).contains("marked down");
        }
    }

    @Test
    void roundRobin_spreadsConnectionsEvenlyOverReplicas() throws SQLException {
        Map<String, Integer> seen = new HashMap<>();
        String url = cluster.url("loadBalance=roundRobin");
        for (int i = 0; i < 6; i++) {
            try (Connection connection = DriverManager.getConnection(url)) {
                seen.merge(node(connection), 1, Integer::sum);
            }
        }
        assertThat(seen).containsOnly(Map.entry("replica1", 3), Map.entry("replica2", 3));
    }

    @Test
    void random_usesBothReplicas() throws SQLException {
        Map<String, Integer> seen = new HashMap<>();
        String url = cluster.url("loadBalance=random");
        for (int i = 0; i < 60; i++) {
            try (Connection connection = DriverManager.getConnection(url)) {
                seen.merge(node(connection), 1, Integer::sum);
            }
        }
        assertThat(seen).containsOnlyKeys("replica1", "replica2");
    }

    @Test
    void aConnectionKeepsItsReplica() throws SQLException {
        try (Connection connection = connect("connectionMode=dedicated")) {
            String first = node(connection);
            for (int i = 0; i < 5; i++) {
                assertThat(node(connection)).isEqualTo(first);
            }
        }
    }

    @Test
    void noReplicas_everythingRunsOnThePrimary() throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:replicated:sqlite:" + cluster.primary())) {
            assertThat(node(connection)).isEqualTo("primary");
            assertThat(last(connection).reason()).contains("no replicas configured");
            insert(connection, "apple");
        }
    }

    @Test
    void readOnlyWorkload_neverOpensThePrimary() throws SQLException {
        String url = "jdbc:replicated:sqlite:" + dir.resolve("missing/primary.db") + "?replicas=" + cluster.replica(1);
        try (Connection connection = DriverManager.getConnection(url)) {
            for (int i = 0; i < 3; i++) {
                assertThat(node(connection)).isEqualTo("replica1");
            }
            assertThatThrownBy(() -> insert(connection, "apple"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("primary (" + dir.resolve("missing/primary.db") + ")")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("08001");
        }
    }

    @Test
    void oneStatementObject_readsOnAReplica_thenWritesOnThePrimary() throws SQLException {
        try (Connection connection = connect("readYourWrites=off");
                Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT name FROM node")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("replica");
                assertThat(rs.getStatement()).isSameAs(statement);
            }
            assertThat(statement.executeUpdate("INSERT INTO items (name) VALUES ('apple')"))
                    .isEqualTo(1);
            assertThat(last(connection).route()).isEqualTo(Route.PRIMARY);
            assertThat(statement.execute("SELECT name FROM node")).isTrue();
            try (ResultSet rs = statement.getResultSet()) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("replica");
                assertThat(rs.getStatement()).isSameAs(statement);
            }
        }
        assertThat(SqliteCluster.count(cluster.primary(), "items")).isEqualTo(1);
    }

    @Test
    void preparedReadBeforeAndAfterAWrite_movesToThePrimary_keepingItsParameters() throws Exception {
        try (Connection setup = DriverManager.getConnection("jdbc:sqlite:" + cluster.primary());
                Statement statement = setup.createStatement()) {
            statement.execute("INSERT INTO items (id, name) VALUES (1, 'apple'), (2, 'pear')");
        }
        cluster.replicate();
        try (Connection connection = connect();
                PreparedStatement read = connection.prepareStatement(
                        "SELECT (SELECT name FROM node) || ':' || name FROM items WHERE id = ?")) {
            read.setInt(1, 2);
            assertThat(single(read)).matches("replica[12]:pear");
            insert(connection, "plum");
            assertThat(single(read)).isEqualTo("primary:pear");
            read.setInt(1, 1);
            assertThat(single(read)).isEqualTo("primary:apple");
        }
    }

    private static String single(PreparedStatement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getStatement()).isSameAs(statement);
            return rs.getString(1);
        }
    }

    @Test
    void streamParameter_thatMustMoveToAnotherNode_failsWith0A000_untilSetAgain() throws Exception {
        try (Connection connection = connect();
                PreparedStatement read = connection.prepareStatement("SELECT (SELECT name FROM node) || ':' || ? ")) {
            read.setCharacterStream(1, new StringReader("streamed"));
            assertThat(single(read)).matches("replica[12]:streamed");
            insert(connection, "plum");
            assertThatThrownBy(() -> single(read))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("Parameter 1 is a stream")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("0A000");
            read.setCharacterStream(1, new StringReader("again"));
            assertThat(single(read)).isEqualTo("primary:again");
        }
    }

    @Test
    void preparedWrite_withGeneratedKeys_runsOnThePrimary() throws SQLException {
        try (Connection connection = connect();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO items (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, "apple");
            assertThat(insert.executeUpdate()).isEqualTo(1);
            try (ResultSet keys = insert.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                assertThat(keys.getLong(1)).isEqualTo(1L);
            }
        }
        assertThat(SqliteCluster.queryFile(cluster.primary(), "SELECT name FROM items WHERE id = 1"))
                .isEqualTo("apple");
    }

    @Test
    void batches_runOnThePrimary() throws SQLException {
        try (Connection connection = connect();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO items (name) VALUES (?)");
                Statement statement = connection.createStatement()) {
            for (String name : List.of("a", "b", "c")) {
                insert.setString(1, name);
                insert.addBatch();
            }
            assertThat(insert.executeBatch()).containsExactly(1, 1, 1);
            statement.addBatch("INSERT INTO items (name) VALUES ('d')");
            statement.addBatch("INSERT INTO items (name) VALUES ('e')");
            assertThat(statement.executeBatch()).containsExactly(1, 1);
            assertThat(last(connection).route()).isEqualTo(Route.PRIMARY);
        }
        assertThat(SqliteCluster.count(cluster.primary(), "items")).isEqualTo(5);
        assertThat(SqliteCluster.count(cluster.replica(1), "items")).isZero();
    }

    @Test
    void sessionPragma_setBeforeTheOtherNodeOpens_isReplayedThere() throws SQLException {
        try (Connection connection = connect("connectionMode=dedicated")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA foreign_keys = ON");
            }
            assertThat(last(connection).route()).isEqualTo(Route.ALL);
            insert(connection, "apple");
            assertThat(pragma(connection, "foreign_keys")).isEqualTo("1");
            assertThat(last(connection).node()).startsWith("primary");
        }
        try (Connection connection = connect("readYourWrites=off", "connectionMode=dedicated")) {
            insert(connection, "pear");
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA foreign_keys = ON");
            }
            assertThat(last(connection).node()).startsWith("primary");
            assertThat(pragma(connection, "foreign_keys")).isEqualTo("1");
            assertThat(last(connection).node()).startsWith("replica");
        }
    }

    @Test
    void pooled_aPragmaOfOneLogicalConnection_isNotSeenByAnotherOnTheSameFiles() throws SQLException {
        try (Connection a = connect("primaryPoolSize=1", "replicaPoolSize=1");
                Connection b = connect("primaryPoolSize=1", "replicaPoolSize=1")) {
            try (Statement statement = a.createStatement()) {
                statement.execute("PRAGMA foreign_keys = ON");
            }
            for (int i = 0; i < 3; i++) {
                insert(a, "pragma-a" + i);
                assertThat(pragma(a, "foreign_keys")).isEqualTo("1");
                insert(b, "pragma-b" + i);
                assertThat(pragma(b, "foreign_keys"))
                        .as("a fresh connection's value")
                        .isEqualTo("0");
            }
        }
    }

    private static String pragma(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void metadata_comesFromThePrimary_andShowsTheLogicalConnectionAndUrl() throws SQLException {
        Properties info = new Properties();
        info.setProperty("password", "s3cret");
        try (Connection connection = DriverManager.getConnection(cluster.url() + "&password=s3cret", info)) {
            DatabaseMetaData metaData = connection.getMetaData();
            assertThat(metaData.getConnection()).isSameAs(connection);
            assertThat(metaData.getURL()).startsWith("jdbc:replicated:sqlite:").doesNotContain("s3cret");
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = metaData.getTables(null, null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertThat(tables).contains("items", "node");
        }
    }

    @Test
    void closingTheConnection_closesItsStatements_andLaterUseFailsWith08003() throws SQLException {
        Connection connection = connect();
        Statement statement = connection.createStatement();
        PreparedStatement prepared = connection.prepareStatement("SELECT 1");
        node(connection);
        assertThat(connection.isValid(1)).isTrue();
        connection.close();
        connection.close();

        assertThat(connection.isClosed()).isTrue();
        assertThat(statement.isClosed()).isTrue();
        assertThat(prepared.isClosed()).isTrue();
        assertThat(connection.isValid(1)).isFalse();
        assertThatThrownBy(connection::createStatement)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("08003");
        assertThatThrownBy(() -> statement.executeQuery("SELECT 1"))
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("08003");
    }

    @Test
    void logicalState_isAnsweredByTheLogicalConnection() throws SQLException {
        try (Connection connection = connect()) {
            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(connection.isReadOnly()).isFalse();
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            assertThat(connection.getAutoCommit()).isFalse();
            assertThat(connection.isReadOnly()).isTrue();
            assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
        }
    }

    @Test
    void unwrap_reachesThePrimarysVendorConnection() throws SQLException {
        try (Connection connection = connect()) {
            assertThat(connection.unwrap(ReplicatedConnection.class)).isSameAs(connection);
            assertThat(connection.isWrapperFor(SQLiteConnection.class)).isTrue();
            SQLiteConnection vendor = connection.unwrap(SQLiteConnection.class);
            assertThat(vendor.getDatabase().getConfig()).isNotNull();
            assertThatThrownBy(() -> connection.unwrap(Serializable.class))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("java.io.Serializable");
        }
    }

    @Test
    void logRouting_logsEveryDecisionAtInfo() throws SQLException {
        List<LogRecord> records;
        try (LogCapture log = LogCapture.of("io.replicatedjdbc.routing");
                Connection connection = connect("logRouting=true")) {
            records = log.records();
            node(connection);
            insert(connection, "apple");
        }
        assertThat(records).extracting(LogRecord::getLevel).containsOnly(Level.INFO);
        assertThat(records)
                .extracting(LogRecord::getMessage)
                .anyMatch(message -> message.matches("c[0-9]+ REPLICA on replica.*: SELECT \\| select name from node"))
                .anyMatch(message -> message.matches(
                        "c[0-9]+ PRIMARY on primary.*: INSERT \\| insert into items \\(name\\) values \\(\\?\\)"));
    }

    @Test
    void explain_showsTheDecisionWithoutRunningIt() throws SQLException {
        try (Connection connection = connect()) {
            ReplicatedConnection replicated = connection.unwrap(ReplicatedConnection.class);
            assertThat(replicated.explain("SELECT * FROM items").route()).isEqualTo(Route.REPLICA);
            assertThat(replicated.explain("DELETE FROM items").route()).isEqualTo(Route.PRIMARY);
            assertThat(replicated.explain("PRAGMA foreign_keys = ON").route()).isEqualTo(Route.ALL);
            assertThat(replicated.lastRouting()).isNull();
        }
    }
}
