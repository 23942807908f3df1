package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.execute.Physical;
import io.replicatedjdbc.internal.execute.SqlFunction;
import io.replicatedjdbc.internal.session.SessionAction;
import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.postgresql.fastpath.Fastpath;
import org.postgresql.jdbc.AutoSave;
import org.postgresql.jdbc.PreferQueryMode;
import org.postgresql.largeobject.LargeObjectManager;
import org.postgresql.replication.PGReplicationConnection;
import org.postgresql.util.PGobject;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * A logical connection to PostgreSQL nodes reached through PgJDBC: it implements PgJDBC's {@link PGConnection}, so
 * that casts and {@code unwrap(PGConnection.class)} work, and each call reaches the node a user would expect.
 * <ul>
 *   <li>COPY runs where its SQL would: {@code COPY ... FROM STDIN} on the primary, as a write; {@code COPY ... TO
 *   STDOUT} on a replica when it is a read, under the same rules as a SELECT.</li>
 *   <li>Large objects live on the primary, and every call there counts as a write.</li>
 *   <li>Notifications, the backend PID and the parameter status come from the node that holds the session (the
 *   primary, where {@code LISTEN} and session changes run).</li>
 *   <li>Settings of PgJDBC's connection object (prepare threshold, default fetch size, autosave, ...) reach every
 *   physical connection, including those opened later.</li>
 * </ul>
 * This class is loaded only when PgJDBC is present.
 */
final class PgLogicalConnection extends LogicalConnection implements PGConnection {

    private static final Classification LARGE_OBJECT_LOOKUP =
            Classification.primary("large object API: large objects live on the primary");
    private static final Classification LARGE_OBJECT_WRITE =
            Classification.write("large object API: large objects live on the primary");

    private PgCopyManager copy;
    private PgLargeObjectManager largeObjects;

    private PgLogicalConnection(Cluster cluster, Config config) {
        super(cluster, config);
    }

    /** Called only when PgJDBC is present; declared as the plain type so that callers need none of its classes. */
    static LogicalConnection create(Cluster cluster, Config config) {
        return new PgLogicalConnection(cluster, config);
    }

    @Override
    String serverProcess(Physical physical) {
        try {
            return " pid " + pg(physical).getBackendPID();
        } catch (SQLException | RuntimeException e) {
            return "";
        }
    }

    @Override
    SQLException asNodeDriverError(SQLException error) {
        if (error instanceof PSQLException) {
            return error;
        }
        for (PSQLState state : PSQLState.values()) {
            if (state.getState().equals(error.getSQLState())) {
                PSQLException same = new PSQLException(error.getMessage(), state, error.getCause());
                same.setStackTrace(error.getStackTrace());
                return same;
            }
        }
        return error;
    }

    static PGConnection pg(Physical physical) throws SQLException {
        return physical.connection.unwrap(PGConnection.class);
    }

    private static BaseConnection base(Physical physical) throws SQLException {
        return physical.connection.unwrap(BaseConnection.class);
    }

    // ---------------------------------------------------------------- statements that implement PGStatement

    @Override
    StatementProxy newStatement(SqlFunction<Connection, ? extends Statement> creator) {
        return new PgStatementProxy(this, creator);
    }

    @Override
    PreparedStatementProxy newPrepared(String sql, SqlFunction<Connection, ? extends PreparedStatement> creator) {
        return new PgPreparedStatementProxy(this, sql, creator);
    }

    @Override
    CallableStatementProxy newCallable(String sql, SqlFunction<Connection, ? extends CallableStatement> creator) {
        return new PgCallableStatementProxy(this, sql, creator);
    }

    // ---------------------------------------------------------------- routed APIs

    @Override
    public CopyManager getCopyAPI() throws SQLException {
        checkOpen();
        if (copy == null) {
            copy = new PgCopyManager(this, base(sessionNode()));
        }
        return copy;
    }

    @Override
    public LargeObjectManager getLargeObjectAPI() throws SQLException {
        checkOpen();
        if (largeObjects == null) {
            // Made on the primary, where PgJDBC looks up the large object functions (in the open transaction, as it
            // would do alone): it runs as a statement, so the transaction it may open there is observed.
            largeObjects = runDriverCall(
                    "large object API",
                    LARGE_OBJECT_LOOKUP,
                    physical -> new PgLargeObjectManager(this, base(physical)));
        }
        return largeObjects;
    }

    /** Runs one call of the large object API on the primary, as a write. */
    <T> T largeObjectCall(String what, LargeObjectCall<T> call) throws SQLException {
        return runDriverCall(
                "large object API: " + what, LARGE_OBJECT_WRITE, physical -> largeObjects.run(base(physical), call));
    }

    @FunctionalInterface
    interface LargeObjectCall<T> {
        T run(LargeObjectManager manager) throws SQLException;
    }

    /**
     * The primary's own fast-path API: it calls any function by OID, unseen by routing, so the request is pinned to
     * the primary until {@code endRequest()}, as after {@code unwrap} to PgJDBC's connection class.
     */
    @Override
    @SuppressWarnings("deprecation")
    public Fastpath getFastpathAPI() throws SQLException {
        return handedToApplication("Fastpath").unwrap(PGConnection.class).getFastpathAPI();
    }

