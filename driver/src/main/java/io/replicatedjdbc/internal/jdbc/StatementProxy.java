package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.execute.LogicalStatement;
import io.replicatedjdbc.internal.execute.Physical;
import io.replicatedjdbc.internal.execute.PhysicalCall;
import io.replicatedjdbc.internal.execute.SqlConsumer;
import io.replicatedjdbc.internal.execute.SqlFunction;
import io.replicatedjdbc.internal.session.SessionAction;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A logical statement. It holds at most one physical statement per physical connection it ran on, created when it
 * first runs there and given the settings recorded here, and at most {@link #MAX_HELD} of them (pooled connections
 * change between executions; the least recently made goes first), so that a server-prepared statement is reused
 * whenever an execution lands on a connection it ran on before. Each execution is routed by the connection; this class
 * holds no routing logic.
 */
class StatementProxy implements Statement, LogicalStatement {

    /** A physical statement and the physical connection it belongs to. */
    static final class Held {
        final Physical physical;
        final Statement statement;
        /** The parameter version last applied to this physical statement (prepared statements). */
        long parametersVersion = -1;

        Held(Physical physical, Statement statement) {
            this.physical = physical;
            this.statement = statement;
        }
    }

    static final Classification BATCH = Classification.write("batch");
    /** Rows read through an updatable result set are changed where they were read: on the primary. */
    private static final Classification UPDATABLE = Classification.primary(
            "updatable result set: its updateRow, insertRow and deleteRow write where the rows were read");

    final LogicalConnection connection;
    private final SqlFunction<Connection, ? extends Statement> creator;

    /** Links of its logical connection's list of open statements ({@link OpenStatements}), guarded by the list. */
    StatementProxy previousOpen;

    StatementProxy nextOpen;
    boolean listedOpen;

    /** The most physical statements one logical statement keeps. */
    static final int MAX_HELD = 4;
    /** Its physical statements, the oldest first. */
    private final List<Held> made = new ArrayList<>(2);

    private volatile Held current;
    private boolean updatable;
    private ResultSetProxy currentResultSet;
    private volatile boolean closed;
    private boolean closeOnCompletion;
    private final List<String> batch = new ArrayList<>();

    private Integer fetchSize;
    private Integer fetchDirection;
    private Integer maxRows;
    private Long largeMaxRows;
    private Integer maxFieldSize;
    private Integer queryTimeout;
    private Boolean escapeProcessing;
    private Boolean poolable;
    private String cursorName;
    /** Settings of the wrapped driver's own statement interface (PgJDBC's prepare threshold, ...), by name. */
    private Map<String, SqlConsumer<Statement>> driverSettings;

    private Map<String, Integer> driverValues;

    StatementProxy(LogicalConnection connection, SqlFunction<Connection, ? extends Statement> creator) {
        this.connection = connection;
        this.creator = creator;
    }

    // ---------------------------------------------------------------- physical statements

    /**
     * The physical statement for this physical connection, created and configured on first use. It becomes the
     * current one at once, so that {@link #cancel()} from another thread reaches a statement while it runs.
     */
    final Held held(Physical physical) throws SQLException {
        Held held = holder(physical);
        current = held;
        return held;
    }

    /** The physical statement for this physical connection, created and configured on first use; current unchanged. */
    private Held holder(Physical physical) throws SQLException {
        Held existing = find(physical);
        if (existing != null) {
            return existing;
        }
        Statement statement = creator.apply(physical.connection);
        try {
            applySettings(statement);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(statement);
            throw e;
        }
        Held created = new Held(physical, statement);
        // Statements on connections that are gone are dropped; beyond the bound, the oldest goes.
        for (int i = made.size() - 1; i >= 0; i--) {
            if (isGone(made.get(i).physical)) {
                release(made.remove(i));
            }
        }
        if (made.size() >= MAX_HELD) {
            release(made.remove(0));
        }
        made.add(created);
        return created;
    }

    /** This statement's physical statement on {@code physical}, or null. */
    private Held find(Physical physical) {
        for (int i = made.size() - 1; i >= 0; i--) {
            Held h = made.get(i);
            if (h.physical == physical) {
                return h;
            }
        }
        return null;
    }

