package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.route.Decision;
import io.replicatedjdbc.internal.route.ReadYourWritesGate;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.ServerSession;
import io.replicatedjdbc.internal.session.SessionState;
import io.replicatedjdbc.internal.session.TxStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The path of one statement of a logical connection, in stages: placed ({@link Placement}), admitted to a physical
 * connection ({@link Readiness}: lag, read-your-writes, session state), run, observed ({@link Observer},
 * {@link Journal}), and on failure run again where {@link Failures} says, or given up. Session changes take their own
 * path ({@link SessionChanges}). Pooled, what the statement borrowed goes back at the end unless something keeps it
 * ({@link Leases}).
 *
 * <p>The physical call runs in {@link #run}'s own frame: between the application's call and the wrapped driver there
 * are the wrapper's method and its {@code route}, this one and the call itself, four frames ({@code
 * StatementFramesTest}).
 */
public final class StatementPath {

    private final Cluster cluster;
    private final Config config;
    private final Router router;
    private final PhysicalConnections nodes;
    /** Whether the server is asked about each statement (PgJDBC), or only the SQL is seen (other drivers). */
    private final boolean observesServer;
    /** Null when dedicated. */
    private final Leases leases;

    private final ReentrantLock lock;
    private final Host host;
    private final Liveness liveness;
    private final Placement placement;
    private final Readiness readiness;
    private final Failures failures;
    private final Observer observer;
    private final Journal journal;
    private final SessionChanges sessionChanges;

    /**
     * The path of one logical connection's statements, with its stages. {@code readingFrom} says whether results still
     * open are read from a physical connection; {@code serverProcess} names a physical connection's server process
     * for the routing log.
     */
    public StatementPath(
            Cluster cluster,
            Config config,
            SessionState session,
            ServerSession serverSession,
            Router router,
            PhysicalConnections nodes,
            Leases leases,
            ReentrantLock lock,
            Host host,
            Predicate<Physical> readingFrom,
            Function<Physical, String> serverProcess) {
        this.cluster = cluster;
        this.config = config;
        this.router = router;
        this.nodes = nodes;
        this.observesServer = serverSession != null;
        this.leases = leases;
        this.lock = lock;
        this.host = host;
        this.liveness = new Liveness(cluster, config, router, nodes);
        this.placement = new Placement(cluster, router, session, serverSession, nodes, config.primary());
        this.observer = new Observer(router, serverSession, cluster.volatility());
        this.failures = new Failures(cluster, config, nodes, observer, liveness, host);
        ReadYourWritesGate readYourWrites = new ReadYourWritesGate(
                cluster.positions(), cluster.readYourWritesStatistics(), config.readYourWritesWaitMillis());
        this.readiness = new Readiness(
                cluster,
                router,
                nodes,
                serverSession,
                readYourWrites,
                failures,
                readingFrom,
                config.readYourWritesTables() && router.positions() != null);
        if (config.readYourWritesTables() && router.positions() != null) {
            // What a write changed is resolved as it commits, on the primary connection (idle then).
            router.writeScopes(write -> cluster.tables().writeScope(write, readiness.catalogConnection()));
        }
        this.journal = new Journal(cluster, config, router, serverProcess);
        this.sessionChanges = new SessionChanges(session, serverSession, router, nodes, observer, liveness, journal);
    }

    public Liveness liveness() {
        return liveness;
    }

    public Placement placement() {
        return placement;
    }

    public Readiness readiness() {
        return readiness;
    }

    public Journal journal() {
        return journal;
    }

    public SessionChanges sessionChanges() {
        return sessionChanges;
    }

