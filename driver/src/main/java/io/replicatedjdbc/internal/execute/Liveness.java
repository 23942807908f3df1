package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.route.Router;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Whether a logical connection is alive, and what happened to its session: closed by the application, closed by the
 * server (then the logical connection closes, as the wrapped driver's would), or its transaction lost with the
 * primary (then every statement fails until the application ends it). Also the physical connection a statement runs
 * on now, which {@code cancel()} and {@code close()} from another thread must reach.
 */
public final class Liveness {

    private final Cluster cluster;
    private final Config config;
    private final Router router;
    private final PhysicalConnections nodes;

    private volatile boolean closed;
    /** The physical connection a statement runs on now, for a cancel from another thread; null between statements. */
    private volatile Physical running;
    /**
     * A session change closed the connection it ran on (PgJDBC closes itself when the server's DateStyle or
     * client_encoding changes to what it cannot read): the session is gone, as it would be on one connection.
     */
    private boolean sessionClosedByServer;
    /** The open transaction ran on a primary connection that broke: every statement fails until it ends. */
    private boolean transactionLost;

    public Liveness(Cluster cluster, Config config, Router router, PhysicalConnections nodes) {
        this.cluster = cluster;
        this.config = config;
        this.router = router;
        this.nodes = nodes;
    }

    /** Whether close() or abort() was called (no check, no side effect). */
    public boolean isClosed() {
        return closed;
    }

    /** Marks the logical connection closed; false when it already was. */
    public boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    public Physical running() {
        return running;
    }

    public void running(Physical physical) {
        running = physical;
    }

    public boolean transactionLost() {
        return transactionLost;
    }

    /** The application ended the lost transaction (commit, rollback, autocommit). */
    public void transactionLostEnded() {
        transactionLost = false;
    }

    /** After a session change failed: whether it closed the connection it ran on. */
    public void noteSessionClosedBy(Classification c, Physical physical) {
        try {
            if (c.changesSession() && physical.connection.isClosed()) {
                sessionClosedByServer = true;
            }
        } catch (SQLException e) {
            sessionClosedByServer = true;
        }
    }

    /**
     * {@code Connection.isValid}: the open physical connections are asked (the session's node is, when none is open).
     * A dead replica only costs the logical connection its replica (reads will use another); a dead primary makes it
     * invalid, so that a pool replaces it.
     */
    public boolean isValid(int timeout) throws SQLException {
        if (closed) {
            return false;
        }
        List<Physical> open = nodes.open();
        if (open.isEmpty()) {
            try {
                open.add(nodes.readNode(router.isPinned()));
            } catch (SQLException e) {
                return false;
            }
        }
        boolean anyValid = false;
        for (Physical physical : open) {
            if (physical.connection.isValid(timeout)) {
                anyValid = true;
            } else if (nodes.isReplica(physical)) {
                nodes.dropReplica(Errors.replicaLost("is no longer valid"));
            } else {
                return false;
            }
        }
        if (!anyValid) {
            try {
                return nodes.readNode(router.isPinned()).connection.isValid(timeout);
            } catch (SQLException e) {
                return false;
            }
        }
        return true;
    }

    /** Whether the session may be gone (asked by {@code isClosed()}; {@link #lostSession()} then says for sure). */
    public boolean mayHaveLostSession() throws SQLException {
        return sessionClosedByServer || sessionLost();
    }

    /**
     * Null while the session lives; else why the logical connection must close. The primary's connection found closed
     * with the primary down is not that: reads go on on the replicas, a write reopens it, and a transaction that ran
     * there is lost. A transaction open on a primary that a promotion replaced is lost too.
     */
    public SQLException lostSession() throws SQLException {
        if (sessionClosedByServer) {
            return Errors.closed("Connection (the server closed its session)");
        }
        if (sessionLost()) {
            if (primaryAnswers()) {
                // The primary is there, but closed this session (a fatal error, a client_encoding the driver refuses):
                // the session is gone, and so is this connection, as the wrapped driver's would be.
                return Errors.closed("Connection (the primary closed its session)");
            }
            nodes.dropPrimary();
            if (router.inTransaction() && router.transactionRoute() == Route.PRIMARY) {
                transactionLost = true;
            }
        }
        if (router.inTransaction() && router.transactionRoute() == Route.PRIMARY && nodes.primaryMovedAway()) {
            // A promotion moved the writes while this transaction was open on the old primary: it cannot go on there
            // (that node takes no writes any more) nor elsewhere (the new primary never saw its start).
            transactionLost = true;
        }
        return null;
    }

    /** Whether the server closed the primary's connection, which held this connection's session. */
    private boolean sessionLost() throws SQLException {
        Physical primary = nodes.primaryIfOpen();
        return primary != null && primary.connection.isClosed();
    }

    /**
     * Whether the same primary accepts a new connection now (asked once, when its connection was found closed): then
     * it closed this session on purpose. False when it is down, or when writes have moved to another node (failover).
     */
    private boolean primaryAnswers() {
        Physical lost = nodes.primaryIfOpen();
        try {
            NodeSpec current = cluster.currentPrimary();
            if (lost == null || !current.equals(lost.node)) {
                return false;
            }
            try (Connection probe = cluster.openPrimary(current, config)) {
                return probe != null;
            }
        } catch (SQLException e) {
            return false;
        }
    }
}
