package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Primary failover on a cluster of its own (promotion changes the topology for good): the primary stops, a replica
 * is promoted, and writes move there on existing and new connections; the old primary coming back as a second
 * primary makes the driver refuse writes rather than guess.
 */
class PostgresFailoverTest {

    private static int writeAndTellWhere(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("INSERT INTO failover_t VALUES (DEFAULT) RETURNING inet_server_port()")) {
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
                System.out.println("not yet: " + notYet.getSQLState() + " " + notYet.getMessage());
                Thread.sleep(50);
            }
        }
        return -1;
    }

    @Test
    void aPromotedReplica_takesTheWrites_andTwoPrimariesRefuseThem() throws Exception {
        try (PostgresCluster own = PostgresCluster.start(2)) {
            own.query(0, "CREATE TABLE failover_t (id serial PRIMARY KEY)");
            own.awaitReplicas();
            String url = own.replicatedUrl();
            try (Connection existing = DriverManager.getConnection(url)) {
                assertThat(writeAndTellWhere(existing)).isEqualTo(own.port(0));
                own.stopNode(0, PostgresCluster.StopMode.IMMEDIATE);
                own.promote(2);
                long promotedAt = System.nanoTime();
                // With failoverTimeout, a new connection waits for the promoted node instead of failing.
                try (Connection waiting = DriverManager.getConnection(own.replicatedUrl("failoverTimeout=10s"))) {
                    assertThat(writeAndTellWhere(waiting)).isEqualTo(own.port(2));
                }
                long existingMillis = untilAWriteSucceeds(existing, own.port(2));
                System.out.printf("Failover: writes resumed on an existing connection %d ms after the promotion%n",
                        existingMillis);
                assertThat(existingMillis).as("writes resumed on an existing connection").isNotNegative();
                try (Connection fresh = DriverManager.getConnection(url)) {
                    assertThat(writeAndTellWhere(fresh)).isEqualTo(own.port(2));
                }
                assertThat((System.nanoTime() - promotedAt) / 1_000_000).as("within 10 s of the promotion")
                        .isLessThan(10_000);

                own.startNode(0);
                long deadline = System.nanoTime() + 20_000_000_000L;
                String refusal = null;
                while (refusal == null && System.nanoTime() < deadline) {
                    try (Connection again = DriverManager.getConnection(url)) {
                        writeAndTellWhere(again);
                        Thread.sleep(50);
                    } catch (SQLException e) {
                        refusal = e.getMessage();
                        assertThat(e.getSQLState()).startsWith("08");
                    }
                }
                assertThat(refusal).as("two primaries: writes refused").contains("claim to be the primary");
            }
        }
    }
}
