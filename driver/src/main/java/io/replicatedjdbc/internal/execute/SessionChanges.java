package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.route.Cause;
import io.replicatedjdbc.internal.route.Decision;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.ServerObservation;
import io.replicatedjdbc.internal.session.ServerSession;
import io.replicatedjdbc.internal.session.SessionAction;
import io.replicatedjdbc.internal.session.SessionState;
import io.replicatedjdbc.internal.session.TxStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Session changes: where they run, and how they reach the other physical connections. With PgJDBC a change runs once,
 * on the node that holds the session, and is read back from the server; with other drivers it runs on every open
 * connection and is recorded for those opened later (inside a transaction, only once it commits).
 */
public final class SessionChanges {

    /** A session change made inside the open transaction: it reaches the other nodes only if it commits. */
    private static final class PendingChange {
        final String setting;
        final SessionAction action;
        final Classification.SessionReset reset;

        PendingChange(String setting, SessionAction action, Classification.SessionReset reset) {
            this.setting = setting;
            this.action = action;
            this.reset = reset;
        }
    }

    private final SessionState session;
    /** Null where the server is not asked (other drivers than PgJDBC). */
    private final ServerSession serverSession;

    private final Router router;
    private final PhysicalConnections nodes;
    private final Observer observer;
    private final Liveness liveness;
    private final Journal journal;
    private final List<PendingChange> pending = new ArrayList<>();

    public SessionChanges(
            SessionState session,
            ServerSession serverSession,
            Router router,
            PhysicalConnections nodes,
            Observer observer,
            Liveness liveness,
            Journal journal) {
        this.session = session;
        this.serverSession = serverSession;
        this.router = router;
        this.nodes = nodes;
        this.observer = observer;
        this.liveness = liveness;
        this.journal = journal;
    }

    /** Runs a session change that {@code owner} issued, as the router decided. */
    public <T> T run(LogicalStatement owner, String sql, Classification c, Decision decision, PhysicalCall<T> call)
            throws SQLException {
        return serverSession != null
                ? runOnSessionHome(sql, c, decision, call)
                : runEverywhere(owner, sql, c, decision, call);
    }

    /**
     * A session change, where the server can be asked: it runs once, on the node that holds the session (the primary,
     * or the replica when the primary cannot be reached), so that anything else it does happens once; the session is
     * then read back from that node and copied to the others before they next run a statement.
     */
    private <T> T runOnSessionHome(String sql, Classification c, Decision decision, PhysicalCall<T> call)
            throws SQLException {
        Physical home = home();
        T result;
        liveness.running(home);
        try {
            result = call.run(home);
        } catch (SQLException e) {
            liveness.running(null);
            if (PhysicalConnections.isConnectionFailure(e, home)) {
                home.discardOnRelease = true;
            }
            liveness.noteSessionClosedBy(c, home);
            observer.after(home, sql, c, false);
            throw e;
        }
        liveness.running(null);
        TxStatus status = observer.after(home, sql, c, true);
        if (c.sessionReset() == Classification.SessionReset.EVERYTHING) {
            router.sessionDiscarded();
        }
        journal.served(
                sql,
                home,
                Route.ALL,
                c,
                decision.reason() + "; read back from the server and copied to this"
                        + " connection's other nodes before they next run a statement",
                status,
                Cause.SESSION);
        return result;
    }

    /**
     * The node whose session is the logical connection's: the open transaction's node, else the primary, else (the
     * primary unreachable) the replica. Brought up to date, ready for a statement or a session setter.
     */
    public Physical home() throws SQLException {
        Physical home;
        if (router.inTransaction()) {
            home = router.transactionRoute() == Route.REPLICA && nodes.currentReplica() != null
                    ? nodes.currentReplica()
                    : nodes.primary();
        } else {
            try {
                home = nodes.primary();
            } catch (SQLException primaryUnreachable) {
                home = nodes.replica();
                if (home == null) {
                    throw primaryUnreachable;
                }
            }
        }
        router.bind(home.role(), home.node.toString());
        serverSession.bringUpToDate(home);
        return home;
    }

    /**
     * A JDBC setter that the driver turns into a session setting (PgJDBC's {@code setSchema} is {@code SET
     * search_path}): it runs on the session's node and is read back from there like any SQL session change, so that
     * a later {@code RESET ALL} or {@code DISCARD ALL} undoes it everywhere, as it would on one connection.
     */
    public void onHome(SqlConsumer<Connection> change) throws SQLException {
        Physical home = home();
        try {
            change.accept(home.connection);
        } finally {
            serverSession.changed(home, null, ServerObservation.transactionStatus(home.connection));
        }
    }

