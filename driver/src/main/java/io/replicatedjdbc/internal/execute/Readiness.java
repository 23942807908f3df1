package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.cluster.PositionSampler;
import io.replicatedjdbc.internal.cluster.TableCatalog;
import io.replicatedjdbc.internal.cluster.WalPosition;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.pool.NodePool;
import io.replicatedjdbc.internal.route.Cause;
import io.replicatedjdbc.internal.route.ReadYourWritesGate;
import io.replicatedjdbc.internal.route.ReadYourWritesPolicy;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.route.Tokens;
import io.replicatedjdbc.internal.session.ServerObservation;
import io.replicatedjdbc.internal.session.ServerSession;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Admits an attempt to a physical connection: the node it is to run on, unless that replica is too far behind
 * ({@code maxReplicaLag}), marked down, has not replayed this connection's writes (read-your-writes), or cannot take
 * the session's state; then the attempt goes to another replica or the primary, with the reason.
 */
public final class Readiness {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc");

    private final Cluster cluster;
    private final Router router;
    private final PhysicalConnections nodes;
    /** Null where the server is not asked (other drivers than PgJDBC). */
    private final ServerSession serverSession;

    private final ReadYourWritesGate readYourWrites;
    private final Failures failures;
    /** Whether a result set read from a physical connection is still open (it must not be closed under it). */
    private final Predicate<Physical> readingFrom;
    /**
     * The replica where this connection's last read that had to see its writes ran (pooled: its reads that must see
     * a write go back there while it is known to be past them, as a dedicated connection's do, instead of asking
     * each replica the balancing picks).
     */
    private NodeSpec confirmedReplica;
    /** readYourWritesTables: reads wait only for the writes that changed the tables they read. */
    private final boolean tablesApart;

    public Readiness(
            Cluster cluster,
            Router router,
            PhysicalConnections nodes,
            ServerSession serverSession,
            ReadYourWritesGate readYourWrites,
            Failures failures,
            Predicate<Physical> readingFrom,
            boolean tablesApart) {
        this.cluster = cluster;
        this.router = router;
        this.nodes = nodes;
        this.serverSession = serverSession;
        this.readYourWrites = readYourWrites;
        this.failures = failures;
        this.readingFrom = readingFrom;
        this.tablesApart = tablesApart;
        this.catalogConnection = this::primaryForCatalog;
    }

    /** The attempt admitted to a physical connection, brought to the session's state. */
    public Attempt admit(Attempt attempt) throws SQLException {
        Attempt admitted;
        while ((admitted = step(attempt)).physical() == null) {
            attempt = admitted;
        }
        return admitted;
    }

    /** The attempt admitted, or the next one to try. */
    private Attempt step(Attempt attempt) throws SQLException {
        Physical physical = attempt.toPrimary() ? nodes.primary() : nodes.replica();
        if (physical == null) {
            String failure = nodes.replicaFailure();
            attempt = attempt.fellBackTo(
                    nodes.primary(),
                    "no replica available" + (failure == null ? "" : " (" + failure + ")")
                            + ", fell back to the primary");
            physical = attempt.physical();
        } else if (!attempt.toPrimary() && !physical.node.isPrimary()) {
            String behind = replicaWithinLagLimit(physical);
            if (behind != null) {
                return attempt.onPrimary(Cause.FALLBACK, behind + ", ran on the primary");
            }
            if (router.positions() != null) {
                String stale;
                try {
                    stale = readYourWrites.check(router.positions(), gateNodes, readScope(attempt));
                } catch (SQLException e) {
                    return failures.replicaLostBeforeRunning(attempt, e);
                }
                if (stale != null) {
                    return attempt.onPrimary(Cause.READ_YOUR_WRITES, stale);
                }
            }
            physical = nodes.currentReplica();
        }
        if (!bringUpToDate(physical)) {
            return attempt.onPrimary(
                    Cause.FALLBACK, "the replica could not take this connection's session state, ran on the primary");
        }
        router.bind(physical.role(), physical.node.toString());
        return attempt.physical() == physical ? attempt : attempt.admittedTo(physical);
    }

