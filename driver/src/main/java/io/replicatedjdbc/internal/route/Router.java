package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.classify.TouchedTables;
import io.replicatedjdbc.internal.cluster.CommittedWrites;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.session.ServerSession;
import io.replicatedjdbc.internal.session.SessionState;
import io.replicatedjdbc.internal.session.TxStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The routing rules of one logical connection: a statement's classification plus the connection's state
 * (transaction, read-only flag, read-your-writes, an explicit pin) give a {@link Decision}. Holds the
 * transaction state; picks no node and opens nothing.
 *
 * <p>Transactions never move: the first statement of a transaction binds it to the primary, or, when the
 * connection is read-only, to its replica, and every later statement follows until commit or rollback.
 */
public final class Router {

    private final ReadYourWritesPolicy readYourWrites;
    private final SessionState session;
    private final boolean hasReplicas;
    private final boolean standbyRefusesSerializable;
    /** PostgreSQL's hot standbys refuse writes themselves, and fail the transaction as the primary would. */
    private final boolean standbyRefusesWrites;

    private boolean pinned;
    private String pinReason = "pinned to the primary by pinToPrimary()";
    /** Why the connection's session lives on the primary (a temporary table, LISTEN, ...), or null. */
    private String sessionPin;
    /** The node kind the open transaction runs on, or null when none is bound. */
    private Route transactionRoute;

    private String transactionNode;
    /** A transaction begun in SQL ({@code BEGIN}) while in autocommit mode. */
    private boolean sqlTransaction;

    private boolean transactionWrote;
    /**
     * What the open transaction's writes change, one entry per write shape (readYourWritesTables); null once one of them
     * may change any table.
     */
    private List<TouchedTables> transactionTables = new ArrayList<>(2);

    /** Resolves what a committed write changed against the catalog; null when tables are not told apart. */
    private WriteScopes writeScopes;

    /** What a committed write changed, as far as the catalog proves: table names, or null for any table. */
    @FunctionalInterface
    public interface WriteScopes {
        List<String> changed(TouchedTables write);
    }

    /** Writes whose tables this many shapes name count as writing any table. */
    private static final int TRANSACTION_SHAPES = 32;
    /** The session as the server reports it, where it can be asked; null where it is inferred from SQL. */
    private final ServerSession serverSession;

    public Router(Config config, SessionState session, ServerSession serverSession, CommittedWrites committedWrites) {
        this.readYourWrites = ReadYourWritesPolicy.of(config, committedWrites);
        this.session = session;
        this.serverSession = serverSession;
        this.hasReplicas = !config.replicas().isEmpty();
        this.standbyRefusesSerializable = config.dialect() == Dialect.POSTGRESQL;
        this.standbyRefusesWrites = config.dialect() == Dialect.POSTGRESQL;
    }

    /** Tells the tables of this connection's writes apart (readYourWritesTables), resolving them with {@code scopes}. */
    public void writeScopes(WriteScopes scopes) {
        this.writeScopes = scopes;
    }

    /** Whether this connection runs in autocommit mode (each statement is its own transaction). */
    public boolean autoCommit() {
        return session.autoCommit();
    }

    /** Where the statement goes now. Changes no state: {@code explain} uses it too. */
    public Decision decide(Classification c) throws SQLException {
        long now = System.nanoTime();
        if (transactionRoute != null) {
            // In a read-only transaction on a hot standby, the standby itself refuses a write with 25006 and fails the
            // transaction, as the primary does in a read-only transaction. What a standby would accept but the
            // primary's session must hold (a session advisory lock) is refused here instead.
            if (transactionRoute == Route.REPLICA && c.isWrite() && (!standbyRefusesWrites || c.pinsSession())) {
                throw Errors.writeInReadOnlyTransaction(transactionNode);
            }
            return new Decision(
                    transactionRoute, "inside " + describeTransaction() + " (" + c.reason() + ")", Cause.TRANSACTION);
        }
        if (!session.autoCommit()) {
            Decision refusal = replicaRefusal(c, now);
            if (session.readOnly() && refusal == null) {
                return new Decision(Route.REPLICA, "read-only transaction (" + c.reason() + ")", Cause.READ);
            }
            return session.readOnly()
                    ? new Decision(
                            Route.PRIMARY, "read-only transaction on the primary: " + refusal.reason(), refusal.cause())
                    : new Decision(Route.PRIMARY, "read-write transaction (" + c.reason() + ")", Cause.TRANSACTION);
        }
        if (c.route() == Route.ALL) {
            return new Decision(Route.ALL, c.reason(), Cause.SESSION);
        }
        Decision refusal = replicaRefusal(c, now);
        return refusal == null ? new Decision(Route.REPLICA, c.reason(), Cause.READ) : refusal;
    }

