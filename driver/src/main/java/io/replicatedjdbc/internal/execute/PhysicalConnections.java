package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.pool.NodePool;
import io.replicatedjdbc.internal.pool.NodePools;
import io.replicatedjdbc.internal.session.ServerObservation;
import io.replicatedjdbc.internal.session.SessionState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The physical connections a logical connection holds now: at most one of the primary and one of a replica. Dedicated
 * ({@code connectionMode=dedicated}): each opened on first use and held for life. Pooled: each borrowed from its
 * node's pool when a statement needs it and given back when the logical connection no longer needs it (the caller
 * says when: {@link #releasePrimary}, {@link #releaseReplica}); every borrowed connection is first brought to the
 * logical connection's state by the {@link Preparer}. A replica that cannot be opened or breaks is marked down for
 * every connection of the cluster, and another one is used on the next read.
 */
public final class PhysicalConnections {

    /** Brings a borrowed physical connection to the logical connection's state; false when it cannot be. */
    @FunctionalInterface
    public interface Preparer {
        boolean prepare(Physical physical) throws SQLException;
    }

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc.routing");

    private final Cluster cluster;
    private final Config config;
    private final SessionState session;
    // Written by the thread running a statement, and by close() from any thread.
    private volatile Physical primary;
    private volatile Physical replica;
    /** primaryReadWeight chose the primary as this connection's read node. */
    private boolean readsOnPrimary;
    /** Why the last replica this connection tried could not serve, for the fallback reason. */
    private String replicaFailure;

    /** The node pools (pooled), or null (dedicated). */
    private final NodePools pools;

    private final Preparer preparer;

    public PhysicalConnections(
            Cluster cluster, Config config, SessionState session, NodePools pools, Preparer preparer) {
        this.cluster = cluster;
        this.config = config;
        this.session = session;
        this.pools = pools;
        this.preparer = preparer;
    }

    /** Whether physical connections are borrowed per statement from the nodes' pools. */
    public boolean pooled() {
        return pools != null;
    }

    /**
     * A physical connection of {@code node}: borrowed from its pool and brought to the session's state (a connection
     * that cannot be is closed, and another taken), or, dedicated, opened for this logical connection alone.
     */
    private Physical obtain(NodeSpec node) throws SQLException {
        if (pools == null) {
            Object fileKey = node.isPrimary() ? null : fileKey(node);
            Connection connection =
                    node.isPrimary() ? cluster.openPrimary(node, config) : cluster.openReplica(node, config);
            prepare(connection);
            return withFileKey(new Physical(node, connection), fileKey);
        }
        NodePool pool = pools.pool(node);
        int broken = 0;
        while (true) {
            NodePool.Entry entry = pool.borrow();
            Physical physical = (Physical) entry.attachment();
            if (physical == null) {
                // (The file's identity is taken after the connection opened it: a copy published meanwhile is the
                // one it reads.)
                physical = withFileKey(
                        new Physical(node, entry.connection(), entry), node.isPrimary() ? null : fileKey(node));
                entry.attach(physical);
            } else if (replicaFileReplaced(physical)) {
                // A new copy of the SQLite file was published since this connection opened the old one.
                pool.discard(entry);
                continue;
            }
            if (isClosed(physical)) {
                // Closed while idle (the server ended it, or its driver did): never lent; another is taken.
                pool.discard(entry);
                continue;
            }
            physical.closeLeftStatements();
            physical.discardOnRelease = false;
            boolean ready;
            try {
                ready = preparer.prepare(physical);
            } catch (SQLException | RuntimeException e) {
                pool.discard(entry);
                if (e instanceof SQLException && isConnectionFailure((SQLException) e, physical) && ++broken < 3) {
                    // Broken while idle, found by the first call made on it: another connection serves.
                    continue;
                }
                throw e;
            }
            if (ready) {
                return physical;
            }
            // It carries state from another logical connection that cannot be undone here: a new connection can.
            pool.discard(entry);
        }
    }

    /**
     * Gives a physical connection back to its pool, or closes it when it carries what the next borrower must not
     * see or is broken; dedicated connections are closed.
     */
    private void giveBack(Physical physical) {
        if (physical.entry == null) {
            keepWarnings(physical);
            closeQuietly(physical.connection);
            return;
        }
        NodePool pool = physical.entry.pool();
        if (physical.discardOnRelease || isClosed(physical)) {
            pool.discard(physical.entry);
        } else {
            // Its warnings are this logical connection's: kept here, not left for the next borrower.
            keepWarnings(physical);
            pool.release(physical.entry);
        }
    }

    /** The warnings of physical connections given back, until the application clears them. */
    private SQLWarning warnings;

    /** Moves the physical connection's warnings to this logical connection's chain. */
    private void keepWarnings(Physical physical) {
        try {
            SQLWarning chain = physical.connection.getWarnings();
            if (chain == null) {
                return;
            }
            physical.connection.clearWarnings();
            if (warnings == null) {
                warnings = chain;
            } else {
                warnings.setNextWarning(chain);
            }
        } catch (SQLException closed) {
            // a closed connection's warnings are gone with it, as in its own driver
        }
    }

    /**
     * The warnings of this logical connection ({@code Connection.getWarnings}): those of the connections it holds now
     * and of those it gave back since the last {@link #clearWarnings()}, in one chain.
     */
    public SQLWarning warnings() {
        Physical first = primary;
        Physical second = replica;
        if (first != null) {
            keepWarnings(first);
        }
        if (second != null && second != first) {
            keepWarnings(second);
        }
        return warnings;
    }

    /** {@code Connection.clearWarnings}: every warning of this logical connection goes. */
    public void clearWarnings() throws SQLException {
        warnings = null;
        writeThrough(Connection::clearWarnings);
    }

    private static boolean isClosed(Physical physical) {
        try {
            return physical.connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** Pooled: gives the primary's connection back; the next statement that needs the primary borrows one. */
    public void releasePrimary() {
        Physical held = primary;
        if (held != null && held.entry != null) {
            primary = null;
            release(held);
        }
    }

    /** Pooled: gives the replica's connection back; the next read chooses a replica anew. */
    public void releaseReplica() {
        readsOnPrimary = false;
        Physical held = replica;
        if (held != null && held.entry != null) {
            replica = null;
            release(held);
        }
    }

    /** A borrowed connection, no longer this logical connection's, goes back to its pool. */
    private void release(Physical held) {
        untrack(held);
        giveBack(held);
    }

    /**
     * Pooled: whether the node that takes the writes holds connections of this configuration already, which took its
     * credentials. A logical connection opened then borrows nothing until a statement needs it.
     */
    public boolean primaryPooledAlready() {
        NodeSpec node = pools == null ? null : cluster.writesNodeOrNull();
        return node != null && pools.pool(node).hasConnections();
    }

    public Physical primary() throws SQLException {
        Physical current = primary;
        if (current != null && current.primaryEpoch != cluster.primaryEpoch()) {
            followPrimary(current);
        }
        if (primary == null) {
            // With failoverTimeout, an unreachable primary is waited for: the monitor may find a promoted replica.
            long deadline = System.nanoTime() + config.failoverTimeoutMillis() * 1_000_000L;
            while (true) {
                int epoch = cluster.primaryEpoch();
                NodeSpec node = cluster.currentPrimary();
                Physical opened;
                try {
                    opened = obtain(node);
                } catch (SQLException e) {
                    if (!Errors.CONNECTION_FAILED.equals(e.getSQLState())
                            || System.nanoTime() - deadline >= 0
                            || e instanceof NodePool.Unavailable) {
                        throw e;
                    }
                    pause();
                    continue;
                }
                opened.primaryEpoch = epoch;
                primary = track(opened);
                break;
            }
        }
        return primary;
    }

    /**
     * The node that takes writes changed (or writes were refused) since this connection last sent anything to its
     * primary: nothing is sent there before the cluster is asked again. Writes refused fail here with 08001; a primary
     * that is no longer the one is dropped, and the next statement opens the node that takes the writes now.
     */
    private void followPrimary(Physical current) throws SQLException {
        int epoch = cluster.primaryEpoch();
        NodeSpec now = cluster.currentPrimary();
        if (now.equals(current.node)) {
            current.primaryEpoch = epoch;
        } else {
            LOG.log(Level.INFO, "Writes moved from " + current.node + " to " + now + ": this connection follows");
            dropPrimary();
        }
    }

    /**
     * Whether the primary this connection holds no longer takes the writes (a promotion moved them elsewhere), asked
     * without opening anything: a transaction open there cannot go on elsewhere.
     */
    public boolean primaryMovedAway() {
        Physical current = primary;
        return current != null
                && current.primaryEpoch != cluster.primaryEpoch()
                && !current.node.equals(cluster.writesNodeOrNull());
    }

    /**
     * This connection's read node, bound on first use: a replica, or the primary when {@code primaryReadWeight} chose
     * it; null when no replica can be opened.
     */
    public Physical replica() throws SQLException {
        if (replica != null) {
            return replica;
        }
        if (readsOnPrimary) {
            return primary();
        }
        List<NodeSpec> tried = new ArrayList<>(2);
        while (true) {
            NodeSpec node = cluster.chooseReplica(tried);
            if (node == null) {
                if (tried.isEmpty()
                        && (replicaFailure == null || pools != null)
                        && !config.replicas().isEmpty()) {
                    replicaFailure = cluster.whyNoReplica();
                }
                return null;
            }
            tried.add(node);
            if (node.isPrimary()) {
                readsOnPrimary = true;
                return primary();
            }
            Physical opened;
            try {
                opened = obtain(node);
            } catch (NodePool.Unavailable exhausted) {
                // Its pool is busy, not the node down: the read fails as a statement on a full pool does.
                throw exhausted;
            } catch (SQLException e) {
                replicaFailure = node + " failed: " + e.getMessage();
                LOG.log(
                        Level.WARNING,
                        "Replica " + node + " cannot be reached; skipped for " + config.replicaRetryIntervalMillis()
                                + " ms: " + e.getMessage());
                continue;
            }
            replica = track(opened);
            return replica;
        }
    }

    /**
     * Binds this connection to another replica (one that has replayed what its reads must see), closing the one bound
     * now; null when it cannot be opened, and the binding is left as it was.
     */
    public Physical rebind(NodeSpec node) throws SQLException {
        return rebind(node, true);
    }

    /**
     * Rebinds to {@code node} for a move the cluster has already counted ({@code Cluster#claimMoveToLessLoaded}); a
     * move that cannot be made is given back, and the connection keeps its replica.
     */
    public void moveTo(NodeSpec node) throws SQLException {
        NodeSpec from = replica.node;
        Physical moved;
        try {
            moved = rebind(node, false);
        } catch (SQLException | RuntimeException e) {
            cluster.moveFailed(from, node);
            throw e;
        }
        if (moved == null) {
            cluster.moveFailed(from, node);
        }
    }

    private Physical rebind(NodeSpec node, boolean count) throws SQLException {
        Physical opened;
        try {
            opened = obtain(node);
        } catch (NodePool.Unavailable exhausted) {
            throw exhausted;
        } catch (SQLException e) {
            return null;
        }
        Physical old = replica;
        replica = track(opened, count);
        if (old != null) {
            untrack(old, count);
            giveBack(old);
        }
        return replica;
    }

    /** How often a SQLite replica's file is checked for having been replaced. */
    private static final long FILE_CHECK_NANOS = 1_000_000_000L;

    /**
     * Whether the bound replica is a SQLite file that was replaced since its connection opened it (a file-replication
     * tool publishes a new copy by renaming it over the old one; the open connection keeps reading the old file for
     * as long as it lives). Checked at most once a second, by the file's identity (its inode).
     */
    public boolean replicaFileReplaced(Physical physical) {
        if (physical.fileKey == null) {
            return false;
        }
        long now = System.nanoTime();
        if (now - physical.fileCheckedAt < FILE_CHECK_NANOS) {
            return false;
        }
        physical.fileCheckedAt = now;
        Object current = fileKey(physical.node);
        return current != null && !current.equals(physical.fileKey);
    }

    private static Physical withFileKey(Physical physical, Object fileKey) {
        physical.fileKey = fileKey;
        physical.fileCheckedAt = System.nanoTime();
        return physical;
    }

    /** The identity of a SQLite node's file, or null when the node is no file (or not SQLite). */
    private Object fileKey(NodeSpec node) {
        if (config.dialect() != Dialect.SQLITE) {
            return null;
        }
        String url = node.jdbcUrl();
        if (!url.regionMatches(true, 0, "jdbc:sqlite:", 0, 12)) {
            return null;
        }
        String path = url.substring(12);
        if (path.startsWith("file:")) {
            path = path.substring(5);
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.isEmpty() || path.startsWith(":memory:")) {
            return null;
        }
        try {
            return Files.readAttributes(Paths.get(path), BasicFileAttributes.class)
                    .fileKey();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The bound replica, or null; opens nothing. */
    public Physical currentReplica() {
        return replica;
    }

    public boolean isReplica(Physical physical) {
        return physical != null && physical == replica;
    }

    /** Why the last replica tried could not serve, or null. */
    public String replicaFailure() {
        return replicaFailure;
    }

    /** The node a read would use now, for statements that need some node: the replica unless pinned. */
    public Physical readNode(boolean pinnedToPrimary) throws SQLException {
        if (!pinnedToPrimary && !config.replicas().isEmpty()) {
            Physical physical = replica();
            if (physical != null) {
                return physical;
            }
        }
        return primary();
    }

    /** The replica's connection broke: skip the node for the retry interval and forget the connection. */
    public void dropReplica(SQLException cause) {
        dropReplica(cause, true);
    }

    /**
     * Forgets the replica's connection; with {@code markDown}, every connection of the configuration also skips the
     * node for the retry interval. A statement that timed out broke the connection, but the node is healthy.
     */
    public void dropReplica(SQLException cause, boolean markDown) {
        Physical broken = replica;
        replica = null;
        replicaFailure = broken.node + " failed: " + cause.getMessage();
        if (markDown) {
            cluster.health().markDown(broken.node, System.nanoTime());
            LOG.log(
                    Level.WARNING,
                    "Replica " + broken.node + " failed; skipped for " + config.replicaRetryIntervalMillis() + " ms: "
                            + cause.getMessage());
        }
        if (markDown) {
            cluster.evictPools(broken.node);
        }
        untrack(broken);
        broken.discardOnRelease = true;
        giveBack(broken);
    }

    /** The primary's connection broke with the primary: forget it; the next statement that needs it opens a new one. */
    public void dropPrimary() {
        Physical broken = primary;
        primary = null;
        if (broken != null) {
            untrack(broken);
            broken.discardOnRelease = true;
            giveBack(broken);
        }
    }

    /** The primary's connection if it is open, or null; opens nothing. */
    public Physical primaryIfOpen() {
        return primary;
    }

    /** An open physical connection, the primary if it is open, or null. */
    public Physical anyOpen() {
        return primary != null ? primary : replica;
    }

    /** The open physical connections, primary first. */
    public List<Physical> open() {
        List<Physical> open = new ArrayList<>(2);
        if (primary != null) {
            open.add(primary);
        }
        if (replica != null) {
            open.add(replica);
        }
        return open;
    }

    /** Applies a session change to every open physical connection (the caller records the logical state). */
    public void writeThrough(SqlConsumer<Connection> change) throws SQLException {
        Physical first = primary;
        Physical second = replica;
        if (first != null) {
            change.accept(first.connection);
        }
        if (second != null) {
            change.accept(second.connection);
        }
    }

    /**
     * Closes every physical connection (dedicated), or gives it back (pooled): a transaction still open there is rolled
     * back first, as the server does when a connection closes, and a connection that holds session objects ({@code
     * keepsObjects}: temporary tables, locks, listeners) is closed, so that they go as they would. Returns the
     * failures, chained, or null.
     */
    public SQLException closeAll(boolean keepsObjects) {
        List<Physical> held = takeHeld();
        SQLException failure = null;
        for (Physical physical : held) {
            if (physical.entry != null) {
                if (keepsObjects && physical.node.isPrimary()) {
                    physical.discardOnRelease = true;
                } else {
                    endTransaction(physical);
                }
                giveBack(physical);
                continue;
            }
            try {
                physical.connection.close();
            } catch (SQLException e) {
                failure = Errors.chain(failure, e);
            }
        }
        return failure;
    }

    /** Rolls back what the logical connection left open on a pooled connection; one that fails is not lent again. */
    private static void endTransaction(Physical physical) {
        try {
            if (!physical.connection.getAutoCommit()
                    || ServerObservation.transactionStatus(physical.connection).open()) {
                physical.connection.rollback();
            }
        } catch (SQLException | RuntimeException e) {
            physical.discardOnRelease = true;
        }
    }

    /**
     * Every physical connection opened and not yet closed, also one a statement opened while another thread closed the
     * logical connection: closing goes through this set, so that none is left open.
     */
    private final Set<Physical> opened = Collections.newSetFromMap(new IdentityHashMap<>());

    private Physical track(Physical physical) {
        return track(physical, true);
    }

    /** Tracks an opened physical connection; {@code count} in the cluster's bound counts, unless already counted. */
    private Physical track(Physical physical, boolean count) {
        if (pools == null) {
            synchronized (opened) {
                opened.add(physical);
            }
        }
        if (count && countsBound() && !physical.node.isPrimary()) {
            cluster.bound(physical.node, 1);
        }
        return physical;
    }

    /**
     * Whether replicas held are counted for the cluster: always when dedicated (balancing and moves go by them), and
     * pooled only for leastConnections, which then counts the reads running on each replica.
     */
    private boolean countsBound() {
        return pools == null || config.balance() == Config.Balance.LEAST_CONNECTIONS;
    }

    private void untrack(Physical physical) {
        untrack(physical, true);
    }

    private void untrack(Physical physical, boolean count) {
        boolean removed = true;
        if (pools == null) {
            synchronized (opened) {
                removed = opened.remove(physical);
            }
        }
        if (count && removed && countsBound() && !physical.node.isPrimary()) {
            cluster.bound(physical.node, -1);
        }
    }

    /** Every physical connection held, taken from this logical connection (for closing or giving back). */
    private List<Physical> takeHeld() {
        Physical heldPrimary = primary;
        Physical heldReplica = replica;
        primary = null;
        replica = null;
        List<Physical> all = drainOpened();
        if (pools != null) {
            // Pooled connections are not in the set: the fields are all there is.
            for (Physical physical : new Physical[] {heldPrimary, heldReplica}) {
                if (physical != null && !all.contains(physical)) {
                    all.add(physical);
                    if (countsBound() && !physical.node.isPrimary()) {
                        cluster.bound(physical.node, -1);
                    }
                }
            }
        }
        return all;
    }

    private List<Physical> drainOpened() {
        List<Physical> all;
        synchronized (opened) {
            all = new ArrayList<>(opened);
            opened.clear();
        }
        for (Physical physical : all) {
            if (!physical.node.isPrimary()) {
                cluster.bound(physical.node, -1);
            }
        }
        return all;
    }

    public void abortAll(Executor executor) throws SQLException {
        List<Physical> held = takeHeld();
        SQLException failure = null;
        for (Physical physical : held) {
            try {
                physical.discardOnRelease = true;
                physical.connection.abort(executor);
                if (physical.entry != null) {
                    giveBack(physical);
                }
            } catch (SQLException e) {
                failure = Errors.chain(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * SQLite result codes (sqlite-jdbc reports them as the vendor code, with no SQLState) that say the file cannot
     * serve now, not that the statement is wrong: busy and locked (another process holds the file), I/O error, corrupt,
     * cannot open, not a database. On a replica, the read runs elsewhere.
     */
    private static final Set<Integer> SQLITE_NODE_FAULTS = Set.of(5, 6, 10, 11, 14, 26);

    /** Whether the error means the physical connection is lost (SQLState class 08, or the connection closed). */
    public static boolean isConnectionFailure(SQLException e, Physical physical) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return true;
        }
        if (state == null && SQLITE_NODE_FAULTS.contains(e.getErrorCode() & 0xFF)) {
            return true;
        }
        try {
            return physical.connection.isClosed();
        } catch (SQLException ignored) {
            return true;
        }
    }

    private static void pause() throws SQLException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.interrupted("waiting for a primary");
        }
    }

    /** Brings a newly opened physical connection to the logical session state, or closes it. */
    private void prepare(Connection connection) throws SQLException {
        try {
            session.applyTo(connection);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // already broken: nothing more to release
        }
    }
}
