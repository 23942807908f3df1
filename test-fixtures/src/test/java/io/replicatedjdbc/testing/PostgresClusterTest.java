package io.replicatedjdbc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fixture itself: real streaming replication and every control the integration suites rely on. */
@ExtendWith(PostgresClusterExtension.class)
class PostgresClusterTest {

    @Test
    void primaryAcceptsWrites_replicasAreHotStandbysThatReplayThem(PostgresCluster cluster) throws Exception {
        assertThat(cluster.query(0, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        assertThat(cluster.query(1, "SELECT pg_is_in_recovery()")).isEqualTo("t");
        assertThat(cluster.query(2, "SELECT inet_server_port()")).isEqualTo(String.valueOf(cluster.port(2)));

        cluster.query(0, "CREATE TABLE IF NOT EXISTS fixture_check (id int)");
        cluster.query(0, "INSERT INTO fixture_check VALUES (1)");
        cluster.awaitReplicas();
        assertThat(cluster.query(1, "SELECT count(*) FROM fixture_check")).isEqualTo("1");
        assertThat(cluster.query(2, "SELECT count(*) FROM fixture_check")).isEqualTo("1");
        assertThatThrownBy(() -> cluster.query(1, "INSERT INTO fixture_check VALUES (2)"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("read-only transaction");
        cluster.query(0, "DROP TABLE fixture_check");
    }

    @Test
    void pausedReplay_makesAReplicaLag_untilResumed(PostgresCluster cluster) throws Exception {
        cluster.query(0, "CREATE TABLE IF NOT EXISTS lag_check (id int)");
        cluster.awaitReplicas();
        cluster.pauseReplay(1);
        try {
            cluster.query(0, "INSERT INTO lag_check VALUES (1)");
            cluster.awaitReplay(2);
            assertThat(cluster.query(2, "SELECT count(*) FROM lag_check")).isEqualTo("1");
            assertThat(cluster.query(1, "SELECT count(*) FROM lag_check")).isEqualTo("0");
        } finally {
            cluster.resumeReplay(1);
        }
        cluster.awaitReplay(1);
        assertThat(cluster.query(1, "SELECT count(*) FROM lag_check")).isEqualTo("1");
        cluster.query(0, "DROP TABLE lag_check");
    }

    @Test
    void stoppedNode_refusesConnections_andStartsAgain(PostgresCluster cluster) throws Exception {
        cluster.stopNode(2, PostgresCluster.StopMode.FAST);
        try {
            assertThatThrownBy(() -> cluster.query(2, "SELECT 1"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("08001");
        } finally {
            cluster.startNode(2);
        }
        assertThat(cluster.query(2, "SELECT 1")).isEqualTo("1");
    }

    @Test
    void frozenNode_hangsInsteadOfRefusing_untilThawed(PostgresCluster cluster) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection connection = cluster.connect(2);
                Statement statement = connection.createStatement()) {
            cluster.freeze(2);
            Future<Boolean> query;
            try {
                query = executor.submit(() -> statement.execute("SELECT 1"));
                assertThatThrownBy(() -> query.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            } finally {
                cluster.thaw(2);
            }
            assertThat(query.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void ownCluster_promotesAReplica_andLeavesNothingBehindWhenClosed() throws Exception {
        Path root;
        try (PostgresCluster own = PostgresCluster.start(1)) {
            own.promote(1);
            assertThat(own.query(1, "SELECT pg_is_in_recovery()")).isEqualTo("f");
            own.query(1, "CREATE TABLE promoted (id int)");
            root = Path.of(own.query(0, "SHOW data_directory")).getParent();
            assertThat(root).exists();
        }
        assertThat(Files.exists(root)).isFalse();
    }

    @Test
    void urls_listEveryNode(PostgresCluster cluster) {
        assertThat(cluster.replicatedUrl("loadBalance=random"))
                .isEqualTo("jdbc:replicated:postgresql://127.0.0.1:"
                        + cluster.port(0) + ",127.0.0.1:" + cluster.port(1) + ",127.0.0.1:" + cluster.port(2)
                        + "/postgres?user=postgres&loadBalance=random");
        assertThat(cluster.replicatedUrlWithReplicasOption())
                .isEqualTo("jdbc:replicated:postgresql://127.0.0.1:"
                        + cluster.port(0) + "/postgres?user=postgres&replicas=127.0.0.1:" + cluster.port(1)
                        + ",127.0.0.1:"
                        + cluster.port(2));
    }
}
