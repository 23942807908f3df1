package io.replicatedjdbc;

import java.util.Objects;

/**
 * Where one statement ran and why: the route, the node that served it, and a reason a person can read
 * (for example {@code REPLICA on replica2 (db2:5432): SELECT}, or {@code PRIMARY on primary (db1:5432):
 * read-your-writes, last write 120 ms ago}).
 */
public final class RoutingDecision {

    private final Route route;
    private final String node;
    private final String reason;

    public RoutingDecision(Route route, String node, String reason) {
        this.route = Objects.requireNonNull(route, "route");
        this.node = Objects.requireNonNull(node, "node");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The route the statement took. A read that fell back to the primary has route PRIMARY. */
    public Route route() {
        return route;
    }

    /** The node that served the statement, as {@code name (host:port)} or {@code name (file)}; for ALL, every node. */
    public String node() {
        return node;
    }

    /** Why the statement went there. */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RoutingDecision)) {
            return false;
        }
        RoutingDecision other = (RoutingDecision) o;
        return route == other.route && node.equals(other.node) && reason.equals(other.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(route, node, reason);
    }

    @Override
    public String toString() {
        return route + " on " + node + ": " + reason;
    }
}
