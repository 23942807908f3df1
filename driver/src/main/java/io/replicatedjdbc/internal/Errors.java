package io.replicatedjdbc.internal;

import io.replicatedjdbc.internal.config.Redaction;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;

/**
 * The driver's own errors, all made here so that their SQLStates stay consistent. Errors raised by the
 * wrapped drivers are never made here: they pass through unchanged.
 */
public final class Errors {

    /** Cannot establish the connection: bad URL, or the primary cannot be reached. */
    public static final String CONNECTION_FAILED = "08001";
    /** The connection is closed. */
    public static final String CONNECTION_CLOSED = "08003";
    /** An option has a value we do not accept. */
    public static final String INVALID_OPTION_VALUE = "22023";
    /** The feature is not supported by this driver. */
    public static final String NOT_SUPPORTED = "0A000";
    /** A null where a value is required (the SQL of a statement). */
    public static final String NULL_VALUE = "22004";
    /** A connection to a node broke. */
    public static final String CONNECTION_LOST = "08006";
    /** Object not in prerequisite state. */
    public static final String OBJECT_NOT_IN_STATE = "55000";
    /** A write inside a read-only transaction. */
    public static final String READ_ONLY_TRANSACTION = "25006";
    /** No transaction is open: commit() or rollback() in autocommit mode. */
    public static final String NO_ACTIVE_TRANSACTION = "25P01";
    /** A call made in the wrong order, for example reading results before executing. */
    public static final String FUNCTION_SEQUENCE = "HY010";

    private Errors() {}

    /**
     * The URL and the problem are masked apart and joined by "; ", which no secret value runs across: masked as one
     * text, a password at the URL's end took the separator with it ("...password=*** replica host 1 ...").
     */
    public static SQLException badUrl(String url, String problem) {
        return new SQLNonTransientConnectionException(
                "Invalid replicated URL " + Redaction.redact(url) + "; " + Redaction.redact(problem),
                CONNECTION_FAILED);
    }

    public static SQLException badOption(String option, String value, String expected) {
        return new SQLSyntaxErrorException(
                Redaction.redact("Invalid value '" + value + "' for option " + option + ": expected " + expected),
                INVALID_OPTION_VALUE);
    }

    public static SQLException primaryUnreachable(String node, SQLException cause) {
        return new SQLTransientConnectionException(
                "Cannot connect to the primary " + node + ": " + cause.getMessage(), CONNECTION_FAILED, cause);
    }

    /**
     * No driver accepts the URL built for {@code node} ({@code builtUrl}, redacted): a configuration error. Names the
     * URL, and the subprotocol meant where a known one is near ({@code postgres} for {@code postgresql}).
     */
    public static SQLException noDriver(String node, String builtUrl) {
        String subprotocol = subprotocolOf(builtUrl);
        String meant = null;
        for (String known : new String[] {"postgresql", "sqlite"}) {
            if (subprotocol != null
                    && !subprotocol.equals(known)
                    && (known.startsWith(subprotocol) || subprotocol.startsWith(known.substring(0, 4)))) {
                meant = known;
            }
        }
        return new SQLNonTransientConnectionException(
                "No JDBC driver accepts " + builtUrl + ", the URL built for "
                        + node + ": "
                        + (meant != null
                                ? "did you mean jdbc:replicated:" + meant + ":...? Otherwise put"
                                : "check the URL, or put")
                        + " that database's JDBC driver on the class path beside replicated-jdbc",
                CONNECTION_FAILED);
    }

    private static String subprotocolOf(String url) {
        if (url == null || !url.regionMatches(true, 0, "jdbc:", 0, 5)) {
            return null;
        }
        int colon = url.indexOf(':', 5);
        return colon < 0 ? null : url.substring(5, colon).toLowerCase(Locale.ROOT);
    }

    /**
     * A statement used after close(): 55000, as PgJDBC answers ("object not in prerequisite state"). Never a class-08
     * state: pools evict a connection on those, and a closed statement says nothing about the connection.
     */
    public static SQLException statementClosed() {
        return new SQLException("This statement has been closed.", OBJECT_NOT_IN_STATE);
    }

    public static SQLException closed(String what) {
        return new SQLNonTransientConnectionException(what + " is closed", CONNECTION_CLOSED);
    }

    /** Keeps every failure of a multi-step operation (closing several objects): {@code next} is chained to {@code first}. */
    public static SQLException chain(SQLException first, SQLException next) {
        if (first == null) {
            return next;
        }
        first.setNextException(next);
        return first;
    }

    public static SQLException nullSql() {
        return new SQLException("SQL must not be null", NULL_VALUE);
    }

    /** An argument of a JDBC call that the call does not accept. */
    public static SQLException badArgument(String message) {
        return new SQLException(message, INVALID_OPTION_VALUE);
    }

    public static SQLClientInfoException closedForClientInfo() {
        return new SQLClientInfoException("Connection is closed", CONNECTION_CLOSED, null);
    }

    /** A replica connection that stopped answering, for the replica's health record. */
    public static SQLException replicaLost(String why) {
        return new SQLNonTransientConnectionException("replica connection " + why, CONNECTION_LOST);
    }

    public static SQLException streamAlreadySent(int index) {
        return new SQLFeatureNotSupportedException(
                "Parameter " + index + " is a stream or reader that was already "
                        + "sent to another node, and a stream can be read only once: set it again before this execution "
                        + "(the statement moved to another node, for example to the primary after a write)",
                NOT_SUPPORTED);
    }

    public static SQLException writeInReadOnlyTransaction(String node) {
        return new SQLException(
                "Cannot run a write in a read-only transaction: the transaction runs on " + node
                        + ". Commit or roll back first, or call setReadOnly(false) before the transaction starts.",
                READ_ONLY_TRANSACTION);
    }

    /** commit() or rollback() in autocommit mode: 25P01, as PostgreSQL's driver answers. */
    public static SQLException noTransaction(String message) {
        return new SQLException(message, NO_ACTIVE_TRANSACTION);
    }

    /** The transaction ran on a primary connection that broke: it is gone; 08006 until the application ends it. */
    public static SQLException transactionLost() {
        return new SQLTransientConnectionException(
                "The transaction was lost with the primary's connection;" + " roll back, then retry it",
                CONNECTION_LOST);
    }

    /** Two nodes claim to be the primary: writes are refused rather than sent to either. */
    public static SQLException splitBrain(String claims) {
        return new SQLTransientConnectionException(
                "Writes refused: " + claims
                        + ". Fence the old primary (or fix the configuration) so that only one node accepts writes.",
                CONNECTION_FAILED);
    }

    public static SQLException notSupported(String message) {
        return new SQLFeatureNotSupportedException(message, NOT_SUPPORTED);
    }

    public static SQLException interrupted(String what) {
        return new SQLException("Interrupted while " + what, "57014");
    }

    public static SQLException wrongState(String message) {
        return new SQLException(message, FUNCTION_SEQUENCE);
    }

    public static SQLException cannotUnwrap(Class<?> iface) {
        return new SQLException(
                "Cannot unwrap to " + iface.getName() + ": neither replicated-jdbc nor the primary's"
                        + " driver implements it",
                "HY000");
    }
}
