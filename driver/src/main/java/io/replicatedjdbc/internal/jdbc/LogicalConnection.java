package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.ReplicatedConnection;
import io.replicatedjdbc.Route;
import io.replicatedjdbc.RoutingDecision;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.classify.Fingerprint;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.cluster.FunctionVolatility;
import io.replicatedjdbc.internal.cluster.WalPosition;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.pool.NodePool;
import io.replicatedjdbc.internal.pool.NodePools;
import io.replicatedjdbc.internal.route.Cause;
import io.replicatedjdbc.internal.route.Decision;
import io.replicatedjdbc.internal.route.ReadYourWritesGate;
import io.replicatedjdbc.internal.route.ReadYourWritesPolicy;
import io.replicatedjdbc.internal.route.ReplicaFailure;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.ServerObservation;
import io.replicatedjdbc.internal.session.ServerSession;
import io.replicatedjdbc.internal.session.SessionAction;
import io.replicatedjdbc.internal.session.SessionState;
import io.replicatedjdbc.internal.session.TxStatus;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One logical connection: a primary and one replica, each opened on first use, and the routing of every
 * statement between them. The statement wrappers hand their physical calls to {@link #run}; all routing
 * happens here and in the {@link Router}.
 *
 * <p>Like the drivers it wraps, a logical connection is meant for one thread at a time; only
 * {@link Statement#cancel()} may come from another thread.
 */
public class LogicalConnection implements ReplicatedConnection {

    private static final Logger ROUTING_LOG = Logger.getLogger("io.replicatedjdbc.routing");
    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc");

    private final Cluster cluster;
    private final Config config;
    private final SessionState session;
    private final Router router;
    private final Level routingLevel;
    /**
     * The session as PostgreSQL reports it (PgJDBC present): read back after changes and copied to the other nodes.
     * Null where the session can only be recorded from the SQL that passes through (SQLite, other drivers).
     */
    private final ServerSession serverSession;
    private final ReadYourWritesGate readYourWrites;

    private final PhysicalConnections nodes;
    /** The node pools this connection borrows from ({@code connectionMode=pooled}), or null. */
    private final NodePools pools;
    /** What keeps a borrowed connection with this logical connection (pooled), or null. */
    private final Leases leases;
    /** A session change made inside the open transaction: it reaches the other nodes only if it commits. */
    private static final class PendingChange {
        final SessionAction action;
        final Classification.SessionReset reset;

        final String setting;

        PendingChange(String setting, SessionAction action, Classification.SessionReset reset) {
            this.setting = setting;
            this.action = action;
            this.reset = reset;
        }
    }

    private final List<PendingChange> pendingSessionChanges = new ArrayList<>();
    private final Set<StatementProxy> statements = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean closed;
    /**
     * Statements and session changes of one logical connection run one at a time, as on one PgJDBC connection, so that
     * threads sharing it (JDBC allows it) see consistent routing and session state. {@code cancel()}, {@code close()}
     * and {@code abort()} do not wait for it: they must reach a statement while it runs.
     */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private RoutingDecision lastRouting;
    private Physical lastServed;
    /** The physical connection a statement runs on now, for a cancel from another thread; null between statements. */
    private volatile Physical running;

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
        this.routingLevel = config.logRouting() ? Level.INFO : Level.FINE;
        this.readYourWrites = new ReadYourWritesGate(cluster.positions(), cluster.readYourWritesStatistics(),
                config.readYourWritesWaitMillis());
    }

    /**
     * Opens a logical connection as the wrapped driver would open one: the primary is connected at once, so that a
     * wrong password, an unknown database or a dead primary fails here with the server's own error. When the primary
     * cannot be reached (SQLState class 08) a replica is opened instead: reads keep working and writes fail with
     * 08001 naming the primary.
     */
    public static LogicalConnection open(Cluster cluster, Config config) throws SQLException {
        // With PgJDBC present, the connection and its statements also implement PgJDBC's extension interfaces; its
        // classes are named only there, so that the driver loads without PgJDBC.
        LogicalConnection connection = observesServer(config)
                ? PgLogicalConnection.create(cluster, config) : new LogicalConnection(cluster, config);
        try {
            cluster.checkDrivers();
        } catch (SQLException notConfigured) {
            connection.close();
            throw notConfigured;
        }
        cluster.warnAboutUnknownOptions();
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

    /**
     * Classifies SQL as the session's server will lex it: with standard_conforming_strings off (as PgJDBC last heard
     * from the server), a backslash escapes the next character inside {@code '...'}.
     */
    Classification classify(String sql) {
        boolean backslashStrings = false;
        if (serverSession != null) {
            Physical home = nodes.anyOpen();
            backslashStrings = home != null ? ServerObservation.backslashStrings(home.connection)
                    : "off".equals(serverSession.state().get("standard_conforming_strings"));
        }
        return cluster.classifier().classify(sql, backslashStrings);
    }

    /**
     * The classification as the database resolves it: a read that calls user functions, or names relations that may
     * be views, becomes a write when the catalog says one may write (looked up once per name and configuration).
     */
    private Classification resolved(String sql, Classification c) {
        if (c.route() == Route.REPLICA) {
            String refused = cluster.refusedByReplica(sql);
            if (refused != null) {
                return Classification.write(refused);
            }
        }
        return c.needsResolving() ? cluster.volatility().refine(c, catalogSource) : c;
    }

    /** Where the catalog is asked about a statement: the connection it would use. */
    private final FunctionVolatility.ConnectionSource catalogSource = statement -> resolve(statement).connection;

    /**
     * Runs one statement's physical call where the router sends it: on the primary, on this connection's
     * replica (another replica, then the primary, when it cannot be reached during an autocommit read), or,
     * for a session change, on every open physical connection, recording it for those opened later.
     */
    <T> T run(StatementProxy owner, String sql, Classification classification, PhysicalCall<T> call)
            throws SQLException {
        lock.lock();
        try {
            checkOpen();
            if (transactionLost) {
                throw Errors.transactionLost();
            }
            Classification c = resolved(sql, classification);
            Decision decision = router.decide(c);
            if (decision.route() == Route.ALL) {
                return serverSession != null
                        ? runOnSessionHome(sql, c, decision, call)
                        : runEverywhere(owner, sql, c, decision, call);
            }
            boolean mayRunAgain = decision.route() == Route.REPLICA && session.autoCommit() && !router.inTransaction();
            ReplicaFailure failures = null; // made at the first failure: most statements never need it
            boolean onPrimary = decision.route() == Route.PRIMARY;
            String fallback = null;
            Cause cause = decision.cause();
            while (true) {
                Physical physical = onPrimary ? nodes.primary() : nodes.replica();
                if (physical == null) {
                    String failure = nodes.replicaFailure();
                    cause = Cause.FALLBACK;
                    fallback = "no replica available" + (failure == null ? "" : " (" + failure + ")")
                            + ", fell back to the primary";
                    physical = nodes.primary();
                } else if (!onPrimary && !physical.node.isPrimary()) {
                    String behind = replicaWithinLagLimit(physical);
                    if (behind != null) {
                        fallback = behind + ", ran on the primary";
                        cause = Cause.FALLBACK;
                        onPrimary = true;
                        continue;
                    }
                    if (router.positions() != null) {
                        String stale;
                        try {
                            stale = readYourWrites.check(router.positions(), gateNodes);
                        } catch (SQLException e) {
                            Physical replica = nodes.currentReplica();
                            if (replica == null || !PhysicalConnections.isConnectionFailure(e, replica)) {
                                throw e;
                            }
                            // The replica died while it was asked how far it has replayed: as if the read had failed there.
                            nodes.dropReplica(e);
                            failures = failures != null ? failures : replicaFailure(mayRunAgain);
                            ReplicaFailure.Next next = failures.failed(e, true);
                            if (next.action() == ReplicaFailure.Action.FAIL) {
                                throw e;
                            }
                            onPrimary = next.action() == ReplicaFailure.Action.PRIMARY;
                            fallback = next.reason();
                            cause = Cause.FALLBACK;
                            cluster.statistics().retried();
                            continue;
                        }
                        if (stale != null) {
                            fallback = stale;
                            cause = Cause.READ_YOUR_WRITES;
                            onPrimary = true;
                            continue;
                        }
                    }
                    physical = nodes.currentReplica();
                }
                if (!bringUpToDate(physical)) {
                    fallback = "the replica could not take this connection's session state, ran on the primary";
                    cause = Cause.FALLBACK;
                    onPrimary = true;
                    continue;
                }
                router.bind(physical.role(), physical.node.toString());
                T result;
                // An autocommit read on a replica may be aborted by the monitor if the host hangs: it then runs elsewhere.
                // (Only where the monitor runs, which is what aborts them.)
                boolean abortable = mayRunAgain && config.hasWalPositions() && nodes.isReplica(physical);
                if (abortable) {
                    cluster.readStarted(physical.node, physical.connection);
                }
                running = physical;
                try {
                    result = call.run(physical);
                } catch (SQLException e) {
                    running = null;
                    if (abortable) {
                        cluster.readEnded(physical.node, physical.connection);
                    }
                    if (PhysicalConnections.isConnectionFailure(e, physical)) {
                        // Whatever the driver says of it later, a connection that failed so is not lent again.
                        physical.discardOnRelease = true;
                    }
                    if (closed) {
                        // closed from another thread while the statement ran: nothing to observe, retry or mark down
                        throw e;
                    }
                    noteSessionClosedBy(c, physical);
                    afterStatement(physical, sql, c, false);
                    if (ReplicaFailure.socketTimedOut(e)
                            && (!nodes.isReplica(physical) || !config.replicaSocketTimeoutIsOurs())) {
                        // The application's socketTimeout ran out: PgJDBC closes its connection then, and so does
                        // this one (a pool sees isClosed() and discards it), wherever the statement ran.
                        closeQuietly();
                        throw e;
                    }
                    if (!nodes.isReplica(physical)) {
                        throw e;
                    }
                    boolean lost = PhysicalConnections.isConnectionFailure(e, physical);
                    failures = failures != null ? failures : replicaFailure(mayRunAgain);
                    if (lost) {
                        nodes.dropReplica(e, failures.nodeAtFault(e));
                    }
                    if (!call.mayRunAgain()) {
                        throw e;
                    }
                    ReplicaFailure.Next next = failures.failed(e, lost);
                    if (next.action() == ReplicaFailure.Action.FAIL) {
                        throw e;
                    }
                    onPrimary = next.action() == ReplicaFailure.Action.PRIMARY;
                    fallback = next.reason();
                    cause = Cause.FALLBACK;
                    cluster.statistics().retried();
                    if (next.write()) {
                        c = Classification.write(c.reason());
                        // Whatever it did before the refusal (a remote call through dblink, say) ran twice: the
                        // statement goes to the primary from now on, and explain says why.
                        cluster.refusedByReplica(sql, c.reason() + "; a replica refused it as a write (25006) and it"
                                + " was retried on the primary, so what it did before the refusal ran twice");
                    }
                    continue;
                }
                running = null;
                if (abortable) {
                    cluster.readEnded(physical.node, physical.connection);
                }
                if (owner != null && (serverSession == null || result instanceof ResultSet || Boolean.TRUE.equals(result))) {
                    // Its results are read from this connection until closed (with other drivers, also its generated
                    // keys, which SQLite asks the connection for): kept until then.
                    owner.resultsOn(physical);
                    if (leases != null) {
                        leases.resultsLeft(owner);
                    }
                }
                TxStatus status = afterStatement(physical, sql, c, true);
                if (c.route() == Route.ALL && serverSession == null) {
                    // A session change inside a transaction: the other nodes get it only if the transaction commits.
                    pendingSessionChanges.add(new PendingChange(settingOf(c), owner.replayAction(sql), c.sessionReset()));
                }
                served(sql, physical, physical.role(), c, fallback == null ? decision.reason() : decision.reason() + "; " + fallback,
                        status, cause);
                if (leases != null && serverSession != null && status == TxStatus.IDLE && physical.node.isPrimary()
                        && !router.isPinned() && (classification.needsResolving() || SessionObjects.runsCode(sql))) {
                    SessionObjects.observe(physical, sql, router, config.dialect());
                }
                return result;
            }
        } finally {
            if (closed) {
                // closed from another thread meanwhile: release what this statement may have opened after close()
                nodes.closeAll(router.isPinned());
            } else {
                releaseUnneeded();
            }
            unlock();
        }
    }

    // ---------------------------------------------------------------- pooled physical connections

    /** Pooled: gives back the physical connections this logical connection does not need now (see {@link Leases}). */
    void releaseUnneeded() {
        if (leases != null) {
            leases.releaseUnneeded();
        }
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
    <T> T onMetadata(SqlFunction<java.sql.DatabaseMetaData, T> call) throws SQLException {
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
        lock.lock();
        try {
            checkOpen();
            return call.apply(serverSession != null ? sessionHome() : nodes.primary());
        } finally {
            unlock();
        }
    }

    /** Pooled: {@code physical} stays this logical connection's while {@code active} says so (a COPY under way). */
    void keepWhile(Physical physical, java.util.function.BooleanSupplier active) {
        if (leases != null) {
            leases.keepWhile(physical, active);
        }
    }

    /** A statement's results were closed: pooled, a connection kept for them may go back. */
    void resultsDone() {
        if (pools != null && !closed) {
            lock.lock();
            unlock();
        }
    }

    private ReplicaFailure replicaFailure(boolean mayRunAgain) {
        return new ReplicaFailure(mayRunAgain, config.replicas().size()).withReplicaBound(config.replicaSocketTimeoutIsOurs());
    }

    // ---------------------------------------------------------------- read-your-writes by WAL position

    private static final String INSERT_POSITION = "SELECT pg_catalog.pg_current_wal_insert_lsn()";
    private static final String REPLAY_POSITION = "SELECT pg_catalog.pg_last_wal_replay_lsn()";

    /** What the read-your-writes gate asks of this connection's physical connections. */
    private final ReadYourWritesGate.Nodes gateNodes = new ReadYourWritesGate.Nodes() {
        @Override
        public long primaryInsertPosition() throws SQLException {
            Physical primary = nodes.primaryIfOpen();
            if (primary == null && nodes.pooled()) {
                // Pooled, the write's connection went back to its pool: any connection of the primary tells a position
                // at or past it (the position is the server's, not the session's).
                try {
                    primary = nodes.primary();
                } catch (SQLException unreachable) {
                    if (unreachable instanceof NodePool.Unavailable
                            || !Errors.CONNECTION_FAILED.equals(unreachable.getSQLState())) {
                        throw unreachable;
                    }
                    return WalPosition.NONE;
                }
            }
            if (primary == null) {
                return WalPosition.NONE;
            }
            try {
                return WalPosition.parse(ServerObservation.queryOutsideTransaction(primary.connection, INSERT_POSITION));
            } catch (SQLException e) {
                if (PhysicalConnections.isConnectionFailure(e, primary) || "57P01".equals(e.getSQLState())) {
                    // The primary went down: its position cannot be had; the replicas are all there is to read from.
                    return WalPosition.NONE;
                }
                throw e;
            }
        }

        @Override
        public long replicaReplayPosition() throws SQLException {
            return WalPosition.parse(ServerObservation.queryOutsideTransaction(nodes.currentReplica().connection,
                    REPLAY_POSITION));
        }

        @Override
        public NodeSpec boundReplica() {
            return nodes.currentReplica().node;
        }

        @Override
        public void pause(long nanos) throws SQLException {
            java.util.concurrent.locks.LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw Errors.interrupted("waiting for a replica to replay this connection's writes");
            }
        }
    };

    /**
     * Keeps the bound replica in rotation: one too far behind ({@code maxReplicaLag}) or marked down by another
     * connection is replaced by another replica, outside a transaction. Returns null when the read may use the bound
     * replica, or why no replica may take it (a replica too far behind, and none other).
     */
    private String replicaWithinLagLimit(Physical replica) throws SQLException {
        if (nodes.replicaFileReplaced(replica) && !router.inTransaction() && !readingFrom(replica)) {
            // A new copy of the SQLite file was published: read it, not the old one this connection still has open.
            nodes.rebind(replica.node);
            return null;
        }
        String behind = cluster.positions().tooFarBehind(replica.node);
        boolean down = !cluster.health().isAvailable(replica.node, System.nanoTime());
        if (behind == null && !down) {
            // In rotation; but after a replica came back, long-lived (pooled) connections spread out again.
            // readingFrom walks the statements: asked only when a move is due, not on every read.
            if (pools == null && !router.inTransaction() && cluster.hasLessLoadedReplica(replica.node)
                    && !readingFrom(replica)) {
                NodeSpec lighter = cluster.claimMoveToLessLoaded(replica.node);
                if (lighter != null) {
                    nodes.moveTo(lighter);
                }
            }
            return null;
        }
        NodeSpec other = cluster.chooseReplica(java.util.Collections.singletonList(replica.node));
        if (other != null && !other.isPrimary() && !router.inTransaction() && !readingFrom(replica)
                && nodes.rebind(other) != null) {
            return null;
        }
        // Marked down by someone else, but this connection's own link to it still works: keep reading there.
        return behind;
    }

    /** Whether a result set read from this physical connection is still open (it must not be closed under it). */
    private boolean readingFrom(Physical physical) {
        if (leases != null) {
            return leases.readingFrom(physical);
        }
        synchronized (statements) {
            for (StatementProxy statement : statements) {
                if (statement.readingFrom(physical)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A session change, where the server can be asked: it runs once, on the node that holds the session (the primary,
     * or the replica when the primary cannot be reached), so that anything else it does happens once; the session is
     * then read back from that node and copied to the others before they next run a statement.
     */
    private <T> T runOnSessionHome(String sql, Classification c, Decision decision, PhysicalCall<T> call)
            throws SQLException {
        Physical home = sessionHome();
        T result;
        running = home;
        try {
            result = call.run(home);
        } catch (SQLException e) {
            running = null;
            if (PhysicalConnections.isConnectionFailure(e, home)) {
                home.discardOnRelease = true;
            }
            noteSessionClosedBy(c, home);
            afterStatement(home, sql, c, false);
            throw e;
        }
        running = null;
        TxStatus status = afterStatement(home, sql, c, true);
        if (c.sessionReset() == Classification.SessionReset.EVERYTHING) {
            router.sessionDiscarded();
        }
        served(sql, home, Route.ALL, c, decision.reason() + "; read back from the server and copied to this connection's"
                + " other nodes before they next run a statement", status, Cause.SESSION);
        return result;
    }

    /**
     * The node whose session is the logical connection's: the open transaction's node, else the primary, else (the
     * primary unreachable) the replica. Brought up to date, ready for a statement or a session setter.
     */
    private Physical sessionHome() throws SQLException {
        Physical home;
        if (router.inTransaction()) {
            home = router.transactionRoute() == Route.REPLICA && nodes.currentReplica() != null
                    ? nodes.currentReplica() : nodes.primary();
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
     * Brings a physical connection to the session's state before it runs a statement. False when a replica cannot
     * take it (a role or setting not replayed there yet): the statement then runs on the primary.
     */
    private boolean bringUpToDate(Physical physical) throws SQLException {
        if (serverSession == null) {
            return true;
        }
        try {
            if (!serverSession.bringUpToDate(physical)) {
                // It carries a custom setting this session never defined (pooled): not lent again. A primary's is
                // replaced by another (the statement then runs there); a read runs on the primary.
                if (physical == nodes.primaryIfOpen()) {
                    nodes.dropPrimary();
                } else {
                    physical.discardOnRelease = true;
                }
                return false;
            }
            return true;
        } catch (SQLException e) {
            if (!nodes.isReplica(physical) || router.inTransaction()) {
                throw e;
            }
            LOG.log(Level.FINE, "Replica " + physical.node + " could not take the session state: " + e.getMessage());
            serverSession.forget(physical);
            return false;
        }
    }

    /**
     * What the server says after a statement ran or failed on {@code physical}: whether a transaction is open there,
     * and, after a statement that may have changed the session, the session itself.
     */
    private TxStatus afterStatement(Physical physical, String sql, Classification c, boolean succeeded)
            throws SQLException {
        TxStatus status = serverSession == null ? TxStatus.UNKNOWN : ServerObservation.transactionStatus(physical.connection);
        router.observed(c, physical.role(), physical.node.toString(), status);
        if (serverSession != null) {
            if (c.changesSession()) {
                if (status == TxStatus.IDLE) {
                    // A function may set a custom setting by name, unseen in this statement's text.
                    serverSession.learnNames(cluster.volatility().settingsSetByFunctions(physical.connection));
                }
                serverSession.changed(physical, sql, status, succeeded);
            } else if (status == TxStatus.IDLE) {
                serverSession.transactionEnded();
            }
        }
        return status;
    }

    private <T> T runEverywhere(StatementProxy owner, String sql, Classification c, Decision decision,
                                PhysicalCall<T> call) throws SQLException {
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
        StringBuilder nodes = new StringBuilder();
        for (Physical physical : targets) {
            nodes.append(nodes.length() == 0 ? "" : ", ").append(physical.node);
        }
        served(sql, targets.get(0), Route.ALL, c, decision.reason() + "; replayed on connections opened later",
                TxStatus.UNKNOWN, Cause.SESSION);
        lastRouting = new RoutingDecision(Route.ALL, nodes.toString(), lastRouting.reason());
        return first;
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

    private void served(String sql, Physical physical, Route route, Classification c, String reason, TxStatus status,
                        Cause cause) {
        router.completed(c, physical.role(), physical.node.toString(), status);
        cluster.statistics().served(physical.node, c.route() == Route.REPLICA || c.isHinted(), cause);
        if (c.changesSchema()) {
            cluster.volatility().invalidate();
        }
        lastServed = physical;
        String node = physical.node.toString();
        RoutingDecision last = lastRouting;
        // The same statement routed the same way again (the common case) keeps the decision it had.
        if (last == null || last.route() != route || last.node() != node || last.reason() != reason) {
            lastRouting = new RoutingDecision(route, node, reason);
        }
        if (ROUTING_LOG.isLoggable(routingLevel)) {
            // One line to match with the server's own log: this connection, where and why, and what (literals masked).
            ROUTING_LOG.log(routingLevel, "c" + id + " " + route + " on " + node + serverProcess(physical) + ": " + reason
                    + " | " + (sql == null ? "-" : Fingerprint.of(sql, config.dialect()).shape()));
        }
    }

    /** The server process that holds the physical connection's session, for log lines; empty where unknown. */
    String serverProcess(Physical physical) {
        return "";
    }

    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
    /** This logical connection's number in this JVM, in routing log lines. */
    private final long id = IDS.incrementAndGet();

    /** A row was changed through an updatable result set: a write, for read-your-writes. */
    void wroteDirectly(String what) {
        router.wroteOutsideRouting();
    }

    /** The physical connection a statement classified as {@code c} would use now, opened if needed. */
    Physical resolve(Classification c) throws SQLException {
        checkOpen();
        Decision decision = router.decide(c);
        if (decision.route() == Route.PRIMARY) {
            return nodes.primary();
        }
        return nodes.readNode(router.isPinned());
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
        return lastServed;
    }

    // ---------------------------------------------------------------- the wrapped driver's own API

    /**
     * Runs a call of the wrapped driver's own API (COPY, large objects) as a statement classified as {@code c}:
     * routed, observed and counted for read-your-writes as SQL of that kind would be.
     */
    <T> T runDriverCall(String what, Classification c, PhysicalCall<T> call) throws SQLException {
        return run(null, what, c, call);
    }

    /**
     * The node that holds this connection's session (the open transaction's, else the primary, else, with the
     * primary unreachable, the replica), brought up to date: where {@code LISTEN} ran and session changes run.
     */
    Physical sessionNode() throws SQLException {
        lock.lock();
        try {
            checkOpen();
            return serverSession != null ? sessionHome() : nodes.primary();
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
        return running;
    }

    // ---------------------------------------------------------------- statements

    void forget(StatementProxy statement) {
        synchronized (statements) {
            statements.remove(statement);
        }
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

    /**
     * The open physical connection a statement classified as {@code c} would most likely run on (null: a statement
     * whose SQL comes later, which the session's node answers for); opens nothing.
     */
    Physical likelyNode(Classification c) {
        if (c != null && c.route() == Route.REPLICA && !router.isPinned() && !router.inTransaction()) {
            Physical replica = nodes.currentReplica();
            if (replica != null) {
                return replica;
            }
        }
        return nodes.anyOpen();
    }

    /** Whether close() was called (no check, no side effect). */
    boolean closedFlag() {
        return closed;
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
        synchronized (statements) {
            statements.add(statement);
        }
        return statement;
    }

    @Override
    public Statement createStatement() throws SQLException {
        checkOpen();
        return track(newStatement(java.sql.Connection::createStatement));
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
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        checkOpen(sql);
        checkResultSetArguments(resultSetType, resultSetConcurrency, resultSetHoldability);
        return track(madeNow(newPrepared(sql,
                c -> c.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability))
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
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        checkOpen(sql);
        checkResultSetArguments(resultSetType, resultSetConcurrency, ResultSet.CLOSE_CURSORS_AT_COMMIT);
        return track(onPrimaryNow(newCallable(sql, c -> c.prepareCall(sql, resultSetType, resultSetConcurrency))));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        checkOpen(sql);
        checkResultSetArguments(resultSetType, resultSetConcurrency, resultSetHoldability);
        return track(onPrimaryNow(newCallable(sql,
                c -> c.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability))));
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return onNode(self -> nodes.readNode(router.isPinned()).connection.nativeSQL(sql));
    }

    // ---------------------------------------------------------------- transactions

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            if (autoCommit == session.autoCommit()) {
                return;
            }
            if (transactionLost) {
                // Switching autocommit on would commit it: it is gone, so the switch says so, as commit() would.
                transactionLost = false;
                nodes.open().forEach(physical -> endQuietly(physical, c -> c.setAutoCommit(autoCommit)));
                session.autoCommit(autoCommit);
                endTransaction(false);
                throw Errors.transactionLost();
            }
            // Switching autocommit on commits the open transaction (JDBC).
            endOnEveryNode(c -> c.setAutoCommit(autoCommit));
            session.autoCommit(autoCommit);
            if (autoCommit) {
                endTransaction(true);
            }
        } finally {
            unlock();
        }
    }

    /**
     * Ends the transaction: on its node first, so that a failure there reaches the caller before anything else
     * changes; then quietly on the others, which have nothing of the application's to end.
     */
    private void endOnEveryNode(SqlConsumer<Connection> end) throws SQLException {
        Physical transaction = transactionPhysicalIfOpen();
        if (transaction != null) {
            end.accept(transaction.connection);
        }
        for (Physical physical : nodes.open()) {
            if (physical != transaction) {
                endQuietly(physical, end);
            }
        }
    }

    /** The physical connection the open transaction is bound to, or null when none is bound. */
    private Physical transactionPhysicalIfOpen() {
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

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return session.autoCommit();
    }

    @Override
    public void commit() throws SQLException {
        lock.lock();
        try {
            checkOpen();
            if (session.autoCommit()) {
                throw Errors.noTransaction("Cannot commit when autoCommit is enabled");
            }
            if (transactionLost) {
                transactionLost = false;
                endTransaction(false);
                throw Errors.transactionLost();
            }
            endOnEveryNode(Connection::commit);
            endTransaction(true);
        } finally {
            unlock();
        }
    }

    @Override
    public void rollback() throws SQLException {
        lock.lock();
        try {
            checkOpen();
            if (session.autoCommit()) {
                throw Errors.noTransaction("Cannot rollback when autoCommit is enabled");
            }
            if (transactionLost) {
                // Nothing to roll back: the transaction went with the primary's connection.
                transactionLost = false;
                endTransaction(false);
                return;
            }
            endOnEveryNode(Connection::rollback);
            endTransaction(false);
        } finally {
            unlock();
        }
    }

    private void endTransaction(boolean committed) throws SQLException {
        Route transactionRoute = router.transactionRoute();
        // A rolled-back transaction wrote nothing that later reads must wait for.
        router.transactionEnded(committed);
        if (committed && !pendingSessionChanges.isEmpty()) {
            for (Physical physical : nodes.open()) {
                if (physical.role() == transactionRoute) {
                    continue;
                }
                for (PendingChange change : pendingSessionChanges) {
                    change.action.applyTo(physical.connection);
                }
                if (!session.autoCommit()) {
                    // Without autocommit the replay opened a transaction on that node: end it now.
                    physical.connection.commit();
                }
            }
            for (PendingChange change : pendingSessionChanges) {
                remember(change.setting, change.action, change.reset);
            }
        }
        pendingSessionChanges.clear();
        if (serverSession != null) {
            serverSession.transactionEnded();
        }
        releaseUnneeded();
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
        Physical physical = resolve(Classification.followsTransaction("savepoint"));
        router.bind(physical.role(), physical.node.toString());
        return physical;
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            if (session.propagatesReadOnly()) {
                // The transaction's node first: inside a transaction the wrapped driver refuses the change (PgJDBC with
                // 25001), and then nothing changes anywhere, as on one connection.
                Physical transaction = transactionPhysicalIfOpen();
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
        } finally {
            unlock();
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return session.readOnly();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            if (serverSession != null) {
                onSessionHome(c -> c.setTransactionIsolation(level));
                return;
            }
            nodes.writeThrough(c -> c.setTransactionIsolation(level));
            session.isolation(level);
        } finally {
            unlock();
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        lock.lock();
        try {
            checkOpen();
            if (serverSession != null) {
                return sessionHome().connection.getTransactionIsolation();
            }
            Integer level = session.isolation();
            return level != null ? level : nodes.readNode(router.isPinned()).connection.getTransactionIsolation();
        } finally {
            unlock();
        }
    }

    /**
     * A JDBC setter that the driver turns into a session setting (PgJDBC's {@code setSchema} is {@code SET
     * search_path}): it runs on the session's node and is read back from there like any SQL session change, so that
     * a later {@code RESET ALL} or {@code DISCARD ALL} undoes it everywhere, as it would on one connection.
     */
    private void onSessionHome(SqlConsumer<Connection> change) throws SQLException {
        Physical home = sessionHome();
        try {
            change.accept(home.connection);
        } finally {
            serverSession.changed(home, null, ServerObservation.transactionStatus(home.connection));
        }
    }

    // ---------------------------------------------------------------- other session state

    @Override
    public void setCatalog(String catalog) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            nodes.writeThrough(c -> c.setCatalog(catalog));
            session.catalog(catalog);
        } finally {
            unlock();
        }
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return session.catalog() != null ? session.catalog()
                : onNode(self -> nodes.readNode(router.isPinned()).connection.getCatalog());
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            if (serverSession != null) {
                onSessionHome(c -> c.setSchema(schema));
                return;
            }
            nodes.writeThrough(c -> c.setSchema(schema));
            session.schema(schema);
        } finally {
            unlock();
        }
    }

    @Override
    public String getSchema() throws SQLException {
        lock.lock();
        try {
            checkOpen();
            if (serverSession != null) {
                return sessionHome().connection.getSchema();
            }
            return session.schema() != null ? session.schema() : nodes.readNode(router.isPinned()).connection.getSchema();
        } finally {
            unlock();
        }
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
        return session.holdability() != null ? session.holdability()
                : onNode(self -> nodes.readNode(router.isPinned()).connection.getHoldability());
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        return session.typeMap() != null ? session.typeMap()
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
            if (closed) {
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
            onSessionHome(c -> { });
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), e.getErrorCode(), null, e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        lock.lock();
        try {
            if (closed) {
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
        result.putAll(onNode(self -> nodes.readNode(router.isPinned()).connection.getClientInfo()));
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
        return timeout != null ? timeout : onNode(self -> nodes.readNode(router.isPinned()).connection.getNetworkTimeout());
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
        return lastServed == null ? null : lastServed.connection.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        onNode(self -> {
            nodes.writeThrough(c -> c.clearWarnings());
            return null;
        });
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
                    // A dead replica only costs this connection its replica: reads will use another one.
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
        if (!closed && (sessionClosedByServer || sessionLost())) {
            try {
                checkOpen();
            } catch (SQLException closedByTheServer) {
                return true;
            }
        }
        return closed;
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        cluster.connectionClosed();
        Physical busy = running;
        if (busy != null) {
            // A statement runs there now (closed from another thread): the connection is closed, not lent again.
            busy.discardOnRelease = true;
        }
        List<StatementProxy> open;
        synchronized (statements) {
            open = new ArrayList<>(statements);
            statements.clear();
        }
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
        if (closed) {
            return;
        }
        closed = true;
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
        if (type != ResultSet.TYPE_FORWARD_ONLY && type != ResultSet.TYPE_SCROLL_INSENSITIVE
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

    void checkOpen() throws SQLException {
        if (closed) {
            throw asNodeDriverError(Errors.closed("Connection"));
        }
        if (sessionClosedByServer) {
            closeQuietly();
            throw Errors.closed("Connection (the server closed its session)");
        }
        if (sessionLost()) {
            if (primaryAnswers()) {
                // The primary is there, but closed this session (a fatal error, a client_encoding the driver refuses):
                // the session is gone, and so is this connection, as the wrapped driver's would be.
                closeQuietly();
                throw Errors.closed("Connection (the primary closed its session)");
            }
            // The primary is down: reads go on on the replicas; a write tries to reopen it. A transaction that ran there
            // is lost, and says so until the application ends it.
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
    }

    /**
     * A session change closed the connection it ran on (PgJDBC closes itself when the server's DateStyle or
     * client_encoding changes to what it cannot read): the session is gone, as it would be on one connection.
     */
    private boolean sessionClosedByServer;

    private void noteSessionClosedBy(Classification c, Physical physical) {
        try {
            if (c.changesSession() && physical.connection.isClosed()) {
                sessionClosedByServer = true;
            }
        } catch (SQLException e) {
            sessionClosedByServer = true;
        }
    }

    /** The open transaction ran on a primary connection that broke: every statement fails until it ends. */
    private boolean transactionLost;

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
            try (java.sql.Connection probe = cluster.openPrimary(current, config)) {
                return probe != null;
            }
        } catch (SQLException e) {
            return false;
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
        return lastRouting;
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

    private static final String TOKEN_PREFIX = "rjdbc-lsn:";

    @Override
    public String readYourWritesToken() throws SQLException {
        lock.lock();
        try {
            checkOpen();
            ReadYourWritesPolicy.Positions own = positionsForTokens();
            long required = readYourWrites.required(own, gateNodes);
            return required == WalPosition.NONE ? null : TOKEN_PREFIX + WalPosition.format(required);
        } finally {
            unlock();
        }
    }

    @Override
    public void readYourWrites(String token) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            ReadYourWritesPolicy.Positions own = positionsForTokens();
            if (token == null || !token.startsWith(TOKEN_PREFIX)) {
                throw Errors.badArgument("Not a read-your-writes token of this driver: " + token);
            }
            try {
                own.require(WalPosition.parse(token.substring(TOKEN_PREFIX.length())));
            } catch (IllegalArgumentException e) {
                throw Errors.badArgument("Not a read-your-writes token of this driver: " + token);
            }
        } finally {
            unlock();
        }
    }

    private ReadYourWritesPolicy.Positions positionsForTokens() throws SQLException {
        ReadYourWritesPolicy.Positions own = router.positions();
        if (own == null) {
            throw Errors.notSupported("Read-your-writes tokens need readYourWrites=lsn on PostgreSQL");
        }
        return own;
    }

    @Override
    public io.replicatedjdbc.ReplicatedConfigurationMXBean configurationStatistics() {
        return cluster.statistics();
    }

    @Override
    public io.replicatedjdbc.ReadYourWritesCounters readYourWritesCounters() {
        return cluster.readYourWritesStatistics().snapshot();
    }

    @Override
    public boolean isPinnedToPrimary() {
        return router.isPinned();
    }

    @Override
    public RoutingDecision explain(String sql) throws SQLException {
        lock.lock();
        try {
            checkOpen();
            // What the statement would do now: resolved against the catalog, as run() resolves it.
            Decision decision = router.decide(resolved(sql, classify(sql)));
            String node;
            switch (decision.route()) {
                case PRIMARY:
                    node = config.primary().toString();
                    break;
                case REPLICA:
                    node = nodes.currentReplica() != null ? nodes.currentReplica().node.toString() : "a replica";
                    break;
                default:
                    node = "every open connection";
            }
            return new RoutingDecision(decision.route(), node, decision.reason());
        } finally {
            unlock();
        }
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        lock.lock();
        try {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            checkOpen();
            java.sql.Connection physical = heldByApplication();
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
        Physical transaction = transactionPhysicalIfOpen();
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
            java.sql.Connection physical = nodes.primary().connection;
            return iface.isInstance(physical) || physical.isWrapperFor(iface);
        });
    }

    @Override
    public String toString() {
        return "ReplicatedConnection[" + config.displayUrl() + "]";
    }
}