    /** Why a statement that may start a read-only transaction or run in autocommit cannot use a replica, or null. */
    private Decision replicaRefusal(Classification c, long now) {
        if (c.route() == Route.PRIMARY) {
            return new Decision(Route.PRIMARY, c.reason(), c.isHinted() ? Cause.HINT : Cause.CLASSIFICATION);
        }
        if (pinned) {
            return new Decision(Route.PRIMARY, pinReason, Cause.PIN);
        }
        if (sessionPin != null) {
            return new Decision(
                    Route.PRIMARY, "pinned to the primary since " + sessionPin + " (" + c.reason() + ")", Cause.PIN);
        }
        if (!hasReplicas) {
            return new Decision(Route.PRIMARY, "no replicas configured (" + c.reason() + ")", Cause.NO_REPLICAS);
        }
        if (standbyRefusesSerializable && serializable()) {
            return new Decision(
                    Route.PRIMARY,
                    "a hot standby refuses SERIALIZABLE transactions (" + c.reason() + ")",
                    Cause.SERIALIZABLE);
        }
        String pin = readYourWrites.pinReason(now);
        if (pin != null && !c.hasReplicaHint()) {
            return new Decision(Route.PRIMARY, pin + " (" + c.reason() + ")", Cause.READ_YOUR_WRITES);
        }
        return null;
    }

    /**
     * The statement is about to run on {@code served} (the decided route, or the primary after a replica
     * fallback). The first statement of a transaction binds the transaction to that node, even if it then
     * fails: the driver has begun the transaction there.
     */
    public void bind(Route served, String nodeName) {
        if (!session.autoCommit() && transactionRoute == null) {
            transactionRoute = served;
            transactionNode = nodeName;
        }
    }

    private boolean serializable() {
        Integer isolation = session.isolation();
        return (isolation != null && isolation == Connection.TRANSACTION_SERIALIZABLE)
                || (serverSession != null && serverSession.serializable());
    }

    /**
     * The statement ran (or failed) on {@code served}, whose server then reported {@code status}. In autocommit mode
     * the server's word decides whether a transaction begun in SQL is open ({@code BEGIN} in a multi-statement
     * string, {@code COMMIT AND CHAIN}, a failed transaction), where it can be asked; otherwise the statement's own
     * text does ({@code BEGIN}, {@code COMMIT}).
     */
    public void observed(Classification c, Route served, String nodeName, TxStatus status) {
        if (!session.autoCommit()) {
            return;
        }
        if (status == TxStatus.UNKNOWN) {
            if (c.txEffect() == Classification.TxEffect.BEGIN && transactionRoute == null) {
                openedInSql(served, nodeName);
            }
            return;
        }
        if (status.open()) {
            if (transactionRoute == null) {
                openedInSql(served, nodeName);
            } else if (c.txEffect() == Classification.TxEffect.END && transactionWrote) {
                // COMMIT AND CHAIN: what was written is committed, and a new transaction is open on the same node.
                committed(transactionScope());
                transactionWrote = false;
                forgetTransactionTables();
            }
        } else if (sqlTransaction) {
            transactionEnded();
        }
    }

    private void openedInSql(Route served, String nodeName) {
        sqlTransaction = true;
        transactionRoute = served;
        transactionNode = nodeName;
    }

    /** The statement ran without error; call after {@link #observed}. */
    public void completed(Classification c, Route served, String nodeName, TxStatus status) {
        if (c.pinsSession() && served == Route.PRIMARY && sessionPin == null) {
            sessionPin = c.reason();
        }
        if (served == Route.PRIMARY && possibleWrite(c)) {
            if (transactionRoute != null) {
                transactionWrote = true;
                if (writeScopes != null && transactionTables != null) {
                    TouchedTables tables = c.tables();
                    if (tables == null || transactionTables.size() >= TRANSACTION_SHAPES) {
                        transactionTables = null;
                    } else if (!transactionTables.contains(tables)) {
                        transactionTables.add(tables);
                    }
                }
            } else {
                committed(writeScopes == null || c.tables() == null ? null : writeScopes.changed(c.tables()));
            }
        }
        if (status == TxStatus.UNKNOWN && c.txEffect() == Classification.TxEffect.END) {
            transactionEnded();
        }
    }

