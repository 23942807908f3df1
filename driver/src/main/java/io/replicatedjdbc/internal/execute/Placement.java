package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.RoutingDecision;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.cluster.FunctionVolatility;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.route.Decision;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.ServerObservation;
import io.replicatedjdbc.internal.session.ServerSession;
import io.replicatedjdbc.internal.session.SessionState;
import java.sql.SQLException;

/**
 * The first stage of a statement: its classification as the session's server reads it, refined by the catalog, and
 * the router's decision made into the first attempt.
 */
public final class Placement {

    private final Cluster cluster;
    private final Router router;
    private final SessionState session;
    /** Null where the server is not asked (other drivers than PgJDBC). */
    private final ServerSession serverSession;

    private final PhysicalConnections nodes;
    /** The configured primary, as explain names it. */
    private final NodeSpec primary;
    /** Where the catalog is asked about a statement: the connection that statement would use. */
    private final FunctionVolatility.ConnectionSource catalogSource = statement -> physicalFor(statement).connection;

    public Placement(
            Cluster cluster,
            Router router,
            SessionState session,
            ServerSession serverSession,
            PhysicalConnections nodes,
            NodeSpec primary) {
        this.cluster = cluster;
        this.router = router;
        this.session = session;
        this.serverSession = serverSession;
        this.nodes = nodes;
        this.primary = primary;
    }

    /**
     * Classifies SQL as the session's server will lex it: with standard_conforming_strings off (as PgJDBC last heard
     * from the server), a backslash escapes the next character inside {@code '...'}.
     */
    public Classification classify(String sql) {
        boolean backslashStrings = false;
        if (serverSession != null) {
            Physical home = nodes.anyOpen();
            backslashStrings = home != null
                    ? ServerObservation.backslashStrings(home.connection)
                    : "off".equals(serverSession.state().get("standard_conforming_strings"));
        }
        return cluster.classifier().classify(sql, backslashStrings);
    }

    /**
     * The classification as the database resolves it: a read that calls user functions, or names relations that may
     * be views, becomes a write when the catalog says one may write (looked up once per name and configuration).
     */
    public Classification resolved(String sql, Classification c) {
        if (c.route() == Route.REPLICA) {
            String refused = cluster.refusedByReplica(sql);
            if (refused != null) {
                return Classification.write(refused);
            }
        }
        return c.needsResolving() ? cluster.volatility().refine(c, catalogSource) : c;
    }

    /** The first attempt of a statement the router decided to run on one node. */
    public Attempt first(Classification c, Decision decision) {
        boolean mayRunAgain = decision.route() == Route.REPLICA && session.autoCommit() && !router.inTransaction();
        return Attempt.first(c, decision, mayRunAgain);
    }

    /** What a statement would do now, resolved against the catalog as the statement path resolves it. */
    public RoutingDecision explain(String sql) throws SQLException {
        Decision decision = router.decide(resolved(sql, classify(sql)));
        String node;
        switch (decision.route()) {
            case PRIMARY:
                node = primary.toString();
                break;
            case REPLICA:
                Physical replica = nodes.currentReplica();
                node = replica != null ? replica.node.toString() : "a replica";
                break;
            default:
                node = "every open connection";
        }
        return new RoutingDecision(decision.route(), node, decision.reason());
    }

    /**
     * The open physical connection a statement classified as {@code c} would most likely run on (null: a statement
     * whose SQL comes later, which the session's node answers for); opens nothing.
     */
    public Physical likelyNode(Classification c) {
        if (c != null && c.route() == Route.REPLICA && !router.isPinned() && !router.inTransaction()) {
            Physical replica = nodes.currentReplica();
            if (replica != null) {
                return replica;
            }
        }
        return nodes.anyOpen();
    }

    /** The physical connection a statement classified as {@code c} would use now, opened if needed. */
    public Physical physicalFor(Classification c) throws SQLException {
        Decision decision = router.decide(c);
        if (decision.route() == Route.PRIMARY) {
            return nodes.primary();
        }
        return nodes.readNode(router.isPinned());
    }
}