    private static boolean isGone(Physical physical) {
        try {
            return physical.connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * Closes a physical statement: now, when its connection is this logical connection's (or its own, dedicated), or
     * idle in its pool; else when its connection is next borrowed, since another logical connection is using it now.
     */
    private void release(Held h) {
        if (h.physical.entry == null || connection.isInUse(h.physical)) {
            closeQuietly(h.statement);
        } else if (!h.physical.entry.pool().runIfIdle(h.physical.entry, () -> closeQuietly(h.statement))) {
            h.physical.closeLater(h.statement);
        }
    }

    /**
     * Makes the physical statement on {@code physical} now, as the node's driver makes its statement when the
     * application asks for one: its checks (of the SQL, and later of each parameter or batch entry, written through to
     * it) then happen at the moment they would without this driver, and its getters answer as its own. A physical
     * connection found broken only leaves the statement to be made when it runs.
     */
    final void makeOn(Physical physical) throws SQLException {
        try {
            held(physical).parametersVersion = parametersVersionOfANewStatement();
        } catch (SQLException e) {
            if (!physical.connection.isClosed()) {
                throw e;
            }
        }
    }

    /**
     * The physical statements a setting goes to now. With PgJDBC one is made first if there is none (on the node the
     * statement would most likely use), so that PgJDBC checks the value at the call and its error is the one raised.
     */
    private List<Held> settingTargets() throws SQLException {
        if (made.isEmpty() && connection.validatesAtOnce()) {
            connection.makeNow(this, null);
        }
        return helds();
    }

    /** The parameter version a physical statement made now carries: none applied yet. */
    long parametersVersionOfANewStatement() {
        return -1;
    }

    /**
     * The physical statement that ran last, or that was made when the statement was, if its connection is still the
     * one in use there: setters and batch entries are written through to it. Null when there is none.
     */
    final Held liveCurrent() {
        Held held = current;
        if (held == null) {
            return null;
        }
        // Pooled, its connection may be lent to another logical connection now: the statement object is still this
        // one's, and PgJDBC checks and keeps parameters in it without the connection.
        return connection.isInUse(held.physical) || (held.physical.entry != null && !isGone(held.physical))
                ? held
                : null;
    }

    private void applySettings(Statement statement) throws SQLException {
        if (fetchSize != null) {
            statement.setFetchSize(fetchSize);
        }
        if (fetchDirection != null) {
            statement.setFetchDirection(fetchDirection);
        }
        if (maxRows != null) {
            statement.setMaxRows(maxRows);
        }
        if (largeMaxRows != null) {
            statement.setLargeMaxRows(largeMaxRows);
        }
        if (maxFieldSize != null) {
            statement.setMaxFieldSize(maxFieldSize);
        }
        if (queryTimeout != null) {
            statement.setQueryTimeout(queryTimeout);
        }
        if (escapeProcessing != null) {
            statement.setEscapeProcessing(escapeProcessing);
        }
        if (poolable != null) {
            statement.setPoolable(poolable);
        }
        if (cursorName != null) {
            statement.setCursorName(cursorName);
        }
        if (driverSettings != null) {
            for (SqlConsumer<Statement> setting : driverSettings.values()) {
                setting.accept(statement);
            }
        }
    }

    /**
     * A setting of the wrapped driver's statement interface: applied to the physical statements made so far, and
     * recorded for those made later.
     */
    final void driverSetting(String name, int value, SqlConsumer<Statement> setting) throws SQLException {
        checkOpen();
        for (Held held : helds()) {
            setting.accept(held.statement);
        }
        if (driverSettings == null) {
            driverSettings = new LinkedHashMap<>();
            driverValues = new HashMap<>();
        }
        driverSettings.put(name, setting);
        driverValues.put(name, value);
    }

    /** The value last given to a setting of the wrapped driver's statement interface, or null. */
    final Integer driverValue(String name) {
        return driverValues == null ? null : driverValues.get(name);
    }

    final List<Held> helds() {
        return new ArrayList<>(made);
    }

    /** Marks a statement created with {@code CONCUR_UPDATABLE}: its reads run on the primary. */
    final <S extends StatementProxy> S updatable(int concurrency) {
        updatable = concurrency == ResultSet.CONCUR_UPDATABLE;
        @SuppressWarnings("unchecked")
        S self = (S) this;
        return self;
    }

    /**
     * The physical connection the last execution's results are read from, until they are closed, the statement runs
     * again or closes; null when it left none.
     */
    private volatile Physical resultsOn;

    /** Whether the last execution's results are still to be read (see {@link #resultsOn(Physical)}). */
    @Override
    public final boolean hasResults() {
        return resultsOn != null;
    }

    /** The last execution left results to read on {@code physical}. */
    @Override
    public final void resultsOn(Physical physical) {
        resultsOn = physical;
    }

    /** Whether a result set of this statement, read from {@code physical}, is still open (or not yet fetched). */
    @Override
    public final boolean readingFrom(Physical physical) {
        ResultSetProxy open = currentResultSet;
        if (open == null) {
            return resultsOn == physical && physical != null;
        }
        if (open.closedHere()) {
            return false;
        }
        if (resultsOn == physical && physical != null) {
            return true;
        }
        Held held = current;
        try {
            return held != null && held.physical == physical && !open.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** The physical statement that served the last execution, or null. */
    final Held currentHeld() {
        return current;
    }

    /** Routes and runs one execution; afterwards the physical statement that served it is the current one. */
    final <T> T route(String sql, Classification c, PhysicalCall<T> call) throws SQLException {
        checkOpen();
        currentResultSet = null;
        resultsOn = null;
        T result = connection.path().run(this, sql, updatable && c.route() == Route.REPLICA ? UPDATABLE : c, call);
        Physical served = connection.lastServed();
        Held ran = find(served);
        if (ran != null) {
            current = ran;
        }
        return result;
    }

    final ResultSet wrap(ResultSet resultSet) {
        if (resultSet == null) {
            return null;
        }
        ResultSetProxy proxy = new ResultSetProxy(resultSet, this);
        currentResultSet = proxy;
        return proxy;
    }

    /** How to run this session change again on a connection opened later. */
    @Override
    public SessionAction replayAction(String sql) {
        return physicalConnection -> {
            try (Statement statement = physicalConnection.createStatement()) {
                statement.execute(sql);
            }
        };
    }

    final void checkOpen() throws SQLException {
        if (closed) {
            // Closed with its connection: the connection's 08003, as PgJDBC answers then; closed alone: 55000.
            throw connection.asNodeDriverError(
                    connection.closedFlag() ? Errors.closed("Connection") : Errors.statementClosed());
        }
        connection.checkOpen();
    }

    // ---------------------------------------------------------------- execution

    private Classification classify(String sql) throws SQLException {
        checkOpen();
        if (sql == null) {
            throw Errors.nullSql();
        }
        return connection.classify(sql);
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        return wrap(route(sql, classify(sql), p -> held(p).statement.executeQuery(sql)));
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.executeUpdate(sql));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.executeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.executeUpdate(sql, columnIndexes));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.executeUpdate(sql, columnNames));
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.executeLargeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.executeLargeUpdate(sql, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.executeLargeUpdate(sql, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.executeLargeUpdate(sql, columnNames));
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.execute(sql));
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.execute(sql, autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.execute(sql, columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return route(sql, classify(sql), p -> held(p).statement.execute(sql, columnNames));
    }

    // Batches always run on the primary: the SQL is kept here and handed over when the batch runs.

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        // Batches run on the primary: the entry is handed to the primary's statement at once, so that its driver
        // checks it now (PgJDBC refuses some at addBatch), as it would alone.
        Physical primary = connection.validatesAtOnce() ? connection.primaryForBatch() : null;
        if (primary != null) {
            Held held = holder(primary);
            if (batchIn != held) {
                for (String earlier : batch) {
                    held.statement.addBatch(earlier);
                }
                batchIn = held;
            }
            held.statement.addBatch(sql);
        }
        batch.add(sql);
    }

    /** The physical statement that holds the batch's entries already, or null. */
    private Held batchIn;

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
        Held held = batchIn;
        batchIn = null;
        if (held != null && connection.isInUse(held.physical)) {
            held.statement.clearBatch();
        }
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return route(batchText(), batchClassification(), p -> fillBatch(p).executeBatch());
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        return route(batchText(), batchClassification(), p -> fillBatch(p).executeLargeBatch());
    }

    /** A batch runs on the primary; one holding a session change ({@code SET} among the inserts) also changes the session. */
    private Classification batchClassification() throws SQLException {
        checkOpen();
        for (String sql : batch) {
            if (connection.classify(sql).changesSession()) {
                return BATCH.withSessionChange();
            }
        }
        return BATCH;
    }

    private String batchText() {
        return batch.isEmpty() ? null : String.join(";\n", batch);
    }

    /** Hands the recorded batch to the physical statement; the batch is cleared, as JDBC requires, even on error. */
    Statement fillBatch(Physical physical) throws SQLException {
        Held held = held(physical);
        Statement statement = held.statement;
        List<String> entries = new ArrayList<>(batch);
        boolean there = batchIn == held;
        batch.clear();
        batchIn = null;
        if (!there) {
            for (String sql : entries) {
                statement.addBatch(sql);
            }
        }
        return statement;
    }

    // ---------------------------------------------------------------- results of the last execution

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        Held held = current;
        if (held == null) {
            return null;
        }
        ResultSet resultSet = held.statement.getResultSet();
        if (resultSet == null) {
            return null;
        }
        if (currentResultSet != null && currentResultSet.delegate() == resultSet) {
            return currentResultSet;
        }
        return wrap(resultSet);
    }

