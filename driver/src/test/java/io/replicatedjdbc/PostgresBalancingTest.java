package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Balancing on the real cluster: where each connection's reads ran, asked of the servers. */
@ExtendWith(PostgresClusterExtension.class)
class PostgresBalancingTest {

    private final PostgresCluster cluster;

    PostgresBalancingTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    private static int port(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Where the reads of {@code connections} connections, opened one after the other, ran. */
    private Map<Integer, Integer> readPorts(int connections, String... options) throws SQLException {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < connections; i++) {
            try (Connection connection = DriverManager.getConnection(cluster.replicatedUrl(options))) {
                counts.merge(port(connection), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void weightedReplicas_takeConnectionsInProportion() throws SQLException {
        Map<Integer, Integer> counts = readPorts(200, "loadBalance=weighted", "replicaWeights=3,1");
        assertThat(counts.getOrDefault(cluster.port(1), 0)).isBetween(125, 175);
        assertThat(counts.getOrDefault(cluster.port(2), 0)).isBetween(25, 75);
        assertThat(counts).doesNotContainKey(cluster.port(0));
    }

    @Test
    void primaryReadWeight_putsAShareOfReadsOnThePrimary() throws SQLException {
        Map<Integer, Integer> counts = readPorts(150, "primaryReadWeight=1");
        assertThat(counts.getOrDefault(cluster.port(0), 0)).isBetween(30, 70);
        assertThat(counts.getOrDefault(cluster.port(1), 0)).isPositive();
        assertThat(counts.getOrDefault(cluster.port(2), 0)).isPositive();
    }

    @Test
    void leastConnections_evensOutBoundConnections_afterAReplicaRestarts() throws Exception {
        // Dedicated: connections bound for life, which leastConnections evens out after a replica comes back.
        String[] options = {
            "loadBalance=leastConnections",
            "replicaRetryInterval=200ms",
            "ApplicationName=bal_least",
            "connectionMode=dedicated"
        };
        List<Connection> open = new ArrayList<>();
        try {
            cluster.stopNode(2, PostgresCluster.StopMode.FAST);
            try {
                for (int i = 0; i < 6; i++) {
                    Connection connection = DriverManager.getConnection(cluster.replicatedUrl(options));
                    open.add(connection);
                    assertThat(port(connection)).isEqualTo(cluster.port(1));
                }
            } finally {
                cluster.startNode(2);
            }
            Thread.sleep(300);
            Map<Integer, Integer> later = new HashMap<>();
            for (int i = 0; i < 6; i++) {
                Connection connection = DriverManager.getConnection(cluster.replicatedUrl(options));
                open.add(connection);
                later.merge(port(connection), 1, Integer::sum);
            }
            assertThat(later)
                    .as("new connections go to the replica that came back")
                    .containsEntry(cluster.port(2), 6);
        } finally {
            for (Connection connection : open) {
                connection.close();
            }
        }
        ReplicaRotation.awaitAllReplicas(cluster);
    }
}
