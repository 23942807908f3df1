package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.SessionState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The ends of a logical connection's transactions (commit, rollback, autocommit switched on), its savepoints and its
 * read-only flag: on the transaction's node first, so that a failure there reaches the caller before anything else
 * changes, then on the others. Called under the logical connection's lock, on an open connection.
 */
public final class Transactions {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc");

    private final SessionState session;
    private final Router router;
    private final PhysicalConnections nodes;
    private final StatementPath path;

    public Transactions(SessionState session, Router router, PhysicalConnections nodes, StatementPath path) {
        this.session = session;
        this.router = router;
        this.nodes = nodes;
        this.path = path;
    }

    public void setAutoCommit(boolean autoCommit) throws SQLException {
        if (autoCommit == session.autoCommit()) {
            return;
        }
        if (path.liveness().transactionLost()) {
            // Switching autocommit on would commit it: it is gone, so the switch says so, as commit() would.
            path.liveness().transactionLostEnded();
            nodes.open().forEach(physical -> endQuietly(physical, c -> c.setAutoCommit(autoCommit)));
            session.autoCommit(autoCommit);
            ended(false);
            throw Errors.transactionLost();
        }
        // Switching autocommit on commits the open transaction (JDBC).
        endOnEveryNode(c -> c.setAutoCommit(autoCommit));
        session.autoCommit(autoCommit);
        if (autoCommit) {
            ended(true);
        }
    }

    public void commit() throws SQLException {
        if (session.autoCommit()) {
            throw Errors.noTransaction("Cannot commit when autoCommit is enabled");
        }
        if (path.liveness().transactionLost()) {
            path.liveness().transactionLostEnded();
            ended(false);
            throw Errors.transactionLost();
        }
        endOnEveryNode(Connection::commit);
        ended(true);
    }

    public void rollback() throws SQLException {
        if (session.autoCommit()) {
            throw Errors.noTransaction("Cannot rollback when autoCommit is enabled");
        }
        if (path.liveness().transactionLost()) {
            // Nothing to roll back: the transaction went with the primary's connection.
            path.liveness().transactionLostEnded();
            ended(false);
            return;
        }
        endOnEveryNode(Connection::rollback);
        ended(false);
    }

    /**
     * Sets the read-only flag: on the transaction's node first (inside a transaction the wrapped driver refuses the
     * change, PgJDBC with 25001, and then nothing changes anywhere, as on one connection), then on the others.
     */
    public void setReadOnly(boolean readOnly) throws SQLException {
        if (session.propagatesReadOnly()) {
            Physical transaction = physicalIfOpen();
            if (transaction != null) {
                transaction.connection.setReadOnly(readOnly);
            }
            for (Physical physical : nodes.open()) {
                if (physical != transaction) {
                    physical.connection.setReadOnly(readOnly);
                }
            }
        }
        session.readOnly(readOnly);
    }

    /** The physical connection of the open transaction, binding one as its first statement would (a savepoint). */
    public Physical physical() throws SQLException {
        Physical physical = path.placement().physicalFor(Classification.followsTransaction("savepoint"));
        router.bind(physical.role(), physical.node.toString());
        return physical;
    }

    /** The physical connection the open transaction is bound to, or null when none is bound. */
    public Physical physicalIfOpen() {
        if (!router.inTransaction()) {
            return null;
        }
        for (Physical physical : nodes.open()) {
            if (physical.role() == router.transactionRoute()) {
                return physical;
            }
        }
        return null;
    }

    /** Ends the transaction on its node, then quietly on the others, which have nothing of the application's to end. */
    private void endOnEveryNode(SqlConsumer<Connection> end) throws SQLException {
        Physical transaction = physicalIfOpen();
        if (transaction != null) {
            end.accept(transaction.connection);
        }
        for (Physical physical : nodes.open()) {
            if (physical != transaction) {
                endQuietly(physical, end);
            }
        }
    }

    /**
     * Ends whatever a node outside the transaction has open (a look-up of function volatility, say). It wrote nothing
     * for the application, so a failure there must not be reported after the transaction's own node has committed: a
     * replica that fails is dropped, a primary's failure is reported when it is next used.
     */
    private void endQuietly(Physical physical, SqlConsumer<Connection> end) {
        try {
            end.accept(physical.connection);
        } catch (SQLException e) {
            LOG.log(Level.FINE, "Ending " + physical.node + " outside the transaction failed: " + e.getMessage());
            if (nodes.isReplica(physical)) {
                nodes.dropReplica(e);
            }
        }
    }

    private void ended(boolean committed) throws SQLException {
        Route transactionRoute = router.transactionRoute();
        // A rolled-back transaction wrote nothing that later reads must wait for.
        router.transactionEnded(committed);
        path.sessionChanges().transactionEnded(committed, transactionRoute);
        path.releaseUnneeded();
    }
}
