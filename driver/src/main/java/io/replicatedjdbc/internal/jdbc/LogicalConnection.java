package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.ReadYourWritesCounters;
import io.replicatedjdbc.ReplicatedConfigurationMXBean;
import io.replicatedjdbc.ReplicatedConnection;
import io.replicatedjdbc.RoutingDecision;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.execute.BorrowedState;
import io.replicatedjdbc.internal.execute.Host;
import io.replicatedjdbc.internal.execute.Journal;
import io.replicatedjdbc.internal.execute.Leases;
import io.replicatedjdbc.internal.execute.Liveness;
import io.replicatedjdbc.internal.execute.Physical;
import io.replicatedjdbc.internal.execute.PhysicalCall;
import io.replicatedjdbc.internal.execute.PhysicalConnections;
import io.replicatedjdbc.internal.execute.Placement;
import io.replicatedjdbc.internal.execute.Readiness;
import io.replicatedjdbc.internal.execute.SessionChanges;
import io.replicatedjdbc.internal.execute.SqlFunction;
import io.replicatedjdbc.internal.execute.StatementPath;
import io.replicatedjdbc.internal.execute.Transactions;
import io.replicatedjdbc.internal.pool.NodePool;
import io.replicatedjdbc.internal.pool.NodePools;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.ServerObservation;
import io.replicatedjdbc.internal.session.ServerSession;
import io.replicatedjdbc.internal.session.SessionAction;
import io.replicatedjdbc.internal.session.SessionState;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One logical connection: its JDBC surface and its state. Dedicated, it holds a primary and a replica connection, each
 * opened on first use; pooled, it borrows them per statement. The statement wrappers hand their physical calls to the
 * {@link StatementPath}, which routes them in stages; transaction ends and session setters are here.
 *
 * <p>Like the drivers it wraps, a logical connection is meant for one thread at a time; only
 * {@link Statement#cancel()} may come from another thread.
 */
public class LogicalConnection implements ReplicatedConnection {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc");

    private final Cluster cluster;
    private final Config config;
    private final SessionState session;
    private final Router router;
    /**
     * The session as PostgreSQL reports it (PgJDBC present): read back after changes and copied to the other nodes.
     * Null where the session can only be recorded from the SQL that passes through (SQLite, other drivers).
     */
    private final ServerSession serverSession;

    private final PhysicalConnections nodes;
    private final Liveness liveness;
    private final Placement placement;
    private final Readiness readiness;
    private final Journal journal;
    private final SessionChanges sessionChanges;
    private final StatementPath path;
    private final Transactions transactions;
    /** The node pools this connection borrows from ({@code connectionMode=pooled}), or null. */
    private final NodePools pools;
    /** What keeps a borrowed connection with this logical connection (pooled), or null. */
    private final Leases leases;

    private final OpenStatements statements = new OpenStatements();
    /**
     * Statements and session changes of one logical connection run one at a time, as on one PgJDBC connection, so that
     * threads sharing it (JDBC allows it) see consistent routing and session state. {@code cancel()}, {@code close()}
     * and {@code abort()} do not wait for it: they must reach a statement while it runs.
     */
    private final ReentrantLock lock = new ReentrantLock();

    public LogicalConnection(Cluster cluster, Config config) {
        this.cluster = cluster;
        this.config = config;
        // sqlite-jdbc takes the read-only flag only when a connection opens; for SQLite it only routes.
        this.session = new SessionState(config.dialect() != Dialect.SQLITE);
        this.serverSession = observesServer(config) ? new ServerSession() : null;
        this.router = new Router(config, session, serverSession, cluster.committedWrites());
        this.pools = config.pool().pooled() ? cluster.acquirePools(config) : null;
        BorrowedState borrowed = new BorrowedState(session, serverSession, router);
        this.nodes = new PhysicalConnections(cluster, config, session, pools, borrowed::prepare);
        this.leases = pools == null ? null : new Leases(router, nodes, serverSession);
        Host host = new Host() {
            @Override
            public void checkOpen() throws SQLException {
                LogicalConnection.this.checkOpen();
            }

            @Override
            public void closeQuietly() {
                LogicalConnection.this.closeQuietly();
            }
        };
        this.path = new StatementPath(
                cluster,
                config,
                session,
                serverSession,
                router,
                nodes,
                leases,
                lock,
                host,
                this::readingFrom,
                this::serverProcess);
        this.liveness = path.liveness();
        this.placement = path.placement();
        this.readiness = path.readiness();
        this.journal = path.journal();
        this.sessionChanges = path.sessionChanges();
        this.transactions = new Transactions(session, router, nodes, path);
    }

    /** The path the statements of this connection take. */
    StatementPath path() {
        return path;
    }

    /**
     * Opens a logical connection as the wrapped driver would open one: the primary is connected at once, so that a
     * wrong password, an unknown database or a dead primary fails here with the server's own error. When the primary
     * cannot be reached (SQLState class 08) a replica is opened instead: reads keep working and writes fail with
     * 08001 naming the primary. Pooled, once the primary's pool holds connections of this configuration (which took
     * its credentials), opening borrows nothing, as a pool hands out a connection it holds.
     */
    public static LogicalConnection open(Cluster cluster, Config config) throws SQLException {
        // With PgJDBC present, the connection and its statements also implement PgJDBC's extension interfaces; its
        // classes are named only there, so that the driver loads without PgJDBC.
        LogicalConnection connection = observesServer(config)
                ? PgLogicalConnection.create(cluster, config)
                : new LogicalConnection(cluster, config);
        try {
            cluster.checkDrivers();
        } catch (SQLException notConfigured) {
            connection.close();
            throw notConfigured;
        }
        cluster.warnAboutUnknownOptions();
        if (connection.nodes.primaryPooledAlready()) {
            return connection;
        }
        try {
            connection.nodes.primary();
        } catch (SQLException primaryFailure) {
            if (!"08001".equals(primaryFailure.getSQLState())
                    || primaryFailure instanceof NodePool.Unavailable
                    || connection.nodes.replica() == null) {
                connection.close();
                throw primaryFailure;
            }
        }
        // Pooled: the node answered (and took the credentials); its connection goes back until a statement needs it.
        connection.releaseUnneeded();
        return connection;
    }

    /** Whether the nodes are PostgreSQL servers reached through PgJDBC, so that their sessions can be observed. */
    private static boolean observesServer(Config config) {
        return config.primary().jdbcUrl().startsWith("jdbc:postgresql:") && ServerObservation.pgJdbcPresent();
    }

    /** A logical statement; with PgJDBC present, one that also implements its statement interface. */
    StatementProxy newStatement(SqlFunction<Connection, ? extends Statement> creator) {
        return new StatementProxy(this, creator);
    }

    PreparedStatementProxy newPrepared(String sql, SqlFunction<Connection, ? extends PreparedStatement> creator) {
        return new PreparedStatementProxy(this, sql, creator);
    }

    CallableStatementProxy newCallable(String sql, SqlFunction<Connection, ? extends CallableStatement> creator) {
        return new CallableStatementProxy(this, sql, creator);
    }

    // ---------------------------------------------------------------- routing

    /** Classifies SQL as the session's server will lex it (see {@link Placement#classify}). */
    Classification classify(String sql) {
        return placement.classify(sql);
    }

    // ---------------------------------------------------------------- pooled physical connections

    /** Pooled: gives back the physical connections this logical connection does not need now (see {@link Leases}). */
    void releaseUnneeded() {
        path.releaseUnneeded();
    }

    /**
     * Ends a call made under the lock: pooled, whatever the call borrowed goes back unless something keeps it, so that
     * a logical connection idle between calls (in an application's pool) holds no backend.
     */
    private void unlock() {
        try {
            releaseUnneeded();
        } finally {
            lock.unlock();
        }
    }

    /** Runs an action that needs a node now, as {@link #onNode} does. */
    private void act(SqlAction action) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            action.run();
        } finally {
            unlock();
        }
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }

    /** Runs a call that needs a node now, under the lock; pooled, the node goes back after it (see {@link #unlock()}). */
    <T> T onNode(SqlFunction<LogicalConnection, T> call) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            return call.apply(this);
        } finally {
            unlock();
        }
    }

    /**
     * A call of the primary's metadata. Pooled, with PgJDBC (whose metadata result sets are read whole), the primary's
     * connection goes back after it; with other drivers, whose result sets read from the connection, it stays until the
     * next statement ends.
     */
    <T> T onMetadata(SqlFunction<DatabaseMetaData, T> call) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            return call.apply(nodes.primary().connection.getMetaData());
        } finally {
            if (serverSession != null) {
                unlock();
            } else {
                lock.unlock();
            }
        }
    }

    /** The session's node for a call that reads what it knows (a getter of PgJDBC's connection), then given back. */
    <T> T atSessionNode(SqlFunction<Physical, T> call) throws SQLException {
        return onNode(self -> call.apply(serverSession != null ? sessionChanges.home() : nodes.primary()));
    }

    /**
     * Pooled: from now on this logical connection keeps every physical connection it borrows until it closes, as a
     * dedicated one does, because of {@code why} (the application asked for its backend's process ID).
     */
    void holdBackends(String why) {
        if (leases != null) {
            leases.holdBackends(why);
        }
    }

    /** Pooled: {@code physical} stays this logical connection's while {@code active} says so (a COPY under way). */
    void keepWhile(Physical physical, BooleanSupplier active) {
        if (leases != null) {
            leases.keepWhile(physical, active);
        }
    }

    /** A statement's results were closed: pooled, a connection kept for them may go back. */
    void resultsDone() {
        if (pools != null && !liveness.isClosed()) {
            lock.lock();
            unlock();
        }
    }

    // ---------------------------------------------------------------- read-your-writes by WAL position

    /** Whether a result set read from this physical connection is still open (it must not be closed under it). */
    private boolean readingFrom(Physical physical) {
        if (leases != null) {
            return leases.readingFrom(physical);
        }
        return statements.any(statement -> statement.readingFrom(physical));
    }

    /** The server process that holds the physical connection's session, for log lines; empty where unknown. */
    String serverProcess(Physical physical) {
        return "";
    }

    /** A row was changed through an updatable result set: a write, for read-your-writes. */
    void wroteDirectly(String what) {
        router.wroteOutsideRouting();
    }

    /** The physical connection a statement classified as {@code c} would use now, opened if needed. */
    Physical resolve(Classification c) throws SQLException {
        checkOpen();
        return placement.physicalFor(c);
    }

    /** The open node that holds the session (the primary, else the replica), or null; opens nothing. */
    Physical sessionNodeIfOpen() {
        return nodes.anyOpen();
    }

    Physical primary() throws SQLException {
        return nodes.primary();
    }

    /** The physical connection that served the last statement, or null. */
    Physical lastServed() {
        return journal.lastServed();
    }

    // ---------------------------------------------------------------- the wrapped driver's own API

    /**
     * Runs a call of the wrapped driver's own API (COPY, large objects) as a statement classified as {@code c}:
     * routed, observed and counted for read-your-writes as SQL of that kind would be.
     */
    <T> T runDriverCall(String what, Classification c, PhysicalCall<T> call) throws SQLException {
        return path.run(null, what, c, call);
    }

    /**
     * The node that holds this connection's session (the open transaction's, else the primary, else, with the
     * primary unreachable, the replica), brought up to date: where {@code LISTEN} ran and session changes run.
     */
    Physical sessionNode() throws SQLException {
        lock.lock();
        try {
            checkOpen();
            return serverSession != null ? sessionChanges.home() : nodes.primary();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A setting of the wrapped driver's own connection object: applied to every open physical connection, and to
     * those opened later.
     */
    void driverSetting(String name, SessionAction setting) throws SQLException {
        lock.lock();
        try {
            for (Physical physical : nodes.open()) {
                setting.applyTo(physical.connection);
            }
            session.recordDriverSetting(name, setting);
        } finally {
            unlock();
        }
    }

    /**
     * The physical connection handed to the application for the wrapped driver's own API: the request is pinned to
     * the primary from now on, as after {@link #unwrap}.
     */
    Connection handedToApplication(String what) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            Connection physical = heldByApplication();
            pinnedBy(what);
            return physical;
        } finally {
            unlock();
        }
    }

    /** The physical connection a statement of this connection runs on now, or null. */
    Physical runningNow() {
        return liveness.running();
    }

    // ---------------------------------------------------------------- statements

    void forget(StatementProxy statement) {
        statements.remove(statement);
        resultsDone();
    }

    /**
     * A CallableStatement always runs on the primary: its physical statement is made there at once, so that the
     * wrapped driver checks the {@code {call ...}} escape when the application prepares it, as it would alone.
     */
    private CallableStatementProxy onPrimaryNow(CallableStatementProxy call) throws SQLException {
        call.held(nodes.primary());
        return call;
    }

    /**
     * With PgJDBC, a prepared statement's physical statement is made at once, on the node it will most likely run on
     * (opening nothing), as PgJDBC makes its own: see {@link StatementProxy#makeOn}.
     */
    private PreparedStatementProxy madeNow(PreparedStatementProxy statement) throws SQLException {
        if (validatesAtOnce()) {
            makeNow(statement, statement.classification());
        }
        return statement;
    }

    /**
     * Makes the statement's physical statement now on the node a statement classified as {@code c} would most likely
     * run on (null: the session's node): one held already, or, pooled, one borrowed for the moment.
     */
    void makeNow(StatementProxy statement, Classification c) throws SQLException {
        lock.lock();
        try {
            Physical likely = likelyNode(c);
            if (likely == null && pools != null) {
                likely = resolve(c == null ? Classification.read("make the statement") : c);
            }
            if (likely != null) {
                statement.makeOn(likely);
            }
        } finally {
            // Pooled, a connection borrowed to make the statement stays this connection's until the next statement
            // ends (or the request does): the statement most likely runs next, there, with its physical statement.
            lock.unlock();
        }
    }

    /**
     * The primary's physical connection for a batch entry, which PgJDBC checks as it is added: the one held, or,
     * pooled, one borrowed and held until the batch runs (or the next statement ends). Null when none is held
     * (dedicated) or the primary cannot be reached now: the entry is checked when the batch runs.
     */
    Physical primaryForBatch() {
        Physical held = nodes.primaryIfOpen();
        if (held != null || pools == null) {
            return held;
        }
        lock.lock();
        try {
            return nodes.primary();
        } catch (SQLException e) {
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether statements are made at once and checked as the node's driver checks them (with PgJDBC). */
    boolean validatesAtOnce() {
        return serverSession != null;
    }

    /** The open physical connection a statement classified as {@code c} would most likely run on; opens nothing. */
    Physical likelyNode(Classification c) {
        return placement.likelyNode(c);
    }

    /** Whether close() was called (no check, no side effect). */
    boolean closedFlag() {
        return liveness.isClosed();
    }

    /** Whether the physical connection is one this logical connection uses now (not dropped or replaced). */
    boolean isInUse(Physical physical) {
        return physical == nodes.primaryIfOpen() || physical == nodes.currentReplica();
    }

    /** The primary's physical connection if it is open and in use, or null; opens nothing. */
    Physical primaryIfInUse() {
        return nodes.primaryIfOpen();
    }

    private <S extends StatementProxy> S track(S statement) {
        statements.add(statement);
        return statement;
    }

    @Override
    public Statement createStatement() throws SQLException {
        checkOpen();
        return track(newStatement(Connection::createStatement));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        checkResultSetArguments(resultSetType, resultSetConcurrency, ResultSet.CLOSE_CURSORS_AT_COMMIT);
        return track(newStatement(c -> c.createStatement(resultSetType, resultSetConcurrency))
                .updatable(resultSetConcurrency));
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        checkResultSetArguments(resultSetType, resultSetConcurrency, resultSetHoldability);
        return track(newStatement(c -> c.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability))
                .updatable(resultSetConcurrency));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen(sql);
        return track(madeNow(newPrepared(sql, c -> c.prepareStatement(sql))));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        checkOpen(sql);
        checkResultSetArguments(resultSetType, resultSetConcurrency, ResultSet.CLOSE_CURSORS_AT_COMMIT);
        return track(madeNow(newPrepared(sql, c -> c.prepareStatement(sql, resultSetType, resultSetConcurrency))
                .updatable(resultSetConcurrency)));
    }

    @Override
    public PreparedStatement prepareStatement(
            String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        checkOpen(sql);
        checkResultSetArguments(resultSetType, resultSetConcurrency, resultSetHoldability);
        return track(madeNow(newPrepared(
                        sql, c -> c.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability))
                .updatable(resultSetConcurrency)));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen(sql);
        return track(madeNow(newPrepared(sql, c -> c.prepareStatement(sql, autoGeneratedKeys))));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        checkOpen(sql);
        int[] copy = columnIndexes == null ? null : columnIndexes.clone();
        return track(madeNow(newPrepared(sql, c -> c.prepareStatement(sql, copy))));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen(sql);
        String[] copy = columnNames == null ? null : columnNames.clone();
        return track(madeNow(newPrepared(sql, c -> c.prepareStatement(sql, copy))));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        checkOpen(sql);
        return track(onPrimaryNow(newCallable(sql, c -> c.prepareCall(sql))));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen(sql);
        checkResultSetArguments(resultSetType, resultSetConcurrency, ResultSet.CLOSE_CURSORS_AT_COMMIT);
        return track(onPrimaryNow(newCallable(sql, c -> c.prepareCall(sql, resultSetType, resultSetConcurrency))));
    }

    @Override
    public CallableStatement prepareCall(
            String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        checkOpen(sql);
        checkResultSetArguments(resultSetType, resultSetConcurrency, resultSetHoldability);
        return track(onPrimaryNow(
                newCallable(sql, c -> c.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability))));
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return onNode(self -> nodes.readNode(router.isPinned()).connection.nativeSQL(sql));
    }

    // ---------------------------------------------------------------- transactions

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        act(() -> transactions.setAutoCommit(autoCommit));
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return session.autoCommit();
    }

    @Override
    public void commit() throws SQLException {
        act(() -> transactions.commit());
    }

    @Override
    public void rollback() throws SQLException {
        act(() -> transactions.rollback());
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        lock.lock();
        try {
            return transactionPhysical().connection.setSavepoint();
        } finally {
            unlock();
        }
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        lock.lock();
        try {
            return transactionPhysical().connection.setSavepoint(name);
        } finally {
            unlock();
        }
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        lock.lock();
        try {
            transactionPhysical().connection.rollback(savepoint);
        } finally {
            unlock();
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        lock.lock();
        try {
            transactionPhysical().connection.releaseSavepoint(savepoint);
        } finally {
            unlock();
        }
    }

    /** The physical connection of the open transaction, binding one as its first statement would. */
    private Physical transactionPhysical() throws SQLException {
        checkOpen();
        return transactions.physical();
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        act(() -> transactions.setReadOnly(readOnly));
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return session.readOnly();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        act(() -> sessionChanges.set(c -> c.setTransactionIsolation(level), () -> session.isolation(level)));
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return onNode(self -> sessionChanges.get(Connection::getTransactionIsolation, session.isolation()));
    }

    // ---------------------------------------------------------------- other session state

    @Override
    public void setCatalog(String catalog) throws SQLException {
        act(() -> {
            nodes.writeThrough(c -> c.setCatalog(catalog));
            session.catalog(catalog);
        });
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return session.catalog() != null
                ? session.catalog()
                : onNode(self -> nodes.readNode(router.isPinned()).connection.getCatalog());
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        act(() -> sessionChanges.set(c -> c.setSchema(schema), () -> session.schema(schema)));
    }

    @Override
    public String getSchema() throws SQLException {
        return onNode(self -> sessionChanges.get(Connection::getSchema, session.schema()));
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        nodes.writeThrough(c -> c.setHoldability(holdability));
        session.holdability(holdability);
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return session.holdability() != null
                ? session.holdability()
                : onNode(self -> nodes.readNode(router.isPinned()).connection.getHoldability());
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        return session.typeMap() != null
                ? session.typeMap()
                : onNode(self -> nodes.readNode(router.isPinned()).connection.getTypeMap());
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        nodes.writeThrough(c -> c.setTypeMap(map));
        session.typeMap(map);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        lock.lock();
        try {
            if (liveness.isClosed()) {
                throw Errors.closedForClientInfo();
            }
            for (Physical physical : nodes.open()) {
                physical.connection.setClientInfo(name, value);
            }
            session.clientInfo(name, value);
            clientInfoChanged();
        } finally {
            unlock();
        }
    }

    /** PgJDBC turns ApplicationName into a session setting: read the session back so that it is not undone later. */
    private void clientInfoChanged() throws SQLClientInfoException {
        if (serverSession == null || serverSession.state().isEmpty()) {
            return;
        }
        try {
            sessionChanges.onHome(c -> {});
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), null, e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        lock.lock();
        try {
            if (liveness.isClosed()) {
                throw Errors.closedForClientInfo();
            }
            for (Physical physical : nodes.open()) {
                physical.connection.setClientInfo(properties);
            }
            session.clientInfo(properties);
            clientInfoChanged();
        } finally {
            unlock();
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        Properties info = session.clientInfo();
        if (info != null && info.containsKey(name)) {
            return info.getProperty(name);
        }
        return onNode(self -> nodes.readNode(router.isPinned()).connection.getClientInfo(name));
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        Properties result = new Properties();
        result.putAll(
                onNode(self -> nodes.readNode(router.isPinned()).connection.getClientInfo()));
        if (session.clientInfo() != null) {
            result.putAll(session.clientInfo());
        }
        return result;
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        nodes.writeThrough(c -> c.setNetworkTimeout(executor, milliseconds));
        session.networkTimeout(executor, milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        Integer timeout = session.networkTimeoutMillis();
        return timeout != null
                ? timeout
                : onNode(self -> nodes.readNode(router.isPinned()).connection.getNetworkTimeout());
    }

    // ---------------------------------------------------------------- metadata, warnings, factories

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        int[] driverVersion = onMetadata(m -> new int[] {m.getDriverMajorVersion(), m.getDriverMinorVersion()});
        return new DatabaseMetaDataProxy(this, config, driverVersion);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        lock.lock();
        try {
            return nodes.warnings();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        lock.lock();
        try {
            nodes.clearWarnings();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        checkOpen();
        return onNode(self -> nodes.primary().connection.createClob());
    }

    @Override
    public Blob createBlob() throws SQLException {
        checkOpen();
        return onNode(self -> nodes.primary().connection.createBlob());
    }

    @Override
    public NClob createNClob() throws SQLException {
        checkOpen();
        return onNode(self -> nodes.primary().connection.createNClob());
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        checkOpen();
        return onNode(self -> nodes.primary().connection.createSQLXML());
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        checkOpen();
        return onNode(self -> nodes.readNode(router.isPinned()).connection.createArrayOf(typeName, elements));
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        checkOpen();
        return onNode(self -> nodes.readNode(router.isPinned()).connection.createStruct(typeName, attributes));
    }

    // ---------------------------------------------------------------- life cycle

    @Override
    public boolean isValid(int timeout) throws SQLException {
        lock.lock();
        try {
            if (timeout < 0) {
                throw asNodeDriverError(Errors.badArgument("isValid timeout must not be negative: " + timeout));
            }
            return liveness.isValid(timeout);
        } finally {
            unlock();
        }
    }

    /**
     * True once closed, or once the server has closed the session's own connection (a fatal error, a change of
     * client_encoding that the wrapped driver refuses): the wrapped driver's connection says so then, and so does this
     * one, so that a pool discards it.
     */
    @Override
    public boolean isClosed() throws SQLException {
        if (!liveness.isClosed() && liveness.mayHaveLostSession()) {
            try {
                checkOpen();
            } catch (SQLException closedByTheServer) {
                return true;
            }
        }
        return liveness.isClosed();
    }

    @Override
    public void close() throws SQLException {
        if (!liveness.markClosed()) {
            return;
        }
        cluster.connectionClosed();
        Physical busy = liveness.running();
        if (busy != null) {
            // A statement runs there now (closed from another thread): the connection is closed, not lent again.
            busy.discardOnRelease = true;
        }
        List<StatementProxy> open = statements.drain();
        SQLException failure = null;
        for (StatementProxy statement : open) {
            try {
                statement.closeFromConnection();
            } catch (SQLException e) {
                failure = Errors.chain(failure, e);
            }
        }
        SQLException closing = nodes.closeAll(router.isPinned());
        if (pools != null) {
            leases.closed();
            pools.release();
        }
        if (closing != null) {
            failure = Errors.chain(failure, closing);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw Errors.badArgument("abort needs an executor");
        }
        if (!liveness.markClosed()) {
            return;
        }
        cluster.connectionClosed();
        try {
            nodes.abortAll(executor);
        } finally {
            if (pools != null) {
                pools.release();
            }
        }
    }

    /** The wrapped driver would refuse these when the statement is created, not when it first runs: so do we. */
    private void checkResultSetArguments(int type, int concurrency, int holdability) throws SQLException {
        if (type != ResultSet.TYPE_FORWARD_ONLY
                && type != ResultSet.TYPE_SCROLL_INSENSITIVE
                && type != ResultSet.TYPE_SCROLL_SENSITIVE) {
            throw asNodeDriverError(Errors.badArgument("Unknown value for ResultSet type: " + type));
        }
        if (concurrency != ResultSet.CONCUR_READ_ONLY && concurrency != ResultSet.CONCUR_UPDATABLE) {
            throw asNodeDriverError(Errors.badArgument("Unknown value for ResultSet concurrency: " + concurrency));
        }
        if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw asNodeDriverError(Errors.badArgument("Unknown value for ResultSet holdability: " + holdability));
        }
    }

    /**
     * An error the driver raises where the node's driver would have raised its own: of that driver's class, where it
     * has one applications catch (PgJDBC's {@code PSQLException}), with the same SQLState and message.
     */
    SQLException asNodeDriverError(SQLException error) {
        return error;
    }

    /** Checks what every statement-creating method needs: an open connection and some SQL. */
    private void checkOpen(String sql) throws SQLException {
        checkOpen();
        if (sql == null) {
            throw Errors.nullSql();
        }
    }

    /**
     * Throws the wrapped driver's error when this connection is closed. A session the server closed (or a primary
     * that closed it and still answers) closes it first, as the wrapped driver's own connection is closed then.
     */
    void checkOpen() throws SQLException {
        if (liveness.isClosed()) {
            throw asNodeDriverError(Errors.closed("Connection"));
        }
        SQLException gone = liveness.lostSession();
        if (gone != null) {
            closeQuietly();
            throw gone;
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (SQLException e) {
            LOG.log(Level.FINE, "Closing after the primary closed the session: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- ReplicatedConnection

    @Override
    public RoutingDecision lastRouting() {
        return journal.lastRouting();
    }

    @Override
    public void pinToPrimary() throws SQLException {
        checkOpen();
        router.pin();
    }

    /**
     * The end of a request (a pool checkout): {@link #pinToPrimary()} and a {@code readYourWrites=connection} pin are
     * released; the read-your-writes window and the pins kept by server objects that still exist stay.
     */
    @Override
    public void endRequest() throws SQLException {
        checkOpen();
        router.requestEnded();
        lock.lock();
        try {
            releaseUnneeded();
        } finally {
            unlock();
        }
    }

    @Override
    public String readYourWritesToken() throws SQLException {
        return onNode(self -> readiness.token());
    }

    @Override
    public void readYourWrites(String token) throws SQLException {
        act(() -> readiness.require(token));
    }

    @Override
    public ReplicatedConfigurationMXBean configurationStatistics() {
        return cluster.statistics();
    }

    @Override
    public ReadYourWritesCounters readYourWritesCounters() {
        return cluster.readYourWritesStatistics().snapshot();
    }

    @Override
    public boolean isPinnedToPrimary() {
        return router.isPinned();
    }

    @Override
    public RoutingDecision explain(String sql) throws SQLException {
        return onNode(self -> placement.explain(sql));
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        lock.lock();
        try {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            checkOpen();
            Connection physical = heldByApplication();
            T unwrapped;
            if (iface.isInstance(physical)) {
                unwrapped = iface.cast(physical);
            } else if (physical.isWrapperFor(iface)) {
                unwrapped = physical.unwrap(iface);
            } else {
                throw Errors.cannotUnwrap(iface);
            }
            pinnedBy(iface.getSimpleName());
            return unwrapped;
        } finally {
            unlock();
        }
    }

    /**
     * The physical connection handed to the application: inside a transaction, the one it runs on (what the
     * application does there belongs to it); otherwise the primary's.
     */
    Connection heldByApplication() throws SQLException {
        Physical transaction = transactions.physicalIfOpen();
        return transaction != null ? transaction.connection : nodes.primary().connection;
    }

    /**
     * The application now holds the primary's own connection (to {@code what}): what it does there is invisible to
     * routing, so every later statement of this request runs on the primary too.
     */
    void pinnedBy(String what) {
        router.pin("pinned to the primary: the application unwrapped the primary's connection to " + what
                + " (released by endRequest())");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        return onNode(self -> {
            Connection physical = nodes.primary().connection;
            return iface.isInstance(physical) || physical.isWrapperFor(iface);
        });
    }

    @Override
    public String toString() {
        return "ReplicatedConnection[" + config.displayUrl() + "]";
    }
}