    @Override
    public int getUpdateCount() throws SQLException {
        checkOpen();
        Held held = current;
        return held == null ? -1 : held.statement.getUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        Held held = current;
        return held == null ? -1 : held.statement.getLargeUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        checkOpen();
        Held held = current;
        currentResultSet = null;
        return held != null && held.statement.getMoreResults();
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        checkOpen();
        Held held = this.current;
        currentResultSet = null;
        return held != null && held.statement.getMoreResults(current);
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        Held held = current;
        if (held == null && connection.validatesAtOnce()) {
            // PgJDBC answers with no keys: so does its statement, made now.
            settingTargets();
            held = current;
        }
        if (held == null) {
            throw Errors.wrongState("getGeneratedKeys() before any statement of this Statement ran");
        }
        return new ResultSetProxy(held.statement.getGeneratedKeys(), this);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        Held held = current;
        return held == null ? null : held.statement.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        for (Held held : helds()) {
            held.statement.clearWarnings();
        }
    }

    /** Cancels whatever physical statement runs now; may be called from another thread. */
    @Override
    public void cancel() throws SQLException {
        if (closed) {
            // As PgJDBC: cancelling a closed statement does nothing.
            return;
        }
        Held held = current;
        if (held != null) {
            held.statement.cancel();
        }
    }

