package io.replicatedjdbc.internal.session;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point to what the server reports about a session, where the wrapped driver exposes it (PgJDBC). Every
 * method answers "unknown" when PgJDBC is absent, without loading any of its classes.
 */
public final class ServerObservation {

    private static final boolean PGJDBC = present("org.postgresql.core.BaseConnection");

    private ServerObservation() {}

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

    /**
     * The first column of the first row of a query run on {@code node} without opening a transaction there, whatever
     * its autocommit setting (a transaction already open there is used as it is).
     */
    public static String queryOutsideTransaction(Connection node, String sql) throws SQLException {
        boolean autoCommit = node.getAutoCommit();
        boolean toggle = !autoCommit && transactionStatus(node) == TxStatus.IDLE;
        if (toggle) {
            node.setAutoCommit(true);
        }
        try (Statement statement = node.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } finally {
            if (toggle) {
                node.setAutoCommit(false);
            }
        }
    }

    /**
     * As {@link #queryOutsideTransaction(Connection, String)}, for a query whose parameters are text arrays, one an
     * element of {@code arrays}.
     */
    public static String queryOutsideTransaction(Connection node, String sql, String[]... arrays) throws SQLException {
        boolean autoCommit = node.getAutoCommit();
        boolean toggle = !autoCommit && transactionStatus(node) == TxStatus.IDLE;
        if (toggle) {
            node.setAutoCommit(true);
        }
        List<Array> bound = new ArrayList<>(arrays.length);
        try (PreparedStatement statement = node.prepareStatement(sql)) {
            for (int i = 0; i < arrays.length; i++) {
                Array array = node.createArrayOf("text", arrays[i]);
                bound.add(array);
                statement.setArray(i + 1, array);
            }
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } finally {
            for (Array array : bound) {
                array.free();
            }
            if (toggle) {
                node.setAutoCommit(false);
            }
        }
    }

    /** Whether the session takes backslash escapes in {@code '...'} strings (standard_conforming_strings off). */
    public static boolean backslashStrings(Connection connection) {
        return PGJDBC && PgProtocol.backslashStrings(connection);
    }
}
