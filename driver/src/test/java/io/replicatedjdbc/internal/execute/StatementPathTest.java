package io.replicatedjdbc.internal.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.cluster.ClusterRegistry;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.ConfigParser;
import io.replicatedjdbc.internal.route.Cause;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.SessionAction;
import io.replicatedjdbc.internal.session.SessionState;
import io.replicatedjdbc.testing.RecordingDriver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stages of the statement path, over the recording driver and without the JDBC wrappers: where an attempt is
 * admitted, what a failure leads to, and what the journal says of it.
 */
class StatementPathTest {

    private final ClusterRegistry registry = new ClusterRegistry();
    private Path path;

    @BeforeEach
    void clearLog() {
        RecordingDriver.register();
        RecordingDriver.clear();
    }

    @AfterEach
    void close() {
        if (path != null) {
            path.close();
        }
    }

    /** One logical connection's path (dedicated, no server observation), and the logical connection it serves. */
    private final class Path implements Host {
        final Cluster cluster;
        final Router router;
        final SessionState session;
        final PhysicalConnections nodes;
        final StatementPath statements;
        int closedQuietly;

        Path(String primary, String replicas, String options) throws SQLException {
            Properties info = new Properties();
            info.setProperty("user", "app");
            Config config = ConfigParser.parse(
                    "jdbc:replicated:recording:" + primary + "?connectionMode=dedicated&replicas=" + replicas + options,
                    info);
            cluster = registry.open(config);
            session = new SessionState(true);
            router = new Router(config, session, null, cluster.committedWrites());
            nodes = new PhysicalConnections(cluster, config, session, null, physical -> true);
            statements = new StatementPath(
                    cluster,
                    config,
                    session,
                    null,
                    router,
                    nodes,
                    null,
                    new ReentrantLock(),
                    this,
                    physical -> false,
                    physical -> "");
        }

        @Override
        public void checkOpen() throws SQLException {
            if (statements.liveness().isClosed()) {
                throw Errors.closed("Connection");
            }
        }

        @Override
        public void closeQuietly() {
            closedQuietly++;
            statements.liveness().markClosed();
        }

        /** Runs a query; returns the node that answered (the recording driver answers with the node's name). */
        String query(String sql, Classification c) throws SQLException {
            return statements.run(null, sql, c, physical -> {
                try (Statement statement = physical.connection.createStatement();
                        ResultSet rs = statement.executeQuery(sql)) {
                    rs.next();
                    return rs.getString(1);
                }
            });
        }

        void close() {
            nodes.closeAll(false);
            cluster.connectionClosed();
        }
    }

    private static List<String> executions(String node) {
        return RecordingDriver.log(node).stream()
                .filter(line -> line.startsWith("statement.execute"))
                .collect(Collectors.toList());
    }

    @Test
    void read_isAdmittedToTheReplica_writeToThePrimary() throws SQLException {
        path = new Path("primary", "replica1", "");
        assertThat(path.query("SELECT 1", Classification.read("a plain read"))).isEqualTo("replica1");
        assertThat(path.statements.journal().lastRouting().route()).isEqualTo(Route.REPLICA);
        assertThat(path.query("INSERT INTO t VALUES (1)", Classification.write("a write")))
                .isEqualTo("primary");
        assertThat(path.statements.journal().lastRouting().route()).isEqualTo(Route.PRIMARY);
        assertThat(path.statements.journal().lastServed().node.isPrimary()).isTrue();
    }

    @Test
    void noReplicaReachable_readIsAdmittedToThePrimary_withTheReason() throws SQLException {
        path = new Path("primary", "down1", "");
        Classification read = Classification.read("a plain read");
        Attempt admitted =
                path.statements.readiness().admit(path.statements.placement().first(read, path.router.decide(read)));
        assertThat(admitted.physical().node.isPrimary()).isTrue();
        assertThat(admitted.cause()).isEqualTo(Cause.FALLBACK);
        assertThat(admitted.fallback()).startsWith("no replica available");
        assertThat(admitted.reason()).startsWith("a plain read; no replica available");
    }

    @Test
    void readFailingOnEveryReplica_runsOnceOnEach_thenOnThePrimary() throws SQLException {
        path = new Path("primary", "broken1,broken2", "");
        assertThat(path.query("SELECT 1", Classification.read("a plain read"))).isEqualTo("primary");
        assertThat(executions("broken1")).hasSize(1);
        assertThat(executions("broken2")).hasSize(1);
        assertThat(executions("primary")).hasSize(1);
        assertThat(path.statements.journal().lastRouting().reason()).startsWith("a plain read; ");
        assertThat(path.cluster.statistics().getRetries()).isEqualTo(2);
    }

    @Test
    void callThatMayNotRunAgain_replicaFailureReachesTheCaller() throws SQLException {
        path = new Path("primary", "broken1", "");
        PhysicalCall<Void> streamed = new PhysicalCall<Void>() {
            @Override
            public Void run(Physical physical) throws SQLException {
                physical.connection.createStatement().execute("COPY t TO STDOUT");
                return null;
            }

            @Override
            public boolean mayRunAgain() {
                return false;
            }
        };
        assertThatThrownBy(() ->
                        path.statements.run(null, "COPY t TO STDOUT", Classification.read("a copy out"), streamed))
                .isInstanceOf(SQLException.class)
                .extracting("SQLState")
                .isEqualTo("08006");
        assertThat(executions("primary")).isEmpty();
    }

