package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGStatement;

/**
 * connectionMode=pooled on the real cluster: logical connections share a few backends per node, each statement
 * borrows one, and nothing of one logical connection's session reaches another through a shared backend. Where each
 * statement ran, and how many backends a node holds, is asked of the servers.
 */
@ExtendWith(PostgresClusterExtension.class)
class PostgresPooledConnectionsTest {

    private final PostgresCluster cluster;

    PostgresPooledConnectionsTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void table() throws Exception {
        try (Connection primary = cluster.connect(0);
                Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS pooled_t (id serial PRIMARY KEY, v text)");
        }
        cluster.awaitReplicas();
    }

    private String url(String application, String... options) {
        List<String> all = new ArrayList<>(List.of("connectionMode=pooled", "ApplicationName=" + application));
        all.addAll(List.of(options));
        return cluster.replicatedUrl(all.toArray(new String[0]));
    }

    private static String one(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A role on the primary, replayed on the replicas. */
    private void createRole(String name) throws Exception {
        try (Connection primary = cluster.connect(0);
                Statement statement = primary.createStatement()) {
            statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + name + "') "
                    + "THEN CREATE ROLE " + name + "; END IF; END $$");
        }
        cluster.awaitReplicas();
    }

    /** Waits (up to 5 s) until the primary no longer has the backend {@code pid}; whether it is gone. */
    private boolean backendGone(String pid) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!cluster.query(0, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)
                .equals("0")) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Client backends of the application on a node, as the node counts them. */
    private int backends(int node, String application) throws SQLException {
        return Integer.parseInt(cluster.query(
                node, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application + "'"));
    }

    @Test
    void fortyLogicalConnections_holdNoMoreBackendsThanThePools_andReadsStillRunOnReplicas() throws Exception {
        String url = url("pool_share", "primaryPoolSize=2", "replicaPoolSize=3");
        List<Connection> open = new ArrayList<>();
        Set<String> readPorts = new HashSet<>();
        try {
            for (int i = 0; i < 40; i++) {
                Connection connection = DriverManager.getConnection(url);
                open.add(connection);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('share')");
                }
            }
            cluster.awaitReplicas();
            for (Connection connection : open) {
                readPorts.add(one(connection, "SELECT inet_server_port()"));
            }
            assertThat(backends(0, "pool_share")).isBetween(1, 2);
            ReplicatedConfigurationMXBean statistics =
                    open.get(0).unwrap(ReplicatedConnection.class).configurationStatistics();
            assertThat(statistics.getPoolActiveConnections().values()).containsOnly(0);
            assertThat(statistics.getPoolIdleConnections().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum())
                    .isBetween(3, 8);
            assertThat(backends(1, "pool_share")).isBetween(1, 3);
            assertThat(backends(2, "pool_share")).isBetween(1, 3);
            // Balanced per statement: both replicas served reads, the primary none.
            assertThat(readPorts)
                    .containsExactlyInAnyOrder(String.valueOf(cluster.port(1)), String.valueOf(cluster.port(2)));
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
        }
    }

    @Test
    void logicalConnectionsOpenedOneAfterAnother_reuseOneIdleBackend() throws Exception {
        String url = url("pool_reuse", "primaryPoolSize=5");
        Set<String> pids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            try (Connection connection = DriverManager.getConnection(url);
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(
                            "INSERT INTO pooled_t (v) VALUES ('reuse') RETURNING pg_backend_pid()")) {
                rs.next();
                pids.add(rs.getString(1));
            }
        }
        assertThat(pids).hasSize(1);
    }

    /** Inserts into pooled_warned in a transaction: its deferred trigger raises a warning at commit. */
    private static void commitWithWarning(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO pooled_warned VALUES (1)");
        }
        connection.commit();
        connection.setAutoCommit(true);
    }

    private static String messages(SQLWarning warning) {
        StringBuilder all = new StringBuilder();
        for (SQLWarning w = warning; w != null; w = w.getNextWarning()) {
            all.append(w.getSQLState()).append(' ').append(w.getMessage()).append('\n');
        }
        return all.length() == 0 ? null : all.toString();
    }

    @Test
    void aConnectionWarning_staysWithItsLogicalConnection_untilCleared_andNeverReachesTheNextBorrower()
            throws Exception {
        try (Connection primary = cluster.connect(0);
                Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS pooled_warned (id int)");
            statement.execute("CREATE OR REPLACE FUNCTION pooled_warn() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN RAISE WARNING 'checked at commit'; RETURN NULL; END $$");
            statement.execute("DROP TRIGGER IF EXISTS pooled_warned_t ON pooled_warned");
            statement.execute("CREATE CONSTRAINT TRIGGER pooled_warned_t AFTER INSERT ON pooled_warned"
                    + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pooled_warn()");
        }
        String plain;
        String plainAfterClear;
        try (Connection connection = cluster.connect(0)) {
            commitWithWarning(connection);
            plain = messages(connection.getWarnings());
            connection.clearWarnings();
            plainAfterClear = messages(connection.getWarnings());
        }
        assertThat(plain).contains("checked at commit");
        String url = url("pool_warnings", "primaryPoolSize=1");
        try (Connection first = DriverManager.getConnection(url);
                Connection second = DriverManager.getConnection(url)) {
            commitWithWarning(first);
            assertThat(messages(first.getWarnings())).isEqualTo(plain);
            // The primary's one pooled backend, which took the warning, now serves the other logical connection.
            try (Statement statement = second.createStatement()) {
                statement.executeUpdate("UPDATE pooled_t SET v = v WHERE false");
            }
            assertThat(cluster.query(
                            0, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pool_warnings'"))
                    .isEqualTo("1");
            assertThat(messages(second.getWarnings()))
                    .as("the next borrower's warnings")
                    .isNull();
            assertThat(messages(first.getWarnings())).as("still the first's").isEqualTo(plain);
            first.clearWarnings();
            assertThat(messages(first.getWarnings())).isEqualTo(plainAfterClear).isNull();
        }
    }

    @Test
    void sessionSettings_doNotLeakToAnotherLogicalConnection_throughASharedBackend_andStayWithTheirOwn()
            throws Exception {
        String url = url("pool_leak", "primaryPoolSize=1", "replicaPoolSize=1");
        String plainTimeout;
        String plainPath;
        try (Connection plain = cluster.connect(0)) {
            plainTimeout = one(plain, "SHOW statement_timeout");
            plainPath = one(plain, "SHOW search_path");
        }
        try (Connection a = DriverManager.getConnection(url);
                Connection b = DriverManager.getConnection(url)) {
            try (Statement statement = a.createStatement()) {
                statement.execute("SET statement_timeout = '12s'");
                statement.execute("SET search_path = pooled_s, public");
                statement.execute("SELECT set_config('app.tenant', 'a', false)");
            }
            // b shares the one backend of each node with a: it sees what a fresh connection sees, on both nodes.
            assertThat(one(b, "SHOW statement_timeout")).isEqualTo(plainTimeout);
            assertThat(one(b, "SHOW search_path")).isEqualTo(plainPath);
            assertThat(one(b, "SELECT current_setting('app.tenant', true)")).isNull();
            try (Statement statement = b.createStatement();
                    ResultSet rs = statement.executeQuery("INSERT INTO pooled_t (v) VALUES ('b') RETURNING "
                            + "current_setting('statement_timeout') || ' ' || current_setting('search_path')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(plainTimeout + " " + plainPath);
            }
            // a keeps its own, on reads and writes, after b used the same backends.
            assertThat(one(a, "SHOW statement_timeout")).isEqualTo("12s");
            assertThat(one(a, "SELECT current_setting('app.tenant', true)")).isEqualTo("a");
            try (Statement statement = a.createStatement();
                    ResultSet rs = statement.executeQuery("INSERT INTO pooled_t (v) VALUES ('a') RETURNING "
                            + "current_setting('statement_timeout')")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("12s");
            }
        }
    }

    @Test
    void aRoleSetByOneLogicalConnection_isNotTheNextOnes() throws Exception {
        createRole("pooled_reader");
        String url = url("pool_role", "primaryPoolSize=1", "replicaPoolSize=1");
        try (Connection a = DriverManager.getConnection(url);
                Connection b = DriverManager.getConnection(url)) {
            try (Statement statement = a.createStatement()) {
                statement.execute("SET ROLE pooled_reader");
            }
            assertThat(one(a, "SELECT current_user")).isEqualTo("pooled_reader");
            assertThat(one(b, "SELECT current_user")).isEqualTo("postgres");
            assertThat(one(a, "SELECT current_user")).isEqualTo("pooled_reader");
        }
    }

    @Test
    void moreTransactionsThanThePrimaryPoolHolds_endInTheClearError_afterTheTimeout_andLeakNothing() throws Exception {
        String url = url("pool_full", "primaryPoolSize=1", "poolTimeout=300ms");
        try (Connection holder = DriverManager.getConnection(url);
                Connection other = DriverManager.getConnection(url)) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('holder')");
            }
            assertThatThrownBy(() -> {
                        try (Statement statement = other.createStatement()) {
                            statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('other')");
                        }
                    })
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("primary")
                    .hasMessageContaining("all 1 of its pool");
            // An interrupted wait ends at once, and the interrupt is kept.
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> {
                            try (Statement statement = other.createStatement()) {
                                statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('other')");
                            }
                        })
                        .isInstanceOf(SQLTransientConnectionException.class)
                        .hasMessageContaining("Interrupted");
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            holder.commit();
            try (Statement statement = other.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('other')"))
                        .isEqualTo(1);
            }
            assertThat(backends(0, "pool_full")).isEqualTo(1);
        }
    }

    @Test
    void aTemporaryTable_keepsItsBackend_whileOthersUseThePool_andGoesWithTheLogicalConnection() throws Exception {
        String url = url("pool_temp", "primaryPoolSize=2");
        String pid;
        try (Connection owner = DriverManager.getConnection(url);
                Connection other = DriverManager.getConnection(url)) {
            try (Statement statement = owner.createStatement()) {
                statement.execute("CREATE TEMP TABLE pooled_tmp (x int)");
                statement.execute("INSERT INTO pooled_tmp VALUES (1)");
            }
            pid = one(owner, "SELECT pg_backend_pid()");
            // The statistics say one logical connection is pinned to a connection of the primary's pool.
            Map<String, String> pools = owner.unwrap(ReplicatedConnection.class)
                    .configurationStatistics()
                    .getPools();
            assertThat(pools.entrySet()).anySatisfy(pool -> {
                assertThat(pool.getKey()).startsWith("primary");
                assertThat(pool.getValue()).contains("pool 2:").endsWith("1 pinned");
            });
            for (int i = 0; i < 10; i++) {
                try (Statement statement = other.createStatement()) {
                    statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('other')");
                }
                assertThat(one(owner, "SELECT count(*) FROM pooled_tmp")).isEqualTo("1");
                assertThat(one(owner, "SELECT pg_backend_pid()")).isEqualTo(pid);
            }
            // The other logical connection never got the pinned backend.
            try (Statement statement = other.createStatement();
                    ResultSet rs = statement.executeQuery(
                            "INSERT INTO pooled_t (v) VALUES ('o') RETURNING pg_backend_pid()")) {
                rs.next();
                assertThat(rs.getString(1)).isNotEqualTo(pid);
            }
        }
        // Closed with its logical connection, as a plain connection's session would end: the temporary table is gone.
        assertThat(backendGone(pid)).as("backend " + pid + " ended").isTrue();
    }

    @Test
    void aWrite_isSeenByTheNextRead_whenItsBackendWentBackToThePool_withReplayPaused() throws Exception {
        String url = url("pool_ryw", "primaryPoolSize=2");
        cluster.pauseReplayEverywhere();
        try (Connection connection = DriverManager.getConnection(url)) {
            for (int i = 0; i < 20; i++) {
                String marker = "ryw" + i;
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('" + marker + "')");
                }
                assertThat(one(connection, "SELECT count(*) FROM pooled_t WHERE v = '" + marker + "'"))
                        .isEqualTo("1");
            }
        } finally {
            cluster.resumeReplayEverywhere();
        }
    }

    @Test
    void aTransactionBegunInSql_keepsItsBackend_untilItEnds() throws Exception {
        String url = url("pool_sqltx", "primaryPoolSize=2");
        try (Connection connection = DriverManager.getConnection(url);
                Connection other = DriverManager.getConnection(url)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('in-tx')");
            }
            String pid = one(connection, "SELECT pg_backend_pid()");
            try (Statement statement = other.createStatement()) {
                statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('outside')");
            }
            assertThat(one(connection, "SELECT pg_backend_pid()")).isEqualTo(pid);
            assertThat(one(other, "SELECT count(*) FROM pooled_t WHERE v = 'in-tx'"))
                    .isEqualTo("0");
            try (Statement statement = connection.createStatement()) {
                statement.execute("ROLLBACK");
            }
            assertThat(one(connection, "SELECT count(*) FROM pooled_t WHERE v = 'in-tx'"))
                    .isEqualTo("0");
        }
    }

    @Test
    void listen_prepare_andHoldableCursors_stayWithTheirLogicalConnection_whileOthersUseThePool() throws Exception {
        String url = url("pool_objects", "primaryPoolSize=3");
        try (Connection owner = DriverManager.getConnection(url);
                Connection other = DriverManager.getConnection(url)) {
            try (Statement statement = owner.createStatement()) {
                statement.execute("LISTEN pooled_channel");
                statement.execute("PREPARE pooled_plan AS SELECT 42");
                statement.execute("DECLARE pooled_cursor CURSOR WITH HOLD FOR SELECT g FROM generate_series(1, 3) g");
            }
            for (int i = 0; i < 5; i++) {
                try (Statement statement = other.createStatement()) {
                    statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('busy')");
                }
            }
            // The other logical connection sees none of them, as a fresh connection would not.
            assertThatThrownBy(() -> one(other, "EXECUTE pooled_plan"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("26000");
            try (Connection plain = cluster.connect(0);
                    Statement statement = plain.createStatement()) {
                statement.execute("NOTIFY pooled_channel, 'hello'");
            }
            assertThat(one(owner, "EXECUTE pooled_plan")).isEqualTo("42");
            assertThat(one(owner, "FETCH NEXT FROM pooled_cursor")).isEqualTo("1");
            PGNotification[] notifications = owner.unwrap(PGConnection.class).getNotifications(5_000);
            assertThat(notifications).extracting(PGNotification::getParameter).containsExactly("hello");
        }
    }

    @Test
    void sessionAuthorization_andDiscardAll_doNotReachTheNextBorrower() throws Exception {
        createRole("pooled_other");
        String url = url("pool_auth", "primaryPoolSize=1", "replicaPoolSize=1");
        try (Connection a = DriverManager.getConnection(url);
                Connection b = DriverManager.getConnection(url)) {
            try (Statement statement = a.createStatement()) {
                statement.execute("SET SESSION AUTHORIZATION pooled_other");
            }
            assertThat(one(a, "SELECT session_user")).isEqualTo("pooled_other");
            assertThat(one(b, "SELECT session_user")).isEqualTo("postgres");
            try (Statement statement = b.createStatement();
                    ResultSet rs =
                            statement.executeQuery("INSERT INTO pooled_t (v) VALUES ('b') RETURNING session_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("postgres");
            }
            assertThat(one(a, "SELECT session_user")).isEqualTo("pooled_other");
            try (Statement statement = a.createStatement()) {
                statement.execute("CREATE TEMP TABLE pooled_gone (x int)");
                statement.execute("DISCARD ALL");
            }
            // DISCARD ALL ended the session's objects and settings: the connection is no longer pinned.
            assertThat(one(a, "SELECT session_user")).isEqualTo("postgres");
            assertThat(a.unwrap(ReplicatedConnection.class).isPinnedToPrimary()).isFalse();
        }
    }

    @Test
    void aReplicaStoppedUnderManyLogicalConnections_readsGoOn_andNothingIsLeftBehind() throws Exception {
        String application = "pool_churn";
        String url = url(application, "primaryPoolSize=2", "replicaPoolSize=2", "replicaRetryInterval=200ms");
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                open.add(DriverManager.getConnection(url));
            }
            for (Connection connection : open) {
                assertThat(one(connection, "SELECT 1")).isEqualTo("1");
            }
            cluster.stopNode(2, PostgresCluster.StopMode.IMMEDIATE);
            try {
                for (int round = 0; round < 3; round++) {
                    for (Connection connection : open) {
                        assertThat(one(connection, "SELECT pg_is_in_recovery()"))
                                .isEqualTo("t");
                    }
                }
                // Logical connections opened and closed in between, many times, while the replica is down.
                for (int i = 0; i < 500; i++) {
                    try (Connection connection = DriverManager.getConnection(url)) {
                        assertThat(one(connection, "SELECT 1")).isEqualTo("1");
                    }
                }
                assertThat(backends(0, application)).isLessThanOrEqualTo(2);
                assertThat(backends(1, application)).isLessThanOrEqualTo(2);
            } finally {
                cluster.startNode(2);
            }
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
        }
        // The pools linger two seconds after the last logical connection, then close every physical connection.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((backends(0, application) + backends(1, application) + backends(2, application) > 0 || poolThreads() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(backends(0, application) + backends(1, application) + backends(2, application))
                .isZero();
        assertThat(poolThreads()).isZero();
    }

    @Test
    void pgBackendPid_andGetBackendPID_stayTheSame_whileOtherLogicalConnectionsUseThePool() throws Exception {
        String url = url("pool_pid", "primaryPoolSize=2", "replicaPoolSize=2", "readYourWrites=off");
        try (Connection asks = DriverManager.getConnection(url);
                Connection other = DriverManager.getConnection(url)) {
            String readPid = one(asks, "SELECT pg_backend_pid()");
            String writePid = one(asks, "INSERT INTO pooled_t (v) VALUES ('pid') RETURNING pg_backend_pid()");
            int pgjdbcPid = asks.unwrap(PGConnection.class).getBackendPID();
            for (int i = 0; i < 10; i++) {
                one(other, "SELECT count(*) FROM pooled_t");
                try (Statement statement = other.createStatement()) {
                    statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('other')");
                }
                assertThat(one(asks, "SELECT pg_backend_pid()")).isEqualTo(readPid);
                assertThat(one(asks, "INSERT INTO pooled_t (v) VALUES ('pid') RETURNING pg_backend_pid()"))
                        .isEqualTo(writePid);
                assertThat(asks.unwrap(PGConnection.class).getBackendPID()).isEqualTo(pgjdbcPid);
            }
            // Still routed as before: the reads on a replica, the writes on the primary.
            assertThat(one(asks, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(String.valueOf(pgjdbcPid)).isEqualTo(writePid);
        }
    }

    /** Client backends of the application on every node. */
    private int backendsEverywhere(String application) throws SQLException {
        int sum = 0;
        for (int node = 0; node <= cluster.replicaCount(); node++) {
            sum += backends(node, application);
        }
        return sum;
    }

    /** Waits (up to 10 s) until the pools lingering after the last logical connection closed every backend. */
    private void awaitNothingLeftBehind(String application) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((backendsEverywhere(application) > 0 || poolThreads() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(backendsEverywhere(application)).as("backends left open").isZero();
        assertThat(poolThreads()).as("pool threads left running").isZero();
    }

    @Test
    void twoHundredLogicalConnections_aReplicaFrozenThenAnotherKilled_failNoRead_andLeaveNothingBehind()
            throws Exception {
        String application = "pool_fault";
        String url = url(application, "primaryPoolSize=4", "replicaPoolSize=8", "replicaRetryInterval=200ms");
        List<Connection> open = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicLong worstNanos = new AtomicLong();
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger mostBackends = new AtomicInteger();
        try {
            for (int i = 0; i < 200; i++) {
                open.add(DriverManager.getConnection(url));
            }
            int threadCount = 16;
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                int first = t;
                Thread thread = new Thread(() -> {
                    // Each thread takes its own logical connections in turn (one thread at a time on each).
                    for (int i = first; !stop.get(); i = i + threadCount < open.size() ? i + threadCount : first) {
                        long start = System.nanoTime();
                        try {
                            assertThat(one(open.get(i), "SELECT count(*) > 0 FROM pg_class"))
                                    .isEqualTo("t");
                        } catch (Throwable e) {
                            failures.add(e);
                            return;
                        }
                        worstNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                        reads.incrementAndGet();
                    }
                });
                threads.add(thread);
                thread.start();
            }
            try {
                Thread.sleep(500);
                cluster.freeze(1);
                try {
                    Thread.sleep(2_500);
                    mostBackends.set(Math.max(backends(0, application), backends(2, application)));
                } finally {
                    cluster.thaw(1);
                }
                Thread.sleep(500);
                cluster.stopNode(2, PostgresCluster.StopMode.IMMEDIATE);
                try {
                    Thread.sleep(1_500);
                    mostBackends.accumulateAndGet(
                            Math.max(backends(0, application), backends(1, application)), Math::max);
                } finally {
                    cluster.startNode(2);
                }
                Thread.sleep(500);
            } finally {
                stop.set(true);
                for (Thread thread : threads) {
                    thread.join(60_000);
                }
            }
            System.out.printf(
                    "200 logical connections, replica frozen then killed: %d reads, worst %d ms%n",
                    reads.get(), worstNanos.get() / 1_000_000);
            assertThat(failures).isEmpty();
            // A guard against a read waiting for the host for ever, not a measurement.
            assertThat(worstNanos.get() / 1_000_000).isLessThan(10_000);
            assertThat(mostBackends.get()).isLessThanOrEqualTo(8);
            assertThat(backends(0, application)).isLessThanOrEqualTo(4);
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
        }
        ReplicaRotation.awaitAllReplicas(cluster);
        awaitNothingLeftBehind(application);
    }

    @Test
    void thePrimaryKilledUnderPools_readsGoOn_writesFailWithA08_andResumeOnTheSameLogicalConnections()
            throws Exception {
        String application = "pool_primary";
        String url = url(application, "primaryPoolSize=4", "replicaPoolSize=4");
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Connection connection = DriverManager.getConnection(url);
                open.add(connection);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('before')");
                }
            }
            cluster.stopNode(0, PostgresCluster.StopMode.IMMEDIATE);
            try {
                for (Connection connection : open) {
                    assertThat(one(connection, "SELECT pg_is_in_recovery()")).isEqualTo("t");
                }
                for (Connection connection : open.subList(0, 5)) {
                    assertThatThrownBy(() -> {
                                try (Statement statement = connection.createStatement()) {
                                    statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('down')");
                                }
                            })
                            .isInstanceOf(SQLException.class)
                            .satisfies(e ->
                                    assertThat(((SQLException) e).getSQLState()).startsWith("08"));
                    assertThat(connection.isClosed()).isFalse();
                }
            } finally {
                cluster.startNode(0);
            }
            ReplicaRotation.awaitAllReplicas(cluster);
            for (Connection connection : open) {
                try (Statement statement = connection.createStatement()) {
                    assertThat(statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('after')"))
                            .isEqualTo(1);
                }
            }
            assertThat(backends(0, application)).isBetween(1, 4);
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
        }
        awaitNothingLeftBehind(application);
    }

    @Test
    void tenThousandLogicalConnections_openedAndClosed_withAReplicaDyingInBetween_leaveNothingBehind()
            throws Exception {
        String application = "pool_churn_10k";
        String url = url(application, "primaryPoolSize=2", "replicaPoolSize=2", "replicaRetryInterval=200ms");
        for (int i = 0; i < 10_000; i++) {
            if (i == 3_000) {
                cluster.stopNode(1, PostgresCluster.StopMode.IMMEDIATE);
            } else if (i == 6_000) {
                cluster.startNode(1);
            }
            try (Connection connection = DriverManager.getConnection(url)) {
                assertThat(one(connection, "SELECT 1")).isEqualTo("1");
                if (i % 1_000 == 0) {
                    try (Statement statement = connection.createStatement()) {
                        statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('churn')");
                    }
                }
            }
        }
        // Ten thousand opens took at most the pool's two backends on the primary at any one time.
        assertThat(backends(0, application)).isLessThanOrEqualTo(2);
        ReplicaRotation.awaitAllReplicas(cluster);
        awaitNothingLeftBehind(application);
    }

    /** The pools' keeper threads of this test's configurations still running. */
    private static long poolThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("replicated-jdbc-pool-") && thread.isAlive())
                .count();
    }

    @Test
    void aPreparedStatementRunOnPooledBackends_isStillPreparedOnTheServer_onEachOfThem() throws Exception {
        String url = url("pool_prepared", "replicaPoolSize=1", "readYourWrites=off");
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement statement = connection.prepareStatement("SELECT v FROM pooled_t WHERE id = ?")) {
            for (int i = 0; i < 12; i++) {
                statement.setInt(1, i);
                statement.executeQuery().close();
            }
            assertThat(statement.unwrap(PGStatement.class).isUseServerPrepare()).isTrue();
            // Each replica has one pooled backend, which ran the statement six times: prepared there, by PgJDBC.
            for (int round = 0; round < 2; round++) {
                assertThat(Integer.parseInt(one(
                                connection,
                                "SELECT count(*) FROM pg_prepared_statements"
                                        + " WHERE statement LIKE 'SELECT v FROM pooled_t WHERE id = $1%'")))
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void aPooledBackendEndedByTheServerWhileIdle_failsOnlyTheStatementThatMeetsIt_andIsNeverLentAgain()
            throws Exception {
        String url = url("pool_killed", "primaryPoolSize=1");
        // The backend is found from outside: a statement naming pg_backend_pid() would keep it with the connection.
        String backendOfThePool = "SELECT pid FROM pg_stat_activity WHERE application_name = 'pool_killed'";
        try (Connection connection = DriverManager.getConnection(url)) {
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('k')");
            }
            String pid = cluster.query(0, backendOfThePool);
            assertThat(cluster.query(0, "SELECT pg_terminate_backend(" + pid + ")"))
                    .isEqualTo("t");
            backendGone(pid);
            // The statement that meets the ended backend fails as on a plain connection the server ended ...
            assertThatThrownBy(() -> {
                        try (Statement statement = connection.createStatement()) {
                            statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('lost')");
                        }
                    })
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("57P01", "08006", "08003"));
            // ... and neither this logical connection nor a new one gets that backend again.
            try (Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO pooled_t (v) VALUES ('k2')"))
                        .isEqualTo(1);
            }
            assertThat(cluster.query(0, backendOfThePool)).isNotEqualTo(pid);
            try (Connection fresh = DriverManager.getConnection(url)) {
                assertThat(one(fresh, "SELECT 1")).isEqualTo("1");
            }
        }
    }
}