    @Override
    public PGReplicationConnection getReplicationAPI() {
        try {
            return handedToApplication("PGReplicationConnection")
                    .unwrap(PGConnection.class)
                    .getReplicationAPI();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public PGNotification[] getNotifications() throws SQLException {
        return pg(sessionNode()).getNotifications();
    }

    /** Waits on the session's node without holding this connection: other threads may run statements meanwhile. */
    @Override
    public PGNotification[] getNotifications(int timeoutMillis) throws SQLException {
        return pg(sessionNode()).getNotifications(timeoutMillis);
    }

    @Override
    public Array createArrayOf(String typeName, Object elements) throws SQLException {
        return pg(sessionNode()).createArrayOf(typeName, elements);
    }

    @Override
    public String escapeIdentifier(String identifier) throws SQLException {
        return pg(sessionNode()).escapeIdentifier(identifier);
    }

    @Override
    public String escapeLiteral(String literal) throws SQLException {
        return pg(sessionNode()).escapeLiteral(literal);
    }

    /** Cancels the statement this connection runs now, on the node it runs on; nothing when none runs. */
    @Override
    public void cancelQuery() throws SQLException {
        checkOpen();
        Physical running = runningNow();
        if (running != null) {
            pg(running).cancelQuery();
        }
    }

    // ---------------------------------------------------------------- what the session's node reports

    /**
     * The process ID of the session's node (the primary, where LISTEN and session changes run); 0 when closed. Pooled,
     * the logical connection keeps its backends from then on, so that the ID stays its own.
     */
    @Override
    public int getBackendPID() {
        // The process ID names one backend, which must stay this connection's (to cancel it, to find it in the log).
        holdBackends("the application asked for the backend's process ID");
        return fromSessionNode(node -> node.getBackendPID(), 0);
    }

    /**
     * The parameter status the session's node reported (the primary's: {@code in_hot_standby} is {@code off},
     * {@code server_version} is the primary's). Session settings reported there ({@code TimeZone},
     * {@code application_name}, ...) are the same on every node, which gets them before its next statement.
     */
    @Override
    public Map<String, String> getParameterStatuses() {
        return fromSessionNode(node -> node.getParameterStatuses(), Collections.emptyMap());
    }

    @Override
    public String getParameterStatus(String name) {
        return fromSessionNode(node -> node.getParameterStatus(name), null);
    }

    @Override
    public PreferQueryMode getPreferQueryMode() {
        return fromSessionNode(node -> node.getPreferQueryMode(), PreferQueryMode.EXTENDED);
    }

    private PGConnection sessionNodeQuietly() {
        Physical node = sessionNodeIfOpen();
        try {
            return node == null ? null : pg(node);
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * What PgJDBC's connection object answers on the session's node: the one held, or (pooled, nothing held) one
     * borrowed for the moment; {@code none} when no node can be had (closed, unreachable).
     */
    private <T> T fromSessionNode(SqlFunction<PGConnection, T> getter, T none) {
        try {
            PGConnection held = sessionNodeQuietly();
            if (held != null) {
                return getter.apply(held);
            }
            return atSessionNode(node -> getter.apply(pg(node)));
        } catch (SQLException e) {
            return none;
        }
    }

    // ---------------------------------------------------------------- settings of PgJDBC's connection object

    @Override
    public void setPrepareThreshold(int threshold) {
        driverSettingUnchecked(
                "prepareThreshold", c -> c.unwrap(PGConnection.class).setPrepareThreshold(threshold));
    }

    @Override
    public int getPrepareThreshold() {
        return fromSessionNode(node -> node.getPrepareThreshold(), 5);
    }

    @Override
    public void setDefaultFetchSize(int fetchSize) throws SQLException {
        checkOpen();
        // PgJDBC checks the value: asked first on one node, so that a bad one changes nothing.
        pg(sessionNode()).setDefaultFetchSize(fetchSize);
        driverSetting("defaultFetchSize", c -> c.unwrap(PGConnection.class).setDefaultFetchSize(fetchSize));
    }

    @Override
    public int getDefaultFetchSize() {
        return fromSessionNode(node -> node.getDefaultFetchSize(), 0);
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        pg(sessionNode()).setQueryTimeout(seconds);
        driverSetting("queryTimeout", c -> c.unwrap(PGConnection.class).setQueryTimeout(seconds));
    }

    @Override
    public int getQueryTimeout() {
        return fromSessionNode(node -> node.getQueryTimeout(), 0);
    }

    @Override
    public AutoSave getAutosave() {
        return fromSessionNode(node -> node.getAutosave(), AutoSave.NEVER);
    }

    @Override
    public void setAutosave(AutoSave autoSave) {
        driverSettingUnchecked("autosave", c -> c.unwrap(PGConnection.class).setAutosave(autoSave));
    }

    @Override
    public void setAdaptiveFetch(boolean adaptiveFetch) {
        driverSettingUnchecked(
                "adaptiveFetch", c -> c.unwrap(PGConnection.class).setAdaptiveFetch(adaptiveFetch));
    }

    @Override
    public boolean getAdaptiveFetch() {
        return fromSessionNode(node -> node.getAdaptiveFetch(), false);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void addDataType(String type, String className) {
        driverSettingUnchecked("type " + type, c -> c.unwrap(PGConnection.class).addDataType(type, className));
    }

    @Override
    public void addDataType(String type, Class<? extends PGobject> klass) throws SQLException {
        driverSetting("type " + type, c -> c.unwrap(PGConnection.class).addDataType(type, klass));
    }

    /** For PgJDBC's setters that declare no SQLException: they only set a field of each physical connection. */
    private void driverSettingUnchecked(String name, SessionAction setting) {
        try {
            driverSetting(name, setting);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
