package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.RoutingDecision;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.classify.Fingerprint;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.route.Cause;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.TxStatus;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where each statement of a logical connection ran and why: told to the router (read-your-writes, transaction), the
 * statistics and, when asked for, the routing log; kept as {@code lastRouting()}.
 */
public final class Journal {

    private static final Logger ROUTING_LOG = Logger.getLogger("io.replicatedjdbc.routing");
    private static final AtomicLong IDS = new AtomicLong();

    private final Cluster cluster;
    private final Config config;
    private final Router router;
    private final Level routingLevel;
    /** The server process that holds a physical connection's session, for log lines; empty where unknown. */
    private final Function<Physical, String> serverProcess;
    /** This logical connection's number in this JVM, in routing log lines. */
    private final long id = IDS.incrementAndGet();

    private volatile RoutingDecision lastRouting;
    private Physical lastServed;

    public Journal(Cluster cluster, Config config, Router router, Function<Physical, String> serverProcess) {
        this.cluster = cluster;
        this.config = config;
        this.router = router;
        this.serverProcess = serverProcess;
        this.routingLevel = config.logRouting() ? Level.INFO : Level.FINE;
    }

    /** A statement served by {@code attempt}: where it ran and why. */
    public void served(String sql, Attempt attempt, TxStatus status) {
        Physical physical = attempt.physical();
        served(sql, physical, physical.role(), attempt.classification(), attempt.reason(), status, attempt.cause());
    }

    public void served(
            String sql, Physical physical, Route route, Classification c, String reason, TxStatus status, Cause cause) {
        router.completed(c, physical.role(), physical.node.toString(), status);
        cluster.statistics().served(physical.node, c.route() == Route.REPLICA || c.isHinted(), cause);
        if (c.changesSchema()) {
            cluster.volatility().invalidate();
            cluster.tables().invalidate();
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
            ROUTING_LOG.log(
                    routingLevel,
                    "c" + id + " " + route + " on " + node + serverProcess.apply(physical) + ": " + reason + " | "
                            + (sql == null
                                    ? "-"
                                    : Fingerprint.of(sql, config.dialect()).shape()));
        }
    }

    /** A session change ran on each of {@code nodes}: the last decision names them all. */
    void servedEverywhere(String nodes) {
        lastRouting = new RoutingDecision(Route.ALL, nodes, lastRouting.reason());
    }

    public RoutingDecision lastRouting() {
        return lastRouting;
    }

    /** The physical connection that served the last statement, or null. */
    public Physical lastServed() {
        return lastServed;
    }
}
