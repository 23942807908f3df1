package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.session.SessionState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The physical connections of one logical connection: the primary and one replica, each opened on first use and
 * brought to the logical connection's session state. A replica that cannot be opened or breaks is marked down
 * for every connection of the cluster, and another one is bound on the next read.
 */
final class PhysicalConnections {

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

    PhysicalConnections(Cluster cluster, Config config, SessionState session) {
        this.cluster = cluster;
        this.config = config;
        this.session = session;
    }

    Physical primary() throws SQLException {
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
                Connection connection;
                try {
                    connection = cluster.openPrimary(node, config);
                } catch (SQLException e) {
                    if (!Errors.CONNECTION_FAILED.equals(e.getSQLState()) || System.nanoTime() - deadline >= 0) {
                        throw e;
                    }
                    pause();
                    continue;
                }
                prepare(connection);
                Physical opened = new Physical(node, connection);
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
    boolean primaryMovedAway() {
        Physical current = primary;
        return current != null && current.primaryEpoch != cluster.primaryEpoch()
                && !current.node.equals(cluster.writesNodeOrNull());
    }

    /**
     * This connection's read node, bound on first use: a replica, or the primary when {@code primaryReadWeight} chose
     * it; null when no replica can be opened.
     */
    Physical replica() throws SQLException {
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
                if (tried.isEmpty() && replicaFailure == null && !config.replicas().isEmpty()) {
                    replicaFailure = "every replica is marked down for replicaRetryInterval";
                }
                return null;
            }
            tried.add(node);
            if (node.isPrimary()) {
                readsOnPrimary = true;
                return primary();
            }
            Connection connection;
            Object fileKey = fileKey(node);
            try {
                connection = cluster.openReplica(node, config);
            } catch (SQLException e) {
                replicaFailure = node + " failed: " + e.getMessage();
                LOG.log(Level.WARNING, "Replica " + node + " cannot be reached; skipped for "
                        + config.replicaRetryIntervalMillis() + " ms: " + e.getMessage());
                continue;
            }
            prepare(connection);
            replica = track(withFileKey(new Physical(node, connection), fileKey));
            return replica;
        }
    }

    /**
     * Binds this connection to another replica (one that has replayed what its reads must see), closing the one bound
     * now; null when it cannot be opened, and the binding is left as it was.
     */
    Physical rebind(NodeSpec node) throws SQLException {
        return rebind(node, true);
    }

    /**
     * Rebinds to {@code node} for a move the cluster has already counted ({@code Cluster#claimMoveToLessLoaded}); a
     * move that cannot be made is given back, and the connection keeps its replica.
     */
    void moveTo(NodeSpec node) throws SQLException {
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
        Connection connection;
        Object fileKey = fileKey(node);
        try {
            connection = cluster.openReplica(node, config);
        } catch (SQLException e) {
            return null;
        }
        prepare(connection);
        Physical old = replica;
        replica = track(withFileKey(new Physical(node, connection), fileKey), count);
        if (old != null) {
            untrack(old, count);
            closeQuietly(old.connection);
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
    boolean replicaFileReplaced(Physical physical) {
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
        if (config.dialect() != io.replicatedjdbc.internal.classify.Dialect.SQLITE) {
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
            return java.nio.file.Files.readAttributes(java.nio.file.Paths.get(path),
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The bound replica, or null; opens nothing. */
    Physical currentReplica() {
        return replica;
    }

    boolean isReplica(Physical physical) {
        return physical != null && physical == replica;
    }

    /** Why the last replica tried could not serve, or null. */
    String replicaFailure() {
        return replicaFailure;
    }

    /** The node a read would use now, for statements that need some node: the replica unless pinned. */
    Physical readNode(boolean pinnedToPrimary) throws SQLException {
        if (!pinnedToPrimary && !config.replicas().isEmpty()) {
            Physical physical = replica();
            if (physical != null) {
                return physical;
            }
        }
        return primary();
    }

    /** The replica's connection broke: skip the node for the retry interval and forget the connection. */
    void dropReplica(SQLException cause) {
        dropReplica(cause, true);
    }

    /**
     * Forgets the replica's connection; with {@code markDown}, every connection of the configuration also skips the
     * node for the retry interval. A statement that timed out broke the connection, but the node is healthy.
     */
    void dropReplica(SQLException cause, boolean markDown) {
        Physical broken = replica;
        replica = null;
        replicaFailure = broken.node + " failed: " + cause.getMessage();
        if (markDown) {
            cluster.health().markDown(broken.node, System.nanoTime());
            LOG.log(Level.WARNING, "Replica " + broken.node + " failed; skipped for "
                    + config.replicaRetryIntervalMillis() + " ms: " + cause.getMessage());
        }
        untrack(broken);
        closeQuietly(broken.connection);
    }

    /** The primary's connection broke with the primary: forget it; the next statement that needs it opens a new one. */
    void dropPrimary() {
        Physical broken = primary;
        primary = null;
        if (broken != null) {
            untrack(broken);
            closeQuietly(broken.connection);
        }
    }

    /** The primary's connection if it is open, or null; opens nothing. */
    Physical primaryIfOpen() {
        return primary;
    }

    /** An open physical connection, the primary if it is open, or null. */
    Physical anyOpen() {
        return primary != null ? primary : replica;
    }

    /** The open physical connections, primary first. */
    List<Physical> open() {
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
    void writeThrough(SqlConsumer<Connection> change) throws SQLException {
        for (Physical physical : open()) {
            change.accept(physical.connection);
        }
    }

    /** Closes every physical connection; returns the failures, chained, or null. */
    SQLException closeAll() {
        primary = null;
        replica = null;
        SQLException failure = null;
        for (Physical physical : drainOpened()) {
            try {
                physical.connection.close();
            } catch (SQLException e) {
                failure = Errors.chain(failure, e);
            }
        }
        return failure;
    }

    /**
     * Every physical connection opened and not yet closed, also one a statement opened while another thread closed the
     * logical connection: closing goes through this set, so that none is left open.
     */
    private final java.util.Set<Physical> opened = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private Physical track(Physical physical) {
        return track(physical, true);
    }

    /** Tracks an opened physical connection; {@code count} in the cluster's bound counts, unless already counted. */
    private Physical track(Physical physical, boolean count) {
        synchronized (opened) {
            opened.add(physical);
        }
        if (count && !physical.node.isPrimary()) {
            cluster.bound(physical.node, 1);
        }
        return physical;
    }

    private void untrack(Physical physical) {
        untrack(physical, true);
    }

    private void untrack(Physical physical, boolean count) {
        boolean removed;
        synchronized (opened) {
            removed = opened.remove(physical);
        }
        if (count && removed && !physical.node.isPrimary()) {
            cluster.bound(physical.node, -1);
        }
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

    void abortAll(Executor executor) throws SQLException {
        primary = null;
        replica = null;
        SQLException failure = null;
        for (Physical physical : drainOpened()) {
            try {
                physical.connection.abort(executor);
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
    private static final java.util.Set<Integer> SQLITE_NODE_FAULTS = java.util.Set.of(5, 6, 10, 11, 14, 26);

    /** Whether the error means the physical connection is lost (SQLState class 08, or the connection closed). */
    static boolean isConnectionFailure(SQLException e, Physical physical) {
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
