package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.pool.NodePool;
import io.replicatedjdbc.internal.session.ServerSession;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One open physical connection and the node it leads to. Held by one logical connection for life (dedicated), or
 * lent by its node's pool to one logical connection at a time (pooled): then it keeps, across borrowers, the session
 * state it carries, so that the next borrower changes only what differs.
 */
public final class Physical implements ServerSession.Carrier {

    public final NodeSpec node;
    public final Connection connection;
    /** The pool entry it belongs to; null for a dedicated connection. */
    public final NodePool.Entry entry;
    /** For a primary: the cluster's primary epoch when it was last known to take the writes. */
    int primaryEpoch;
    /** For a SQLite replica: the identity of the file when it was opened (null: not a file), and when last checked. */
    Object fileKey;

    long fileCheckedAt;
    /** The server session state it carries (PostgreSQL), or null when not known. */
    private Map<String, String> carried;
    /** The JDBC session state it was last brought to, and that state's version then (pooled). */
    Object jdbcState;

    long jdbcVersion;
    /** Its network timeout before a borrower first changed it (pooled); null while none has. */
    Integer defaultNetworkTimeout;
    /** Set by a borrower that left state behind which the next one could not undo: closed instead of returned. */
    public boolean discardOnRelease;
    /** Physical statements of logical statements that moved on, closed by whoever next borrows the connection. */
    private final ConcurrentLinkedQueue<Statement> toClose = new ConcurrentLinkedQueue<>();

    public Physical(NodeSpec node, Connection connection) {
        this(node, connection, null);
    }

    public Physical(NodeSpec node, Connection connection, NodePool.Entry entry) {
        this.node = node;
        this.connection = connection;
        this.entry = entry;
    }

    public Route role() {
        return node.isPrimary() ? Route.PRIMARY : Route.REPLICA;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public Map<String, String> carried() {
        return carried;
    }

    @Override
    public void carried(Map<String, String> state) {
        carried = state;
    }

    /** A physical statement to close once the connection is held again (another logical connection may use it now). */
    public void closeLater(Statement statement) {
        toClose.add(statement);
    }

    /** Closes the physical statements left to close; called by the connection's borrower. */
    public void closeLeftStatements() {
        Statement statement;
        while ((statement = toClose.poll()) != null) {
            try {
                statement.close();
            } catch (SQLException | RuntimeException ignored) {
                // its connection is broken: nothing more to release
            }
        }
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