    /**
     * The tables an autocommit read reads, as far as the catalog proves (readYourWritesTables), or null: any table. A
     * read that may begin a transaction counts as reading any table, since the transaction's later statements follow it
     * to the same replica.
     */
    private List<String> readScope(Attempt attempt) {
        if (!tablesApart
                || !router.autoCommit()
                || router.inTransaction()
                || !router.positions().dependsOnTables()) {
            return null;
        }
        return cluster.tables().readScope(attempt.classification().tables(), catalogConnection);
    }

    /** The primary's connection for the catalog's questions: the one held, or (pooled) one borrowed; null if none. */
    private final TableCatalog.Primary catalogConnection;

    /** Where the catalog is asked: the primary's connection held, or (pooled) one borrowed until the statement ends. */
    TableCatalog.Primary catalogConnection() {
        return catalogConnection;
    }

    private Connection primaryForCatalog() throws SQLException {
        Physical primary = nodes.primaryIfOpen();
        if (primary == null && nodes.pooled()) {
            primary = nodes.primary();
        }
        return primary == null ? null : primary.connection;
    }

    /**
     * Keeps the bound replica in rotation: one too far behind ({@code maxReplicaLag}) or marked down by another
     * connection is replaced by another replica, outside a transaction. Returns null when the read may use the bound
     * replica, or why no replica may take it (a replica too far behind, and none other).
     */
    private String replicaWithinLagLimit(Physical replica) throws SQLException {
        if (nodes.replicaFileReplaced(replica) && !router.inTransaction() && !readingFrom.test(replica)) {
            // A new copy of the SQLite file was published: read it, not the old one this connection still has open.
            nodes.rebind(replica.node);
            return null;
        }
        String behind = cluster.positions().tooFarBehind(replica.node);
        boolean down = !cluster.health().isAvailable(replica.node, System.nanoTime());
        if (behind == null && !down) {
            // In rotation; but after a replica came back, long-lived (dedicated) connections spread out again.
            // readingFrom walks the statements: asked only when a move is due, not on every read.
            if (!nodes.pooled()
                    && !router.inTransaction()
                    && cluster.hasLessLoadedReplica(replica.node)
                    && !readingFrom.test(replica)) {
                NodeSpec lighter = cluster.claimMoveToLessLoaded(replica.node);
                if (lighter != null) {
                    nodes.moveTo(lighter);
                }
            }
            return null;
        }
        NodeSpec other = cluster.chooseReplica(Collections.singletonList(replica.node));
        if (other != null
                && !other.isPrimary()
                && !router.inTransaction()
                && !readingFrom.test(replica)
                && nodes.rebind(other) != null) {
            return null;
        }
        // Marked down by someone else, but this connection's own link to it still works: keep reading there.
        return behind;
    }

    /**
     * Brings a physical connection to the session's state before it runs a statement. False when a replica cannot
     * take it (a role or setting not replayed there yet): the statement then runs on the primary.
     */
    private boolean bringUpToDate(Physical physical) throws SQLException {
        if (serverSession == null) {
            return true;
        }
        try {
            if (!serverSession.bringUpToDate(physical)) {
                // It carries a custom setting this session never defined (pooled): not lent again. A primary's is
                // replaced by another (the statement then runs there); a read runs on the primary.
                if (physical == nodes.primaryIfOpen()) {
                    nodes.dropPrimary();
                } else {
                    physical.discardOnRelease = true;
                }
                return false;
            }
            return true;
        } catch (SQLException e) {
            if (!nodes.isReplica(physical) || router.inTransaction()) {
                throw e;
            }
            LOG.log(Level.FINE, "Replica " + physical.node + " could not take the session state: " + e.getMessage());
            serverSession.forget(physical);
            return false;
        }
    }