    /**
     * A JDBC setter of the session (isolation, schema): with PgJDBC, on the session's node, read back from there; with
     * other drivers, on every open physical connection, and {@code record}ed for those opened later.
     */
    public void set(SqlConsumer<Connection> setter, Runnable record) throws SQLException {
        if (serverSession != null) {
            onHome(setter);
            return;
        }
        nodes.writeThrough(setter);
        record.run();
    }

    /**
     * A JDBC getter of the session: with PgJDBC, the session's node answers; with other drivers, the value recorded
     * when the application set it, else a read node.
     */
    public <T> T get(SqlFunction<Connection, T> getter, T recorded) throws SQLException {
        if (serverSession != null) {
            return getter.apply(home().connection);
        }
        return recorded != null ? recorded : getter.apply(nodes.readNode(router.isPinned()).connection);
    }

    private <T> T runEverywhere(
            LogicalStatement owner, String sql, Classification c, Decision decision, PhysicalCall<T> call)
            throws SQLException {
        List<Physical> targets = nodes.open();
        if (targets.isEmpty()) {
            targets.add(nodes.readNode(router.isPinned()));
        }
        T first = null;
        for (int i = 0; i < targets.size(); i++) {
            Physical physical = targets.get(i);
            try {
                T result = call.run(physical);
                if (i == 0) {
                    first = result;
                }
            } catch (SQLException e) {
                if (i > 0 && nodes.isReplica(physical) && PhysicalConnections.isConnectionFailure(e, physical)) {
                    nodes.dropReplica(e);
                    continue;
                }
                if (i > 0) {
                    remember(settingOf(c), owner.replayAction(sql), c.sessionReset());
                }
                throw e;
            }
        }
        remember(settingOf(c), owner.replayAction(sql), c.sessionReset());
        StringBuilder names = new StringBuilder();
        for (Physical physical : targets) {
            names.append(names.length() == 0 ? "" : ", ").append(physical.node);
        }
        journal.served(
                sql,
                targets.get(0),
                Route.ALL,
                c,
                decision.reason() + "; replayed on connections opened later",
                TxStatus.UNKNOWN,
                Cause.SESSION);
        journal.servedEverywhere(names.toString());
        return first;
    }

    /**
     * A session change that ran inside a transaction, on its node alone (other drivers): the other nodes get it only
     * if the transaction commits.
     */
    public void ranInTransaction(LogicalStatement owner, String sql, Classification c) {
        pending.add(new PendingChange(settingOf(c), owner.replayAction(sql), c.sessionReset()));
    }

    /**
     * The transaction that ran on {@code transactionRoute} ended: committed, the session changes made in it reach the
     * other open connections and those opened later; rolled back, they are forgotten.
     */
    public void transactionEnded(boolean committed, Route transactionRoute) throws SQLException {
        if (committed && !pending.isEmpty()) {
            for (Physical physical : nodes.open()) {
                if (physical.role() == transactionRoute) {
                    continue;
                }
                for (PendingChange change : pending) {
                    change.action.applyTo(physical.connection);
                }
                if (!session.autoCommit()) {
                    // Without autocommit the replay opened a transaction on that node: end it now.
                    physical.connection.commit();
                }
            }
            for (PendingChange change : pending) {
                remember(change.setting, change.action, change.reset);
            }
        }
        pending.clear();
        if (serverSession != null) {
            serverSession.transactionEnded();
        }
    }

    /** The setting a recorded session change sets, when its statement names one ({@code SET x}, {@code PRAGMA x}). */
    private static String settingOf(Classification c) {
        String reason = c.reason();
        return reason.startsWith("session state: SET ") || reason.startsWith("session state: PRAGMA ") ? reason : null;
    }

    /** Records a session change for nodes opened later; a RESET ALL or DISCARD ALL instead forgets the earlier ones. */
    private void remember(String setting, SessionAction action, Classification.SessionReset reset) {
        if (reset == Classification.SessionReset.NONE) {
            session.record(setting, action);
            return;
        }
        session.clearActions();
        if (reset == Classification.SessionReset.EVERYTHING) {
            router.sessionDiscarded();
        }
    }
}
