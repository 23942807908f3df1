package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.internal.cluster.CommittedWrites;
import io.replicatedjdbc.internal.cluster.NodeHealth;
import io.replicatedjdbc.internal.cluster.ReadYourWritesStatistics;
import io.replicatedjdbc.internal.cluster.ReplicaPositions;
import io.replicatedjdbc.internal.cluster.WalPosition;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.SQLException;

/**
 * Read-your-writes by WAL position for one read: whether the logical connection's replica has replayed every write
 * the read must see, and if not, what to try before the primary. The rules live here; the logical connection
 * answers the questions that need its physical connections ({@link Nodes}).
 */
public final class ReadYourWritesGate {

    /** What the gate asks of the logical connection. */
    public interface Nodes {
        /** The primary's {@code pg_current_wal_insert_lsn()}, or NONE when the primary is not open. */
        long primaryInsertPosition() throws SQLException;

        /** The bound replica's own {@code pg_last_wal_replay_lsn()}. */
        long replicaReplayPosition() throws SQLException;

        /** The replica the connection is bound to. */
        NodeSpec boundReplica();

        /** Binds another replica; false when that cannot be done now (it cannot be opened, a result set is open). */
        boolean rebind(NodeSpec replica) throws SQLException;

        /** Waits a little before asking the replica again. */
        void pause() throws SQLException;
    }

    private final ReplicaPositions positions;
    private final NodeHealth health;
    private final ReadYourWritesStatistics statistics;
    private final long waitNanos;

    public ReadYourWritesGate(ReplicaPositions positions, NodeHealth health, ReadYourWritesStatistics statistics,
                              long waitMillis) {
        this.positions = positions;
        this.health = health;
        this.statistics = statistics;
        this.waitNanos = waitMillis * 1_000_000L;
    }

    /**
     * Null when the read may run on the bound replica (possibly another one than before: a replica known to be fresh
     * is bound instead of a lagging one), or why it must run on the primary.
     */
    public String check(ReadYourWritesPolicy.Positions own, Nodes nodes) throws SQLException {
        long required = required(own, nodes);
        if (required == WalPosition.NONE) {
            return null;
        }
        NodeSpec bound = nodes.boundReplica();
        if (WalPosition.covers(positions.replayed(bound), required)) {
            statistics.onReplicaAfterCheck.increment();
            return null;
        }
        long start = System.nanoTime();
        NodeSpec fresh = positions.replicaCovering(required, bound, node -> health.isAvailable(node, start));
        if (fresh != null && nodes.rebind(fresh)) {
            statistics.onReplicaAfterCheck.increment();
            return null;
        }
        long seen = askReplica(nodes, bound);
        if (!WalPosition.covers(seen, required) && waitNanos > 0) {
            statistics.waits.increment();
            while (!WalPosition.covers(seen, required) && System.nanoTime() - start < waitNanos) {
                nodes.pause();
                seen = askReplica(nodes, bound);
            }
            statistics.waitNanos.add(System.nanoTime() - start);
        }
        if (WalPosition.covers(seen, required)) {
            statistics.onReplicaAfterCheck.increment();
            return null;
        }
        statistics.keptOnPrimary.increment();
        return "read-your-writes: the writes to see end at " + WalPosition.format(required) + ", " + bound
                + " has replayed " + WalPosition.format(seen) + "; ran on the primary";
    }

    /**
     * The position a read must see: the connection's own writes (fetched from the primary once after they committed),
     * the tokens it was given, and in global scope every commit of the configuration counted so far.
     */
    public long required(ReadYourWritesPolicy.Positions own, Nodes nodes) throws SQLException {
        CommittedWrites global = own.global();
        long globalCommits = global == null ? 0 : global.commits();
        boolean globalUnpositioned = global != null && globalCommits > 0 && global.coveringPosition() == WalPosition.NONE;
        if (own.pending() || globalUnpositioned) {
            long position = nodes.primaryInsertPosition();
            if (position == WalPosition.NONE) {
                return own.required();
            }
            statistics.positionFetches.increment();
            if (own.pending()) {
                own.fetched(position);
            }
            if (global != null) {
                global.fetched(globalCommits, position);
            }
        }
        long required = own.required();
        if (global != null && Long.compareUnsigned(global.position(), required) > 0) {
            required = global.position();
        }
        return required;
    }

    private long askReplica(Nodes nodes, NodeSpec replica) throws SQLException {
        statistics.directChecks.increment();
        long seen = nodes.replicaReplayPosition();
        positions.observed(replica, seen);
        return seen;
    }
}
