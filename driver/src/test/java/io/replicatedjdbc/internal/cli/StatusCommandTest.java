package io.replicatedjdbc.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The status command against the real cluster, as an operator or a readiness probe would run it. */
@ExtendWith(PostgresClusterExtension.class)
class StatusCommandTest {

    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {
            String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)
        };
    }

    /** The status output's line of a node ("replica1 "), failing when there is none. */
    private static String lineOf(String[] result, String prefix) {
        return result[1]
                .lines()
                .filter(line -> line.startsWith(prefix))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aHealthyCluster_showsEachNodesRoleAndPosition_andExitsZero(PostgresCluster cluster) {
        String[] result = run("status", cluster.replicatedUrl());
        assertThat(result[0]).isEqualTo("0");
        assertThat(result[1])
                .contains("primary (127.0.0.1:" + cluster.port(0) + ")\tyes\tprimary\t")
                .contains("takes writes")
                .contains("replica1 (127.0.0.1:" + cluster.port(1) + ")\tyes\tstandby\t")
                .contains("replica2 (127.0.0.1:" + cluster.port(2) + ")\tyes\tstandby\t")
                .contains("takes reads")
                // The pools as configured (primaryPoolSize 10, replicas twice that), with the user's backends there.
                .containsPattern(
                        "primary \\(127\\.0\\.0\\.1:" + cluster.port(0) + "\\)\t.*\tsize 10 \\([0-9]+ backends\\)")
                .containsPattern(
                        "replica1 \\(127\\.0\\.0\\.1:" + cluster.port(1) + "\\)\t.*\tsize 20 \\([0-9]+ backends\\)");
    }

    @Test
    void anUnreachablePrimary_isReported_andTheExitCodeSaysSo(PostgresCluster cluster) throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        String url = "jdbc:replicated:postgresql://127.0.0.1:" + deadPort + ",127.0.0.1:" + cluster.port(1)
                + "/postgres?user=postgres&password=hunter2secret";
        String[] result = run("status", url);
        assertThat(result[0]).isEqualTo("3");
        assertThat(result[1]).contains("UNREACHABLE").contains("writes fail").contains("\tyes\tstandby\t");
        assertThat(result[1] + result[2]).doesNotContain("hunter2secret");
    }

    @Test
    void aReplicaBehindForTheWholeWatch_underALongerMaxReplicaLag_isNotCalledWithinIt(PostgresCluster cluster)
            throws Exception {
        cluster.query(0, "CREATE TABLE IF NOT EXISTS status_lag (v int)");
        cluster.awaitReplicas();
        cluster.pauseReplay(1);
        try {
            cluster.query(0, "INSERT INTO status_lag VALUES (2)");
            // The default maxReplicaLag (30 s) is longer than the command watches (5 s at most).
            String[] result = run("status", cluster.replicatedUrl());
            assertThat(result[0]).isEqualTo("0");
            String replica1 = lineOf(result, "replica1 ");
            assertThat(replica1)
                    .contains("takes reads for now")
                    .contains("shorter than maxReplicaLag=30000ms: not judged further")
                    .doesNotContain("within maxReplicaLag");
        } finally {
            cluster.resumeReplay(1);
            cluster.awaitReplicas();
        }
    }

    @Test
    void aReplicaBehindLongerThanMaxReplicaLag_isJudgedAsTheDriverJudgesIt(PostgresCluster cluster) throws Exception {
        cluster.query(0, "CREATE TABLE IF NOT EXISTS status_lag (v int)");
        cluster.awaitReplicas();
        cluster.pauseReplay(1);
        try {
            cluster.query(0, "INSERT INTO status_lag VALUES (1)");
            String[] result = run("status", cluster.replicatedUrl("maxReplicaLag=1s"));
            assertThat(result[0]).isEqualTo("0");
            String replica1 = lineOf(result, "replica1 ");
            assertThat(replica1).contains("too far behind, takes no reads").contains("(maxReplicaLag=1000ms)");
            String replica2 = lineOf(result, "replica2 ");
            assertThat(replica2).contains("takes reads");
        } finally {
            cluster.resumeReplay(1);
            cluster.awaitReplicas();
        }
    }

    @Test
    void aHungReplica_isReported_withTheTimeoutThatRanOut(PostgresCluster cluster) throws Exception {
        cluster.freeze(2);
        try {
            String[] result = run("status", cluster.replicatedUrl());
            assertThat(result[0]).isEqualTo("0");
            String replica2 = lineOf(result, "replica2 ");
            assertThat(replica2)
                    .contains("UNREACHABLE")
                    .contains("timed out: connectTimeout 1 s (replicaConnectTimeout");
        } finally {
            cluster.thaw(2);
        }
    }

    @Test
    void aMalformedUrl_exitsTwo() {
        assertThat(run("status", "jdbc:replicated:postgresql://p:99999/db")[0]).isEqualTo("2");
        assertThat(run("status")[0]).isEqualTo("2");
    }
}