    /**
     * Whether a statement that ran on the primary may have written. Only what the classifier proved to be a read (a
     * read that ran on the primary for lag, read-your-writes or a fallback) and transaction control cannot: a
     * statement sent to the primary by a hint or an updatable result set, unresolved functions included, counts as
     * a write, since the driver did not prove it a read.
     */
    static boolean possibleWrite(Classification c) {
        return c.isWrite() || (c.route() == Route.PRIMARY && c.txEffect() == Classification.TxEffect.NONE);
    }

    /** Whether the open transaction was begun in SQL while in autocommit mode. */
    public boolean inSqlTransaction() {
        return sqlTransaction;
    }

    /**
     * The transaction ended in SQL ({@code COMMIT}, {@code ROLLBACK}, or the server said so): counted as committed,
     * since a COMMIT of a failed transaction rolls back and the text alone does not always tell.
     */
    public void transactionEnded() {
        transactionEnded(true);
    }

    /** The transaction ended through JDBC: {@code committed} unless it was rolled back (or lost). */
    public void transactionEnded(boolean committed) {
        if (transactionWrote && committed) {
            committed(transactionScope());
        }
        transactionRoute = null;
        transactionNode = null;
        sqlTransaction = false;
        transactionWrote = false;
        forgetTransactionTables();
    }

    private void forgetTransactionTables() {
        if (transactionTables == null) {
            transactionTables = new ArrayList<>(2);
        } else if (!transactionTables.isEmpty()) {
            transactionTables.clear();
        }
    }

    /** The tables the open transaction's writes changed, as far as the catalog proves; null: any table. */
    private List<String> transactionScope() {
        if (writeScopes == null || transactionTables == null) {
            return null;
        }
        Set<String> changed = new LinkedHashSet<>();
        for (TouchedTables tables : transactionTables) {
            List<String> scope = writeScopes.changed(tables);
            if (scope == null) {
                return null;
            }
            changed.addAll(scope);
        }
        return new ArrayList<>(changed);
    }

    /** Writes that changed {@code tables} (null: any table) are committed: reads must see them. */
    private void committed(List<String> tables) {
        readYourWrites.onWrite(System.nanoTime(), tables);
    }

    /** The read-your-writes positions of this connection, when {@code readYourWrites=lsn}; else null. */
    public ReadYourWritesPolicy.Positions positions() {
        return readYourWrites instanceof ReadYourWritesPolicy.Positions
                ? (ReadYourWritesPolicy.Positions) readYourWrites
                : null;
    }

    /** Whether a transaction is open and bound to a node. */
    public boolean inTransaction() {
        return transactionRoute != null;
    }

    /** The node kind the open transaction runs on, or null. */
    public Route transactionRoute() {
        return transactionRoute;
    }

    public void pin() {
        pin("pinned to the primary by pinToPrimary()");
    }

    /** Every later statement goes to the primary until the request ends ({@link #requestEnded()}), for this reason. */
    public void pin(String reason) {
        if (!pinned) {
            pinned = true;
            pinReason = reason;
        }
    }

    /** A write that reached the primary without passing through the router (an updatable result set's updateRow). */
    public void wroteOutsideRouting() {
        if (transactionRoute != null) {
            transactionWrote = true;
            transactionTables = null;
        } else {
            committed(null);
        }
    }

    /**
     * The server says the primary's session holds objects a statement left there (a temporary table, a session lock,
     * a listener, a prepared statement or holdable cursor made by a function or a view): pinned as the statements
     * that make them openly pin.
     */
    public void sessionObjectsObserved(String reason) {
        if (sessionPin == null) {
            sessionPin = reason;
        }
    }

    /** {@code DISCARD ALL} dropped the session's temporary tables, listeners, prepared statements and locks. */
    public void sessionDiscarded() {
        sessionPin = null;
    }

    /**
     * The application's request ended ({@code Connection.endRequest()}, at the end of a pool checkout): the pins
     * that lasted only because the connection stayed open go ({@code pinToPrimary()}, {@code readYourWrites=connection});
     * the read-your-writes window, which protects against replica lag, and the pins kept by server objects that still
     * exist (a temporary table, LISTEN) stay.
     */
    public void requestEnded() {
        pinned = false;
        readYourWrites.reset();
    }

    /** Whether every statement goes to the primary until close: {@code pinToPrimary()} or a session object there. */
    public boolean isPinned() {
        return pinned || sessionPin != null;
    }

    private String describeTransaction() {
        if (sqlTransaction) {
            return "a transaction begun in SQL";
        }
        return transactionRoute == Route.REPLICA ? "a read-only transaction" : "a transaction";
    }
}
