package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.cluster.StatusProbe;
import io.replicatedjdbc.internal.config.ConfigParser;
import io.replicatedjdbc.testing.PostgresCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Primary failover, each test on a cluster of its own (promotion changes the topology for good). The rule under test:
 * writes go to the node that answers as the primary on the newest timeline; an old primary that comes back after a
 * promotion (on its old timeline) never takes a write, from existing connections or from configurations created after
 * it came back; two nodes that claim to be the primary on the same timeline make the driver refuse writes; a replica
 * left on the old timeline takes no reads, however far it replayed there.
 */
class PostgresFailoverTest {

    /** A URL option no other test uses, so that each call makes a configuration (and a monitor) of its own. */
    private static final AtomicInteger CONFIGURATIONS = new AtomicInteger();

    private static int writeAndTellWhere(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "INSERT INTO failover_t VALUES (DEFAULT) RETURNING inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Milliseconds until a write on the connection succeeds, trying every 50 ms for up to 20 s; -1 if never. */
    private static long untilAWriteSucceeds(Connection connection, int expectedPort) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < 20_000_000_000L) {
            try {
                assertThat(writeAndTellWhere(connection)).isEqualTo(expectedPort);
                return (System.nanoTime() - start) / 1_000_000;
            } catch (SQLException notYet) {
                Thread.sleep(50);
            }
        }
        return -1;
    }

    private static String newConfiguration(PostgresCluster cluster, String... options) {
        String[] all = new String[options.length + 1];
        System.arraycopy(options, 0, all, 0, options.length);
        all[options.length] = "ApplicationName=failover-test-" + CONFIGURATIONS.incrementAndGet();
        return cluster.replicatedUrl(all);
    }

    private static long rows(PostgresCluster cluster, int node) throws SQLException {
        return Long.parseLong(cluster.query(node, "SELECT count(*) FROM failover_t"));
    }

    @Test
    void thePromotedReplicaTakesTheWrites_andTheOldPrimaryComingBackTakesNone() throws Exception {
        try (PostgresCluster own = PostgresCluster.start(2)) {
            own.query(0, "CREATE TABLE failover_t (id serial PRIMARY KEY)");
            own.awaitReplicas();
            String url = own.replicatedUrl();
            try (Connection existing = DriverManager.getConnection(url);
                    Connection idle = DriverManager.getConnection(url)) {
                assertThat(writeAndTellWhere(existing)).isEqualTo(own.port(0));
                assertThat(writeAndTellWhere(idle)).isEqualTo(own.port(0));
                long onOldPrimary = rows(own, 0);
                own.stopNode(0, PostgresCluster.StopMode.IMMEDIATE);
                own.promote(2);
                long promotedAt = System.nanoTime();
                // With failoverTimeout, a new connection waits for the promoted node instead of failing. (A
                // configuration of its own: one that shares the pools above may borrow a connection the killed server
                // closed while idle, and its statement then fails with 08006 as through any pool, since the driver
                // cannot know whether a write sent on it ran. The existing connections below show that case.)
                try (Connection waiting = DriverManager.getConnection(newConfiguration(own, "failoverTimeout=10s"))) {
                    assertThat(writeAndTellWhere(waiting)).isEqualTo(own.port(2));
                }
                long existingMillis = untilAWriteSucceeds(existing, own.port(2));
                System.out.printf(
                        "Failover: writes resumed on an existing connection %d ms after the promotion%n",
                        existingMillis);
                assertThat(existingMillis)
                        .as("writes resumed on an existing connection")
                        .isNotNegative();
                // The idle connection's first write after the promotion goes to the promoted node: no error on the way.
                assertThat(writeAndTellWhere(idle))
                        .as("an idle connection's first write")
                        .isEqualTo(own.port(2));
                try (Connection fresh = DriverManager.getConnection(url)) {
                    assertThat(writeAndTellWhere(fresh)).isEqualTo(own.port(2));
                }
                assertThat((System.nanoTime() - promotedAt) / 1_000_000)
                        .as("within 10 s of the promotion")
                        .isLessThan(10_000);

                // The old primary comes back, still a primary, on its old timeline.
                own.startNode(0);
                assertThat(own.query(0, "SELECT pg_is_in_recovery()")).isEqualTo("f");
                long until = System.nanoTime() + 3_000_000_000L;
                int writes = 0;
                while (System.nanoTime() < until) {
                    assertThat(writeAndTellWhere(existing))
                            .as("an existing connection")
                            .isEqualTo(own.port(2));
                    assertThat(writeAndTellWhere(idle))
                            .as("another existing connection")
                            .isEqualTo(own.port(2));
                    try (Connection again = DriverManager.getConnection(url)) {
                        assertThat(writeAndTellWhere(again))
                                .as("a new connection")
                                .isEqualTo(own.port(2));
                    }
                    try (Connection later = DriverManager.getConnection(newConfiguration(own))) {
                        assertThat(writeAndTellWhere(later))
                                .as("a configuration created after the old primary came back")
                                .isEqualTo(own.port(2));
                    }
                    writes += 4;
                }
                System.out.printf("%d writes after the old primary came back, all on the promoted node%n", writes);
                assertThat(rows(own, 0)).as("rows on the old primary").isEqualTo(onOldPrimary);
            }
        }
    }

    @Test
    void twoReplicasPromotedOnTheSameTimeline_refuseWrites_onExistingAndNewConfigurations() throws Exception {
        try (PostgresCluster own = PostgresCluster.start(2)) {
            own.query(0, "CREATE TABLE failover_t (id serial PRIMARY KEY)");
            own.awaitReplicas();
            try (Connection existing = DriverManager.getConnection(own.replicatedUrl())) {
                assertThat(writeAndTellWhere(existing)).isEqualTo(own.port(0));
                own.stopNode(0, PostgresCluster.StopMode.IMMEDIATE);
                own.promote(1);
                own.promote(2);
                SQLException refusal = null;
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (refusal == null && System.nanoTime() < deadline) {
                    try {
                        writeAndTellWhere(existing);
                        Thread.sleep(50);
                    } catch (SQLException e) {
                        if (e.getMessage().contains("claim to be the primary")) {
                            refusal = e;
                        }
                    }
                }
                assertThat((Object) refusal)
                        .as("two primaries on one timeline: writes refused")
                        .isNotNull();
                assertThat(refusal.getSQLState()).isEqualTo("08001");
                assertThat(refusal.getMessage()).contains("timeline 2");
                long before = rows(own, 1) + rows(own, 2);
                for (int i = 0; i < 20; i++) {
                    try {
                        writeAndTellWhere(existing);
                    } catch (SQLException e) {
                        assertThat(e.getMessage()).contains("claim to be the primary");
                    }
                }
                try (Connection later = DriverManager.getConnection(newConfiguration(own))) {
                    SQLException again = null;
                    try {
                        writeAndTellWhere(later);
                    } catch (SQLException e) {
                        again = e;
                    }
                    assertThat((Object) again)
                            .as("a new configuration refuses too")
                            .isNotNull();
                    assertThat(again.getMessage()).contains("claim to be the primary");
                } catch (SQLException connectRefused) {
                    assertThat(connectRefused.getMessage()).contains("claim to be the primary");
                }
                // Neither promoted node took a write through the driver once both claimed.
                assertThat(rows(own, 1) + rows(own, 2)).isEqualTo(before);
            }
        }
    }

    @Test
    void aReplicaLeftOnTheOldTimeline_takesNoReads_evenWhereItReplayedFurtherThanTheNewPrimaryWrote() throws Exception {
        try (PostgresCluster own = PostgresCluster.start(2)) {
            own.query(0, "CREATE TABLE failover_t (id serial PRIMARY KEY)");
            own.query(0, "CREATE TABLE filler (n int)");
            own.awaitReplicas();
            // Replica 2 stops here; the primary writes on, and replica 1 replays it all.
            own.stopNode(2, PostgresCluster.StopMode.FAST);
            own.query(0, "INSERT INTO filler SELECT generate_series(1, 50000)");
            own.awaitReplay(1);
            String oldTimelineEnd = own.query(1, "SELECT pg_last_wal_replay_lsn()");
            own.stopNode(0, PostgresCluster.StopMode.IMMEDIATE);
            // Replica 2 is promoted from where it stopped: timeline 2 starts behind what replica 1 replayed on timeline
            // 1.
            own.startNode(2);
            own.promote(2);
            String url = newConfiguration(own, "maxReplicaLag=1s");
            try (Connection writer = DriverManager.getConnection(url);
                    Connection other = DriverManager.getConnection(url)) {
                int id;
                try (Statement statement = writer.createStatement();
                        ResultSet rs = statement.executeQuery(
                                "INSERT INTO failover_t VALUES (DEFAULT) RETURNING id, inet_server_port(), pg_current_wal_lsn()")) {
                    rs.next();
                    id = rs.getInt(1);
                    assertThat(rs.getInt(2)).isEqualTo(own.port(2));
                    assertThat(own.query(
                                    2, "SELECT '" + rs.getString(3) + "'::pg_lsn < '" + oldTimelineEnd + "'::pg_lsn"))
                            .as("the write's position on timeline 2 is below what replica 1 replayed on timeline 1")
                            .isEqualTo("t");
                }
                String token = writer.unwrap(ReplicatedConnection.class).readYourWritesToken();
                other.unwrap(ReplicatedConnection.class).readYourWrites(token);
                for (Connection reader : new Connection[] {writer, other}) {
                    try (Statement statement = reader.createStatement();
                            ResultSet rs = statement.executeQuery(
                                    "SELECT count(*), inet_server_port() FROM failover_t WHERE id = " + id)) {
                        rs.next();
                        assertThat(rs.getInt(2)).as("served by").isNotEqualTo(own.port(1));
                        assertThat(rs.getInt(1))
                                .as("the read-back sees the write")
                                .isEqualTo(1);
                    }
                }
            }
            // The status command judges as the driver does.
            Map<String, String> status = new HashMap<>();
            for (StatusProbe.NodeStatus node : StatusProbe.probe(ConfigParser.parse(url, new Properties()))) {
                status.put(node.node.name(), node.verdict);
            }
            assertThat(status.get("replica2")).isEqualTo("takes writes (promoted); timeline 2");
            assertThat(status.get("replica1"))
                    .isEqualTo(
                            "on timeline 1 while the primary writes timeline 2: does not follow the primary; takes no reads");
            assertThat(status.get("primary")).startsWith("UNREACHABLE");
            // Fresh connections with no writes of their own: none reads from the replica left on timeline 1.
            for (int i = 0; i < 20; i++) {
                try (Connection reader = DriverManager.getConnection(url);
                        Statement statement = reader.createStatement();
                        ResultSet rs = statement.executeQuery("SELECT inet_server_port()")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("read " + i).isNotEqualTo(own.port(1));
                }
            }
        }
    }
}
