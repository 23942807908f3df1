package io.replicatedjdbc.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.ConfigParser;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Lag measured against the primary's WAL positions over time: an idle primary shows no lag, however long idle. */
class ReplicaLagTest {

    private static final long MS = 1_000_000L;

    private static ReplicaPositions positions(String options) throws SQLException {
        Config config = ConfigParser.parse("jdbc:replicated:postgresql://p,r1/db?" + options, new Properties());
        return new ReplicaPositions(config);
    }

    @Test
    void aReplicaThatReplayedEverything_isNotBehind_evenWhenThePrimaryHasBeenIdleForLong() throws SQLException {
        ReplicaPositions positions = positions("maxReplicaLag=1s");
        NodeSpec replica = ConfigParser.parse("jdbc:replicated:postgresql://p,r1/db", new Properties())
                .replicas()
                .get(0);
        positions.primarySample(System.nanoTime() - 60_000 * MS, 1_000);
        positions.observed(replica, 1_000);
        assertThat(positions.tooFarBehind(replica)).isNull();
    }

    @Test
    void aReplicaBehindWalThePrimaryWroteLongerAgoThanTheLimit_isTooFarBehind() throws SQLException {
        ReplicaPositions positions = positions("maxReplicaLag=1s");
        NodeSpec replica = ConfigParser.parse("jdbc:replicated:postgresql://p,r1/db", new Properties())
                .replicas()
                .get(0);
        long now = System.nanoTime();
        positions.primarySample(now - 5_000 * MS, 1_000);
        positions.primarySample(now - 3_000 * MS, 2_000);
        positions.primarySample(now - 100 * MS, 3_000);
        positions.observed(replica, 2_500);
        assertThat(positions.tooFarBehind(replica)).isNull();
        positions.observed(replica, 2_000);
        assertThat(positions.tooFarBehind(replica)).isNull();
        ReplicaPositions older = positions("maxReplicaLag=1s");
        older.primarySample(now - 5_000 * MS, 1_000);
        older.primarySample(now - 3_000 * MS, 2_000);
        older.observed(replica, 1_500);
        assertThat(older.tooFarBehind(replica)).contains("behind the primary").contains("maxReplicaLag=1000ms");
    }

    @Test
    void aByteLimit_countsWalBytesBehindThePrimarysLatestPosition() throws SQLException {
        ReplicaPositions positions = positions("maxReplicaLag=0&maxReplicaLagBytes=1kB");
        NodeSpec replica = ConfigParser.parse("jdbc:replicated:postgresql://p,r1/db", new Properties())
                .replicas()
                .get(0);
        positions.primarySample(System.nanoTime(), 10_000);
        positions.observed(replica, 9_500);
        assertThat(positions.tooFarBehind(replica)).isNull();
        positions.primarySample(System.nanoTime(), 12_000);
        assertThat(positions.tooFarBehind(replica)).contains("2500 bytes");
    }

    @Test
    void noLimits_neverExcludeAReplica() throws SQLException {
        ReplicaPositions positions = positions("maxReplicaLag=0");
        NodeSpec replica = ConfigParser.parse("jdbc:replicated:postgresql://p,r1/db", new Properties())
                .replicas()
                .get(0);
        positions.primarySample(System.nanoTime() - 60_000 * MS, 10_000);
        positions.observed(replica, 1);
        assertThat(positions.tooFarBehind(replica)).isNull();
    }
}