    /** What the read-your-writes gate asks of this connection's physical connections. */
    private final ReadYourWritesGate.Nodes gateNodes = new ReadYourWritesGate.Nodes() {
        @Override
        public long primaryInsertPosition() throws SQLException {
            Physical primary = nodes.primaryIfOpen();
            if (primary == null && nodes.pooled()) {
                // Pooled, the write's connection went back to its pool: any connection of the primary tells a position
                // at or past it (the position is the server's, not the session's).
                try {
                    primary = nodes.primary();
                } catch (SQLException unreachable) {
                    if (unreachable instanceof NodePool.Unavailable
                            || !Errors.CONNECTION_FAILED.equals(unreachable.getSQLState())) {
                        throw unreachable;
                    }
                    return WalPosition.NONE;
                }
            }
            if (primary == null) {
                return WalPosition.NONE;
            }
            try {
                return WalPosition.parse(
                        ServerObservation.queryOutsideTransaction(primary.connection, PositionSampler.INSERT_POSITION));
            } catch (SQLException e) {
                if (PhysicalConnections.isConnectionFailure(e, primary) || "57P01".equals(e.getSQLState())) {
                    // The primary went down: its position cannot be had; the replicas are all there is to read from.
                    return WalPosition.NONE;
                }
                throw e;
            }
        }

        /** (Not asked: replicas are sampled, {@link #samplesReplicas()}; the bound one's sampler answers.) */
        @Override
        public long replicaReplayPosition() throws SQLException {
            return sampledReplayPosition(boundReplica(), System.nanoTime());
        }

        @Override
        public NodeSpec boundReplica() {
            return nodes.currentReplica().node;
        }

        @Override
        public NodeSpec switchToReplicaThatReplayed(long required) throws SQLException {
            NodeSpec where = confirmedReplica;
            Physical bound = nodes.currentReplica();
            if (where == null
                    || !nodes.pooled()
                    || bound == null
                    || where.equals(bound.node)
                    || router.inTransaction()
                    || readingFrom.test(bound)
                    || !cluster.health().isAvailable(where, System.nanoTime())
                    || cluster.positions().tooFarBehind(where) != null
                    || !WalPosition.covers(cluster.positions().replayed(where), required)) {
                return null;
            }
            return nodes.rebind(where) != null ? where : null;
        }

        @Override
        public void confirmed(NodeSpec replica) {
            confirmedReplica = replica;
        }

        @Override
        public long sampledInsertPosition(long nanos) throws SQLException {
            return sampled(cluster.primarySampler(), nanos);
        }

        @Override
        public boolean samplesReplicas() {
            return true;
        }

        @Override
        public long sampledReplayPosition(NodeSpec replica, long nanos) throws SQLException {
            return sampled(cluster.replicaSampler(replica), nanos);
        }

        private long sampled(PositionSampler sampler, long nanos) throws SQLException {
            try {
                return sampler.after(nanos, PositionSampler.WAIT_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Errors.interrupted("waiting for a WAL position");
            }
        }

        @Override
        public void pause(long nanos) throws SQLException {
            LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw Errors.interrupted("waiting for a replica to replay this connection's writes");
            }
        }
    };

    /** {@code readYourWritesToken()}: the position a read elsewhere must wait for to see this connection's writes. */
    public String token() throws SQLException {
        return Tokens.format(readYourWrites.required(positionsForTokens(), gateNodes));
    }

    /** {@code readYourWrites(token)}: this connection's reads wait for the position another one handed over. */
    public void require(String token) throws SQLException {
        ReadYourWritesPolicy.Positions own = positionsForTokens();
        own.require(Tokens.parse(token));
    }

    private ReadYourWritesPolicy.Positions positionsForTokens() throws SQLException {
        ReadYourWritesPolicy.Positions own = router.positions();
        if (own == null) {
            throw Errors.notSupported("Read-your-writes tokens need readYourWrites=lsn on PostgreSQL");
        }
        return own;
    }
}