    @Test
    void writeFailingOnThePrimary_isNotRunAgain() throws SQLException {
        path = new Path("brokenprimary", "replica1", "");
        assertThatThrownBy(() -> path.query("INSERT INTO t VALUES (1)", Classification.write("a write")))
                .isInstanceOf(SQLException.class)
                .extracting("SQLState")
                .isEqualTo("08006");
        assertThat(executions("brokenprimary")).hasSize(1);
        assertThat(executions("replica1")).isEmpty();
        assertThat(path.closedQuietly).isZero();
    }

    @Test
    void socketTimeoutOnThePrimary_closesTheLogicalConnection_asTheWrappedDriverWould() throws SQLException {
        path = new Path("timeoutprimary", "replica1", "");
        assertThatThrownBy(() -> path.query("INSERT INTO t VALUES (1)", Classification.write("a write")))
                .isInstanceOf(SQLException.class)
                .extracting("SQLState")
                .isEqualTo("08006");
        assertThat(path.closedQuietly).isEqualTo(1);
        assertThatThrownBy(() -> path.query("SELECT 1", Classification.read("a plain read")))
                .isInstanceOf(SQLException.class)
                .extracting("SQLState")
                .isEqualTo("08003");
    }

    @Test
    void recoveryConflictOnAReplica_readRunsAgainElsewhere() throws SQLException {
        path = new Path("primary", "conflicted1", "");
        assertThat(path.query("SELECT 1", Classification.read("a plain read"))).isEqualTo("primary");
        assertThat(executions("conflicted1")).hasSize(1);
    }

    @Test
    void readInsideAReadOnlyTransaction_failingOnTheReplica_isNotRunAgain() throws SQLException {
        path = new Path("primary", "broken1", "");
        path.session.autoCommit(false);
        path.session.readOnly(true);
        Classification read = Classification.read("a plain read");
        assertThat(path.statements
                        .placement()
                        .first(read, path.router.decide(read))
                        .mayRunAgain())
                .isFalse();
        assertThatThrownBy(() -> path.query("SELECT 1", read))
                .isInstanceOf(SQLException.class)
                .extracting("SQLState")
                .isEqualTo("08006");
        assertThat(executions("broken1")).hasSize(1);
        assertThat(executions("primary")).isEmpty();
    }
    /** A logical statement whose session changes replay their SQL, as a plain Statement's do. */
    private static final LogicalStatement SQL_STATEMENT = new LogicalStatement() {
        @Override
        public void resultsOn(Physical physical) {}

        @Override
        public boolean hasResults() {
            return false;
        }

        @Override
        public boolean readingFrom(Physical physical) {
            return false;
        }

        @Override
        public SessionAction replayAction(String sql) {
            return connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                }
            };
        }
    };

    private static void execute(StatementPath statements, String sql, Classification c) throws SQLException {
        statements.run(SQL_STATEMENT, sql, c, physical -> {
            try (Statement statement = physical.connection.createStatement()) {
                return statement.execute(sql);
            }
        });
    }

    @Test
    void sessionChange_withoutServerObservation_runsOnEveryOpenConnection_andIsReplayedOnThoseOpenedLater()
            throws SQLException {
        path = new Path("primary", "replica1", "");
        assertThat(path.query("SELECT 1", Classification.read("a plain read"))).isEqualTo("replica1");
        execute(path.statements, "SET search_path TO app", Classification.session("session state: SET search_path"));
        assertThat(executions("replica1")).contains("statement.execute SET search_path TO app");
        assertThat(executions("primary")).isEmpty();
        // The primary opens later, for a write: the change reaches it before the write does.
        path.query("INSERT INTO t VALUES (1)", Classification.write("a write"));
        assertThat(executions("primary"))
                .containsSubsequence(
                        "statement.execute SET search_path TO app", "statement.executeQuery INSERT INTO t VALUES (1)");
        assertThat(path.statements.journal().lastRouting().route()).isEqualTo(Route.PRIMARY);
    }

    @Test
    void commit_endsTheTransactionsNodeFirst_thenTheOthers() throws SQLException {
        path = new Path("primary", "replica1", "");
        Transactions transactions = new Transactions(path.session, path.router, path.nodes, path.statements);
        path.query("SELECT 1", Classification.read("a plain read"));
        transactions.setAutoCommit(false);
        assertThat(path.query("UPDATE t SET a = 1", Classification.write("a write")))
                .isEqualTo("primary");
        RecordingDriver.clear();
        transactions.commit();
        List<String> commits = RecordingDriver.log().stream()
                .filter(line -> line.endsWith(": commit"))
                .collect(Collectors.toList());
        assertThat(commits).containsExactly("primary: commit", "replica1: commit");
        assertThat(path.router.inTransaction()).isFalse();
    }

    @Test
    void isValid_aDeadReplicaCostsOnlyTheReplica_aDeadPrimaryTheConnection() throws SQLException {
        path = new Path("primary", "replica1", "");
        path.query("SELECT 1", Classification.read("a plain read"));
        path.query("INSERT INTO t VALUES (1)", Classification.write("a write"));
        path.nodes.currentReplica().connection.close();
        assertThat(path.statements.liveness().isValid(1)).isTrue();
        assertThat(path.nodes.currentReplica()).isNull();
        path.nodes.primaryIfOpen().connection.close();
        assertThat(path.statements.liveness().isValid(1)).isFalse();
    }
}
