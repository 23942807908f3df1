package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.internal.cluster.CommittedWrites;
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

        /** Waits a little before asking the replica again. */
        void pause() throws SQLException;
    }

    private final ReplicaPositions positions;
    private final ReadYourWritesStatistics statistics;
    private final long waitNanos;

    public ReadYourWritesGate(ReplicaPositions positions, ReadYourWritesStatistics statistics, long waitMillis) {
        this.positions = positions;
        this.statistics = statistics;
        this.waitNanos = waitMillis * 1_000_000L;
    }

    /**
     * Null when the read may run on the bound replica, or why it must run on the primary. A lagging replica is not
     * traded for a fresher one: that opens a connection (a server process, a copy of the session), which costs more
     * than the read on the primary, and pooled connections then move back to even the load (measured: under load,
     * most of the client's time went into such moves).
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
