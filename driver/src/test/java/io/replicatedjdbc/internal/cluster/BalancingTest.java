package io.replicatedjdbc.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.ConfigParser;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which read node a connection binds, under each loadBalance strategy, over many bindings. */
class BalancingTest {

    private static Cluster cluster(String options) throws SQLException {
        Config config = ConfigParser.parse("jdbc:replicated:postgresql://p,r1,r2/db?" + options, new Properties());
        return new Cluster(config, null);
    }

    private static Map<String, Integer> picks(Cluster cluster, int times) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < times; i++) {
            counts.merge(cluster.chooseReplica(Collections.emptyList()).name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobin_alternates() throws SQLException {
        assertThat(picks(cluster("loadBalance=roundRobin"), 1000))
                .containsEntry("replica1", 500)
                .containsEntry("replica2", 500);
    }

    @Test
    void weighted_picksInProportionToTheWeights() throws SQLException {
        Map<String, Integer> counts = picks(cluster("loadBalance=weighted&replicaWeights=3,1"), 20_000);
        assertThat(counts.get("replica1")).isBetween(14_400, 15_600);
        assertThat(counts.get("replica2")).isBetween(4_400, 5_600);
    }

    @Test
    void primaryReadWeight_givesThePrimaryItsShare() throws SQLException {
        Map<String, Integer> counts = picks(cluster("primaryReadWeight=1"), 30_000);
        assertThat(counts.get("primary")).isBetween(9_300, 10_700);
        assertThat(picks(cluster("primaryReadWeight=0"), 1000)).doesNotContainKey("primary");
    }

    @Test
    void leastConnections_fillsTheEmptierReplicaFirst() throws SQLException {
        Cluster cluster = cluster("loadBalance=leastConnections");
        NodeSpec r1 = cluster.chooseReplica(Collections.emptyList());
        for (int i = 0; i < 5; i++) {
            cluster.bound(r1, 1);
        }
        for (int i = 0; i < 5; i++) {
            NodeSpec next = cluster.chooseReplica(Collections.emptyList());
            assertThat(next).isNotEqualTo(r1);
            cluster.bound(next, 1);
        }
        assertThat(picks(cluster, 2)).hasSize(2);
    }

    @Test
    void connectionsSpreadingOut_atTheSameTime_moveOnlyAsManyAsEvenTheLoad() throws Exception {
        Cluster cluster = cluster("maxReplicaLag=0");
        Config config = ConfigParser.parse("jdbc:replicated:postgresql://p,r1,r2/db", new Properties());
        NodeSpec r1 = config.replicas().get(0);
        NodeSpec r2 = config.replicas().get(1);
        cluster.bound(r1, 14);
        cluster.bound(r2, 2);
        // The 14 connections on replica 1 all look at the counts at once, as pooled connections under load do.
        CyclicBarrier start = new CyclicBarrier(14);
        AtomicInteger moved = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int attempt = 0; attempt < 100; attempt++) {
                        if (cluster.claimMoveToLessLoaded(r1) != null) {
                            moved.incrementAndGet();
                            return;
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(moved.get()).isEqualTo(6);
        assertThat(cluster.boundConnections(r1)).isEqualTo(8);
        assertThat(cluster.boundConnections(r2)).isEqualTo(8);
        // Balanced: nobody moves back.
        assertThat(cluster.claimMoveToLessLoaded(r2)).isNull();
        assertThat(cluster.claimMoveToLessLoaded(r1)).isNull();

        // A move that could not be made is given back.
        cluster.bound(r1, 2);
        NodeSpec to = cluster.claimMoveToLessLoaded(r1);
        assertThat(to).isEqualTo(r2);
        cluster.moveFailed(r1, to);
        assertThat(cluster.boundConnections(r1)).isEqualTo(10);
        assertThat(cluster.boundConnections(r2)).isEqualTo(8);
    }

    @Test
    void lowestLag_prefersTheReplicaThatReplayedMost() throws SQLException {
        Cluster cluster = cluster("loadBalance=lowestLag");
        Config config = ConfigParser.parse("jdbc:replicated:postgresql://p,r1,r2/db", new Properties());
        cluster.positions().observed(config.replicas().get(0), 1_000);
        cluster.positions().observed(config.replicas().get(1), 5_000);
        assertThat(picks(cluster, 100)).containsEntry("replica2", 100);
    }

    @Test
    void badWeights_areRefusedWith22023() {
        for (String options : new String[] {
            "replicaWeights=1",
            "replicaWeights=a,b",
            "replicaWeights=1,-1",
            "primaryReadWeight=x",
            "loadBalance=fastest"
        }) {
            SQLException error = null;
            try {
                ConfigParser.parse("jdbc:replicated:postgresql://p,r1,r2/db?" + options, new Properties());
            } catch (SQLException e) {
                error = e;
            }
            assertThat((Object) error).as(options).isNotNull();
            assertThat(error.getSQLState()).isEqualTo("22023");
        }
    }
}
