package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.Route;

/** The router's answer for one statement: a route and the reason for it. */
public final class Decision {

    private final Route route;
    private final String reason;
    private final Cause cause;

    Decision(Route route, String reason, Cause cause) {
        this.route = route;
        this.reason = reason;
        this.cause = cause;
    }

    /** Why, as a kind that can be counted. */
    public Cause cause() {
        return cause;
    }

    public Route route() {
        return route;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return route + ": " + reason;
    }
}
