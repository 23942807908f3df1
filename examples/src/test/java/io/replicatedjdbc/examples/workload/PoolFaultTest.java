package io.replicatedjdbc.examples.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A replica stopped (immediate) and started again under reads through HikariCP with default options: no read fails
 * or returns a wrong row, and the restarted replica takes reads again, as the servers show.
 */
@ExtendWith(PostgresClusterExtension.class)
class PoolFaultTest {

    @Test
    void aReplicaStoppedUnderAPooledReadWorkload_failsNoRead_andTakesReadsAgainAfterItRestarts(PostgresCluster cluster)
            throws Exception {
        try (HikariDataSource dataSource = PoolMix.pool(cluster.replicatedUrl("ApplicationName=pool_fault"), 6)) {
            PoolMix.createTable(dataSource);
            cluster.awaitReplicas();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            ConcurrentHashMap<Integer, Integer> portsAfterRestart = new ConcurrentHashMap<>();
            AtomicBoolean restarted = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int me = t;
                Thread thread = new Thread(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        int id = 1 + (me * 97 + i++) % 1000;
                        try (Connection connection = dataSource.getConnection();
                                PreparedStatement read = connection.prepareStatement(
                                        "SELECT id, inet_server_port() FROM pool_mix WHERE id = ?")) {
                            read.setInt(1, id);
                            try (ResultSet rs = read.executeQuery()) {
                                rs.next();
                                if (rs.getInt(1) != id) {
                                    failures.add(new AssertionError("row " + id + " read as " + rs.getInt(1)));
                                }
                                if (restarted.get()) {
                                    portsAfterRestart.merge(rs.getInt(2), 1, Integer::sum);
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
            Thread.sleep(500);
            cluster.stopNode(1, PostgresCluster.StopMode.IMMEDIATE);
            Thread.sleep(1_000);
            cluster.startNode(1);
            cluster.awaitReplicas();
            restarted.set(true);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (portsAfterRestart.getOrDefault(cluster.port(1), 0) < 20 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
            System.out.println("Pooled reads after the replica restarted, by port: " + portsAfterRestart);
            assertThat(failures).isEmpty();
            assertThat(portsAfterRestart.getOrDefault(cluster.port(1), 0))
                    .as("the restarted replica takes reads again")
                    .isGreaterThanOrEqualTo(20);
        }
    }
}
