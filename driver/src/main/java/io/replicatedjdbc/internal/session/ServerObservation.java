package io.replicatedjdbc.internal.session;

import java.sql.Connection;

/**
 * Entry point to what the server reports about a session, where the wrapped driver exposes it (PgJDBC). Every
 * method answers "unknown" when PgJDBC is absent, without loading any of its classes.
 */
public final class ServerObservation {

    private static final boolean PGJDBC = present("org.postgresql.core.BaseConnection");

    private ServerObservation() {
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, ServerObservation.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether PgJDBC is visible to this driver's class loader. */
    public static boolean pgJdbcPresent() {
        return PGJDBC;
    }

    /** The connection's transaction status as its server last reported it, or {@link TxStatus#UNKNOWN}. */
    public static TxStatus transactionStatus(Connection connection) {
        return PGJDBC ? PgProtocol.transactionStatus(connection) : TxStatus.UNKNOWN;
    }

    /** Whether the session takes backslash escapes in {@code '...'} strings (standard_conforming_strings off). */
    public static boolean backslashStrings(Connection connection) {
        return PGJDBC && PgProtocol.backslashStrings(connection);
    }
}
