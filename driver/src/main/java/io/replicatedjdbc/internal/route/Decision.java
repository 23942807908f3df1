package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.Route;

/** The router's answer for one statement: a route and the reason for it. */
public final class Decision {

    private final Route route;
    private final String reason;

    Decision(Route route, String reason) {
        this.route = route;
        this.reason = reason;
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