    // ---------------------------------------------------------------- settings: recorded, written through

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (!connection.validatesAtOnce() && rows < 0) {
            throw connection.asNodeDriverError(Errors.badOption("fetchSize", String.valueOf(rows), "0 or more"));
        }
        for (Held held : settingTargets()) {
            held.statement.setFetchSize(rows);
        }
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize != null ? fetchSize : current != null ? current.statement.getFetchSize() : 0;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != ResultSet.FETCH_FORWARD
                && direction != ResultSet.FETCH_REVERSE
                && direction != ResultSet.FETCH_UNKNOWN) {
            throw connection.asNodeDriverError(Errors.badOption(
                    "fetchDirection",
                    String.valueOf(direction),
                    "ResultSet.FETCH_FORWARD, FETCH_REVERSE or FETCH_UNKNOWN"));
        }
        for (Held held : settingTargets()) {
            held.statement.setFetchDirection(direction);
        }
        fetchDirection = direction;
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection != null ? fetchDirection : ResultSet.FETCH_FORWARD;
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        checkOpen();
        if (!connection.validatesAtOnce() && max < 0) {
            throw connection.asNodeDriverError(Errors.badOption("maxRows", String.valueOf(max), "0 or more"));
        }
        for (Held held : settingTargets()) {
            held.statement.setMaxRows(max);
        }
        maxRows = max;
        largeMaxRows = null;
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        if (largeMaxRows != null) {
            return (int) Math.min(Integer.MAX_VALUE, largeMaxRows);
        }
        return maxRows != null ? maxRows : 0;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        if (!connection.validatesAtOnce() && max < 0) {
            throw connection.asNodeDriverError(Errors.badOption("largeMaxRows", String.valueOf(max), "0 or more"));
        }
        for (Held held : settingTargets()) {
            held.statement.setLargeMaxRows(max);
        }
        largeMaxRows = max;
        maxRows = null;
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return largeMaxRows != null ? largeMaxRows : maxRows != null ? maxRows : 0;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        if (!connection.validatesAtOnce() && max < 0) {
            throw connection.asNodeDriverError(Errors.badOption("maxFieldSize", String.valueOf(max), "0 or more"));
        }
        for (Held held : settingTargets()) {
            held.statement.setMaxFieldSize(max);
        }
        maxFieldSize = max;
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return maxFieldSize != null ? maxFieldSize : 0;
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (!connection.validatesAtOnce() && seconds < 0) {
            throw connection.asNodeDriverError(
                    Errors.badOption("queryTimeout", String.valueOf(seconds), "0 or more seconds"));
        }
        for (Held held : settingTargets()) {
            held.statement.setQueryTimeout(seconds);
        }
        queryTimeout = seconds;
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return queryTimeout != null ? queryTimeout : 0;
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        for (Held held : settingTargets()) {
            held.statement.setEscapeProcessing(enable);
        }
        escapeProcessing = enable;
    }

    @Override
    public void setPoolable(boolean value) throws SQLException {
        checkOpen();
        for (Held held : settingTargets()) {
            held.statement.setPoolable(value);
        }
        poolable = value;
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable != null ? poolable : defaultPoolable();
    }

    /** JDBC: plain statements are not poolable by default, prepared and callable ones are. */
    boolean defaultPoolable() {
        return false;
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        for (Held held : settingTargets()) {
            held.statement.setCursorName(name);
        }
        cursorName = name;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return describingStatement().getResultSetConcurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        return describingStatement().getResultSetType();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return describingStatement().getResultSetHoldability();
    }

    /** A physical statement that can answer questions about how this statement was created. */
    private Statement describingStatement() throws SQLException {
        checkOpen();
        Held describing = current != null ? current : made.isEmpty() ? null : made.get(made.size() - 1);
        if (describing == null) {
            connection.makeNow(this, Classification.read("describe statement"));
            describing = current;
        }
        return describing.statement;
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    /** A result set of this statement was closed: with closeOnCompletion, the statement closes with it. */
    void resultSetClosed(ResultSetProxy resultSet) throws SQLException {
        if (resultSet == currentResultSet && resultsOn != null) {
            resultsOn = null;
            connection.resultsDone();
        }
        if (closeOnCompletion && resultSet == currentResultSet && !closed) {
            close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closeFromConnection();
        connection.forget(this);
    }

    void closeFromConnection() throws SQLException {
        closed = true;
        resultsOn = null;
        SQLException failure = null;
        for (Held h : helds()) {
            if (h.physical.entry != null && !connection.isInUse(h.physical)) {
                release(h);
                continue;
            }
            try {
                h.statement.close();
            } catch (SQLException e) {
                failure = Errors.chain(failure, e);
            }
        }
        made.clear();
        current = null;
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(Statement statement) {
        try {
            statement.close();
        } catch (SQLException | RuntimeException ignored) {
            // its connection is gone or broken: nothing more to release
        }
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return describingStatement().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || describingStatement().isWrapperFor(iface);
    }
}
