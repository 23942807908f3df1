package io.replicatedjdbc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.replicatedjdbc.ReplicatedDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.sqlite.SQLiteDataSource;

/**
 * The meters and the health of a real replicated configuration: SQLite files, whose markers show which file
 * answered, and a replica file that is missing, so that one node is down.
 */
class ReplicatedMetricsTest {

    @TempDir
    Path dir;

    private Path file(String name, String marker) throws Exception {
        Path file = dir.resolve(name + ".db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE node (name text)");
            s.execute("INSERT INTO node VALUES ('" + marker + "')");
        }
        return file;
    }

    private static String read(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT name FROM node")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void meters_countWhatRanWhere_andTheHealth_staysUpWithAReplicaDown() throws Exception {
        Path primary = file("primary", "primary");
        Path replica = file("replica1", "replica1");
        Path missing = dir.resolve("not-copied-yet.db");
        ReplicatedDataSource dataSource = new ReplicatedDataSource();
        dataSource.setUrl("jdbc:replicated:sqlite:" + primary + "?replicas=" + replica + "," + missing
                + "&loadBalance=roundRobin&name=metrics-test");
        MeterRegistry registry = new SimpleMeterRegistry();
        ReplicatedStatistics statistics = new ReplicatedStatistics(dataSource);
        new ReplicatedMetrics(statistics).bindTo(registry);
        ReplicatedHealthIndicator health = new ReplicatedHealthIndicator(statistics);
        try (Connection held = dataSource.getConnection()) {
            int onReplica = 0;
            for (int i = 0; i < 4; i++) {
                try (Connection connection = dataSource.getConnection()) {
                    if (read(connection).equals("replica1")) {
                        onReplica++;
                    }
                }
            }
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO node VALUES ('written')");
            }
            assertThat(registry.get("replicated.statements")
                            .tags("configuration", "metrics-test", "node", "replica1")
                            .functionCounter()
                            .count())
                    .isEqualTo(onReplica);
            assertThat(registry.get("replicated.statements")
                            .tags("node", "primary")
                            .functionCounter()
                            .count())
                    .isEqualTo(4 - onReplica + 1);
            assertThat(registry.get("replicated.reads.replicas")
                            .functionCounter()
                            .count())
                    .isEqualTo(onReplica);
            assertThat(gauge(registry, "replicated.node.up", "replica2"))
                    .as("the missing file's replica")
                    .isZero();
            assertThat(gauge(registry, "replicated.node.up", "replica1")).isOne();
            assertThat(gauge(registry, "replicated.node.up", "primary")).isOne();
            assertThat(gauge(registry, "replicated.replica.lag", "replica1"))
                    .as("SQLite has no positions")
                    .isEqualTo(-1);
            // Pooled (the default): the statements gave their connections back; the held logical connection holds none.
            assertThat(gauge(registry, "replicated.pool.active", "primary")).isZero();
            assertThat(gauge(registry, "replicated.pool.idle", "primary")).isOne();
            assertThat(gauge(registry, "replicated.pool.idle", "replica1")).isOne();
            assertThat(gauge(registry, "replicated.pool.waiting", "replica1")).isZero();

            Health checked = health.health(true);
            assertThat(checked.getStatus())
                    .as("a replica down does not take the service down")
                    .isEqualTo(Status.UP);
            assertThat(checked.getDetails())
                    .containsEntry("configuration", "metrics-test")
                    .containsEntry("replicasTakingReads", 1L);
            @SuppressWarnings("unchecked")
            Map<String, String> nodes =
                    (Map<String, String>) checked.getDetails().get("nodes");
            assertThat(nodes)
                    .containsEntry("replica2", "down")
                    .containsEntry("replica1", "up")
                    .containsEntry("primary", "up");
        }
    }

    @Test
    void aDataSourceThatIsNotReplicated_bindsNothing_andIsReportedDown() throws Exception {
        Path plain = dir.resolve("plain.db");
        DataSource dataSource = new SQLiteDataSource();
        ((SQLiteDataSource) dataSource).setUrl("jdbc:sqlite:" + plain);
        MeterRegistry registry = new SimpleMeterRegistry();
        ReplicatedStatistics statistics = new ReplicatedStatistics(dataSource);
        new ReplicatedMetrics(statistics).bindTo(registry);
        assertThat(registry.getMeters()).isEmpty();
        assertThat(new ReplicatedHealthIndicator(statistics).health(true).getStatus())
                .isEqualTo(Status.DOWN);
        assertThat(Files.exists(plain)).isTrue();
    }

    /** The value of a node's gauge. */
    private static double gauge(MeterRegistry registry, String name, String node) {
        return registry.get(name).tags("node", node).gauge().value();
    }
}
