package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.ServerSession;
import io.replicatedjdbc.internal.session.SessionState;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Brings a physical connection just borrowed from its pool to one logical connection's state: the JDBC state it
 * carries (autocommit, read-only, network timeout) by difference, what else the application set through JDBC in full,
 * and the server's session state by difference ({@link ServerSession#bringUpToDate}).
 */
public final class BorrowedState {

    private final SessionState session;
    /** Null where the server is not asked (other drivers than PgJDBC). */
    private final ServerSession serverSession;

    private final Router router;

    public BorrowedState(SessionState session, ServerSession serverSession, Router router) {
        this.session = session;
        this.serverSession = serverSession;
        this.router = router;
    }

    /** False when the connection cannot be brought to the state: the caller closes it and takes another. */
    public boolean prepare(Physical physical) throws SQLException {
        if (!transferJdbcState(physical)) {
            return false;
        }
        if (serverSession == null) {
            return true;
        }
        try {
            return serverSession.bringUpToDate(physical);
        } catch (SQLException e) {
            if (physical.node.isPrimary() || router.inTransaction()) {
                throw e;
            }
            // A replica that cannot take the session's state (a role not replayed there yet): not lent again.
            physical.discardOnRelease = true;
            serverSession.forget(physical);
            return true;
        }
    }

    /**
     * False when the connection carries state another logical connection set that cannot be undone here (what it set
     * beyond autocommit, read-only and the network timeout, or SQL session changes the server is not asked about). The
     * logical connection that set such state gets the connection back as it left it, so that one application
     * connection with a {@code PRAGMA} does not reopen its file per statement.
     */
    private boolean transferJdbcState(Physical physical) throws SQLException {
        Object last = physical.jdbcState;
        if (last == session && physical.jdbcVersion == session.version()) {
            // This logical connection used it last, and has changed nothing since: it is as it left it.
            return true;
        }
        if (last != null && last != session && !((SessionState) last).onlyPooledState(serverSession != null)) {
            return false;
        }
        physical.jdbcState = null;
        applyJdbcState(physical);
        physical.jdbcState = session;
        physical.jdbcVersion = session.version();
        return true;
    }

    private void applyJdbcState(Physical physical) throws SQLException {
        Connection c = physical.connection;
        if (!session.onlyPooledState(serverSession != null)) {
            // Applied whole; the connection then carries it until this logical connection's state is no one else's.
            session.applyTo(c);
            return;
        }
        if (session.propagatesReadOnly() && c.isReadOnly() != session.readOnly()) {
            c.setReadOnly(session.readOnly());
        }
        Integer timeout = session.networkTimeoutMillis();
        if (timeout != null || physical.defaultNetworkTimeout != null) {
            int want = timeout != null ? timeout : physical.defaultNetworkTimeout;
            int have = c.getNetworkTimeout();
            if (have != want) {
                if (physical.defaultNetworkTimeout == null) {
                    physical.defaultNetworkTimeout = have;
                }
                c.setNetworkTimeout(session.networkTimeoutExecutor(), want);
            }
        }
        if (c.getAutoCommit() != session.autoCommit()) {
            c.setAutoCommit(session.autoCommit());
        }
    }
}