    /**
     * Runs one statement's physical call where the router sends it: on the primary, on a replica (another replica,
     * then the primary, when one cannot take it or fails during an autocommit read), or, for a session change, on the
     * session's node (with other drivers, on every open physical connection, recorded for those opened later).
     * {@code owner} is the logical statement, or null for a call of the wrapped driver's own API.
     */
    public <T> T run(LogicalStatement owner, String sql, Classification classification, PhysicalCall<T> call)
            throws SQLException {
        lock.lock();
        try {
            host.checkOpen();
            if (liveness.transactionLost()) {
                throw Errors.transactionLost();
            }
            Classification c = placement.resolved(sql, classification);
            Decision decision = router.decide(c);
            if (decision.route() == Route.ALL) {
                return sessionChanges.run(owner, sql, c, decision, call);
            }
            Attempt attempt = placement.first(c, decision);
            while (true) {
                attempt = readiness.admit(attempt);
                Physical physical = attempt.physical();
                // An autocommit read on a replica may be aborted by the monitor if the host hangs: it then runs
                // elsewhere. (Only where the monitor runs, which is what aborts them.)
                int abortable = attempt.mayRunAgain() && config.hasWalPositions() && nodes.isReplica(physical)
                        ? cluster.readStarted(physical.node, physical.connection)
                        : NOT_ABORTABLE;
                liveness.running(physical);
                T result;
                try {
                    result = call.run(physical);
                } catch (SQLException e) {
                    ended(physical, abortable);
                    attempt = failures.next(attempt, e, sql, call.mayRunAgain());
                    continue;
                }
                ended(physical, abortable);
                served(owner, sql, classification, attempt, result);
                return result;
            }
        } finally {
            if (liveness.isClosed()) {
                // closed from another thread meanwhile: release what this statement may have opened after close()
                nodes.closeAll(router.isPinned());
            } else {
                releaseUnneeded();
            }
            lock.unlock();
        }
    }

    /** Not registered as a read the monitor may abort (see {@link Cluster#readStarted}). */
    private static final int NOT_ABORTABLE = Integer.MIN_VALUE;

    private void ended(Physical physical, int abortable) {
        liveness.running(null);
        if (abortable != NOT_ABORTABLE) {
            cluster.readEnded(physical.node, physical.connection, abortable);
        }
    }

    /** After the call succeeded: results kept, the server observed, the statement journaled. */
    private void served(LogicalStatement owner, String sql, Classification asClassified, Attempt attempt, Object result)
            throws SQLException {
        Physical physical = attempt.physical();
        if (owner != null && (!observesServer || result instanceof ResultSet || Boolean.TRUE.equals(result))) {
            // Its results are read from this connection until closed (with other drivers, also its generated keys,
            // which SQLite asks the connection for): kept until then.
            owner.resultsOn(physical);
            if (leases != null) {
                leases.resultsLeft(owner);
            }
        }
        Classification c = attempt.classification();
        TxStatus status = observer.after(physical, sql, c, true);
        if (c.route() == Route.ALL && !observesServer) {
            sessionChanges.ranInTransaction(owner, sql, c);
        }
        journal.served(sql, attempt, status);
        if (leases != null && leases.holding() == null && asClassified.namesBackendProcess(sql)) {
            // pg_backend_pid() names one backend: the application expects it to stay this connection's, as on one
            // PgJDBC connection (to cancel it, to match it in the server's log); kept from now on.
            leases.holdBackends("a statement asked for pg_backend_pid()");
        }
        // Only code that may write can leave session objects: a read whose functions and views the catalog found
        // STABLE or IMMUTABLE (one sent to the primary for read-your-writes, say) is not asked about.
        if (leases != null
                && observesServer
                && status == TxStatus.IDLE
                && physical.node.isPrimary()
                && !router.isPinned()
                && ((asClassified.needsResolving() && c.route() != Route.REPLICA) || SessionObjects.runsCode(sql))) {
            SessionObjects.observe(physical, sql, router, config.dialect());
        }
    }

    /** Pooled: gives back the physical connections the logical connection does not need now (see {@link Leases}). */
    public void releaseUnneeded() {
        if (leases != null) {
            leases.releaseUnneeded();
        }
    }
}
