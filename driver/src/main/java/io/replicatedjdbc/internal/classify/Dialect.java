package io.replicatedjdbc.internal.classify;

import java.util.Locale;

/** The SQL dialect of the wrapped database, chosen from the wrapped URL's subprotocol. */
public enum Dialect {
    POSTGRESQL,
    SQLITE,
    /** Any other database: PostgreSQL's lexical rules, without the dialect's own statements. */
    GENERIC;

    public static Dialect forSubprotocol(String subprotocol) {
        switch (subprotocol.toLowerCase(Locale.ROOT)) {
            case "postgresql":
            case "pgsql":
                return POSTGRESQL;
            case "sqlite":
                return SQLITE;
            default:
                return GENERIC;
        }
    }
}
