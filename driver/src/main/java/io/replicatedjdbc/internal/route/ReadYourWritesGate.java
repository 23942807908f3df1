package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.internal.cluster.CommittedWrites;
import io.replicatedjdbc.internal.cluster.ReadYourWritesStatistics;
import io.replicatedjdbc.internal.cluster.ReplicaPositions;
import io.replicatedjdbc.internal.cluster.WalPosition;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.SQLException;
import java.util.List;

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

        /** Waits about {@code nanos} before the replica is asked again. */
        void pause(long nanos) throws SQLException;

        /**
         * Binds, instead of the bound replica, the one where this connection's reads last saw its writes, when that
         * one is known (without asking it) to have replayed {@code required}; returns it, or null.
         */
        default NodeSpec switchToReplicaThatReplayed(long required) throws SQLException {
            return null;
        }

        /** A read that must see this connection's writes may run on {@code replica}. */
        default void confirmed(NodeSpec replica) {}

        /**
         * The primary's insert position answered to a question sent after {@code nanos} by the configuration's
         * sampler, off this thread (waiting for it if needed, boundedly); NONE when there is no sampler or it did not
         * answer in time: the gate then asks itself.
         */
        default long sampledInsertPosition(long nanos) throws SQLException {
            return WalPosition.NONE;
        }

        /** Whether the replicas' replay positions come from samplers ({@link #sampledReplayPosition}). */
        default boolean samplesReplicas() {
            return false;
        }

        /**
         * The replica's replay position answered to a question sent after {@code nanos} by its sampler, off this
         * thread; NONE when it did not answer in time (the read then runs on the primary).
         */
        default long sampledReplayPosition(NodeSpec replica, long nanos) throws SQLException {
            return WalPosition.NONE;
        }
    }

    /** The first pause of a wait ({@code readYourWritesWait}), doubled after each answer that is still behind. */
    static final long FIRST_PAUSE_NANOS = 100_000L;

    static final long MAX_PAUSE_NANOS = 10_000_000L;

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
        return check(own, nodes, null);
    }

    /** As {@link #check(ReadYourWritesPolicy.Positions, Nodes)}, for a read of {@code tables} only (null: any). */
    public String check(ReadYourWritesPolicy.Positions own, Nodes nodes, List<String> tables) throws SQLException {
        long required = required(own, nodes, tables);
        if (required == WalPosition.NONE) {
            return null;
        }
        NodeSpec bound = nodes.boundReplica();
        if (WalPosition.covers(positions.replayed(bound), required)) {
            statistics.onReplicaAfterCheck.increment();
            nodes.confirmed(bound);
            return null;
        }
        if (nodes.switchToReplicaThatReplayed(required) != null) {
            // Pooled, reads are balanced per statement, so the one chosen may not be where this connection last saw
            // its writes; that one, known to be past them, serves without a question to either.
            statistics.onReplicaAfterCheck.increment();
            return null;
        }
        long start = System.nanoTime();
        long seen = askReplica(nodes, bound, start);
        if (!WalPosition.covers(seen, required) && waitNanos > 0) {
            statistics.waits.increment();
            // A replica that is about to replay the writes (the common case: it trails by a fraction of a millisecond)
            // is asked again soon; one that trails further is asked less and less often.
            long pause = FIRST_PAUSE_NANOS;
            long left;
            while (!WalPosition.covers(seen, required) && (left = waitNanos - (System.nanoTime() - start)) > 0) {
                nodes.pause(Math.min(pause, left));
                pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
                seen = askReplica(nodes, bound, System.nanoTime());
            }
            statistics.waitNanos.add(System.nanoTime() - start);
        }
        if (WalPosition.covers(seen, required)) {
            statistics.onReplicaAfterCheck.increment();
            nodes.confirmed(bound);
            return null;
        }
        statistics.keptOnPrimary.increment();
        return "read-your-writes: the writes to see end at " + WalPosition.format(required) + ", " + bound
                + " has replayed " + WalPosition.format(seen) + "; ran on the primary";
    }

    /**
     * The position a read must see: the connection's own writes, the tokens it was given, and in global scope every
     * commit of the configuration counted so far. A commit is positioned by a fetch of the primary's insert position
     * sent after it returned: one another connection sent serves as well as one of its own, which is then not sent.
     */
    public long required(ReadYourWritesPolicy.Positions own, Nodes nodes) throws SQLException {
        return required(own, nodes, null);
    }

    /**
     * The position a read of {@code tables} (null: any table) must see: as {@link #required(ReadYourWritesPolicy.Positions,
     * Nodes)}, counting only the writes that may have changed those tables (readYourWritesTables).
     */
    public long required(ReadYourWritesPolicy.Positions own, Nodes nodes, List<String> tables) throws SQLException {
        CommittedWrites shared = own.shared();
        if (own.cluster()) {
            // Every commit that returned before this read began, in any process: a position asked after now covers
            // them all (ReadIndex, as Raft's leaders give it to their followers).
            // (NONE: the primary cannot be asked, so it commits nothing now either; the replicas are all there is.)
            long position = positionAfter(System.nanoTime(), shared, nodes);
            if (position != WalPosition.NONE) {
                own.require(position);
            }
        }
        if (own.pendingFor(tables)) {
            long position = positionAfter(own.pendingSince(), shared, nodes);
            if (position == WalPosition.NONE) {
                return own.required(tables);
            }
            own.fetched(position);
        }
        long required = own.required(tables);
        RequestContext request = RequestContext.current();
        if (request != null) {
            // A request handled on this thread (RequestPositions): what the user's earlier requests wrote, anywhere.
            long carried = request.required();
            if (Long.compareUnsigned(carried, required) > 0) {
                required = carried;
            }
        }
        long lastCommit;
        if (own.global() && (lastCommit = shared.lastCommitNanos(tables)) != CommittedWrites.NO_COMMIT) {
            long position = positionAfter(lastCommit, shared, nodes);
            if (Long.compareUnsigned(position, required) > 0) {
                required = position;
            }
        }
        return required;
    }

    /**
     * A position covering every commit that returned before {@code nanos}: from a fetch another connection sent after
     * it, or else from a fetch of this connection's own; NONE when the primary is not open.
     */
    private long positionAfter(long nanos, CommittedWrites shared, Nodes nodes) throws SQLException {
        long position = shared == null ? WalPosition.NONE : shared.positionAfter(nanos);
        if (position != WalPosition.NONE) {
            statistics.sharedPositions.increment();
            return position;
        }
        position = nodes.sampledInsertPosition(nanos);
        if (position != WalPosition.NONE) {
            statistics.sampledPositions.increment();
            return position;
        }
        return fetch(shared, nodes);
    }

    /** Asks the primary for its insert position, and shares the answer; NONE when the primary is not open. */
    private long fetch(CommittedWrites shared, Nodes nodes) throws SQLException {
        long sent = System.nanoTime();
        long position = nodes.primaryInsertPosition();
        if (position != WalPosition.NONE) {
            statistics.positionFetches.increment();
            if (shared != null) {
                shared.fetched(sent, position);
            }
        }
        return position;
    }

    /** The replica's replay position now: from its sampler (a question sent after {@code nanos}), or asked here. */
    private long askReplica(Nodes nodes, NodeSpec replica, long nanos) throws SQLException {
        if (nodes.samplesReplicas()) {
            statistics.sampledChecks.increment();
            return nodes.sampledReplayPosition(replica, nanos);
        }
        statistics.directChecks.increment();
        long seen = nodes.replicaReplayPosition();
        positions.observed(replica, seen);
        return seen;
    }
}
