package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * For tests that take replicas down: the driver takes them back once its monitor sees them answer again (within a
 * poll, or a lease of a few seconds). Waiting for that lets later tests start from a cluster whose replicas are
 * back in rotation for the default configuration.
 */
final class ReplicaRotation {

    private ReplicaRotation() {}

    static void awaitAllReplicas(PostgresCluster cluster) throws Exception {
        cluster.awaitReplicas();
        Set<Integer> replicas = new HashSet<>();
        for (int replica = 1; replica <= cluster.replicaCount(); replica++) {
            replicas.add(cluster.port(replica));
        }
        Set<Integer> seen = new HashSet<>();
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!seen.containsAll(replicas) && System.nanoTime() < deadline) {
            try (Connection connection = DriverManager.getConnection(cluster.replicatedUrl());
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT inet_server_port()")) {
                rs.next();
                seen.add(rs.getInt(1));
            }
            Thread.sleep(20);
        }
        assertThat(seen).as("replicas back in rotation").containsAll(replicas);
    }
}
