package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Timeouts, closing from another thread and bad input, against the real cluster, with evidence from the servers. */
@ExtendWith(PostgresClusterExtension.class)
class PostgresRobustnessTest {

    private final PostgresCluster cluster;

    PostgresRobustnessTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    private static boolean onReplica(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private int sessionsNamed(String applicationName) throws SQLException {
        int sessions = 0;
        for (int node = 0; node <= cluster.replicaCount(); node++) {
            sessions += Integer.parseInt(cluster.query(node,
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName + "'"));
        }
        return sessions;
    }

    @Test
    void aReadTimedOutBySocketTimeout_failsOnce_andLeavesTheReplicasInRotation() throws Exception {
        try (Connection connection = DriverManager.getConnection(
                cluster.replicatedUrl("socketTimeout=1", "ApplicationName=rob_timeout"))) {
            assertThat(onReplica(connection)).isTrue();
            assertThatThrownBy(() -> {
                try (Statement statement = connection.createStatement()) {
                    statement.executeQuery("SELECT pg_sleep(1.5)");
                }
            }).isInstanceOf(SQLException.class);
            // Not run again elsewhere: no session of this connection is still sleeping on another node.
            assertThat(Integer.parseInt(cluster.query(0, "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'rob_timeout' AND query LIKE '%pg_sleep(1.5)%' AND state = 'active'")))
                    .isZero();
        }
        for (int i = 0; i < 4; i++) {
            try (Connection connection = DriverManager.getConnection(cluster.replicatedUrl())) {
                assertThat(onReplica(connection)).as("replicas not marked down by a timeout").isTrue();
            }
        }
    }

    @Test
    void oneConnectionSharedByManyThreads_whileAReplicaDies_givesRightAnswers_andLeavesNothingOpen() throws Exception {
        cluster.query(0, "CREATE TABLE IF NOT EXISTS rob_shared (id int PRIMARY KEY, v int NOT NULL)");
        cluster.query(0, "INSERT INTO rob_shared SELECT g, g FROM generate_series(1, 100) g ON CONFLICT DO NOTHING");
        cluster.awaitReplicas();
        java.util.List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (Connection shared = DriverManager.getConnection(cluster.replicatedUrl("ApplicationName=rob_shared"))) {
            java.util.List<Thread> threads = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int me = t;
                Thread thread = new Thread(() -> {
                    java.util.Random random = new java.util.Random(me);
                    for (int i = 0; i < 150; i++) {
                        int id = 1 + random.nextInt(100);
                        try (Statement statement = shared.createStatement()) {
                            if (random.nextInt(10) == 0) {
                                statement.executeUpdate("UPDATE rob_shared SET v = v WHERE id = " + id);
                            } else {
                                try (ResultSet rs = statement.executeQuery("SELECT v FROM rob_shared WHERE id = " + id)) {
                                    rs.next();
                                    if (rs.getInt(1) != id) {
                                        failures.add(new AssertionError("row " + id + " read " + rs.getInt(1)));
                                    }
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            Thread.sleep(100);
            cluster.stopNode(1, PostgresCluster.StopMode.IMMEDIATE);
            try {
                for (Thread thread : threads) {
                    thread.join(60_000);
                }
            } finally {
                cluster.startNode(1);
            }
        }
        assertThat(failures).isEmpty();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sessionsNamed("rob_shared") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(sessionsNamed("rob_shared")).as("backends left open").isZero();
    }

    @Test
    void closedFromAnotherThreadDuringAReplicaRead_theReadFails_andNothingIsLeftOpen() throws Exception {
        Connection connection = DriverManager.getConnection(cluster.replicatedUrl("ApplicationName=rob_close"));
        assertThat(onReplica(connection)).isTrue();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT pg_sleep(1)");
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        reader.start();
        Thread.sleep(300);
        connection.close();
        reader.join(10_000);
        assertThat(failure.get()).isInstanceOf(SQLException.class);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sessionsNamed("rob_close") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(sessionsNamed("rob_close")).as("backends left open").isZero();
        try (Connection other = DriverManager.getConnection(cluster.replicatedUrl())) {
            assertThat(onReplica(other)).as("the replica was not marked down").isTrue();
        }
    }
}
