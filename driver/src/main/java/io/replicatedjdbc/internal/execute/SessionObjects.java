package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.classify.Fingerprint;
import io.replicatedjdbc.internal.route.Router;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Pooled, with PgJDBC: after code ran on the primary that may have left objects in its session that cannot move to
 * another connection (a function, a view, a {@code DO} or {@code CALL} block), the server is asked, and the logical
 * connection is pinned to that backend if it holds some, as after the statements that make them openly. One round
 * trip, only after such statements.
 */
public final class SessionObjects {

    /** What the server holds for a session beyond its settings. */
    private static final String QUERY = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks"
            + " WHERE pid = pg_catalog.pg_backend_pid() AND locktype = 'advisory')"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_listening_channels())"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_prepared_statements WHERE from_sql)"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_cursors WHERE is_holdable)"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE relnamespace = pg_catalog.pg_my_temp_schema())";

    private SessionObjects() {}

    /** Whether the statement runs code the classifier cannot see into: {@code DO} or {@code CALL}. */
    public static boolean runsCode(String sql) {
        if (sql == null) {
            return false;
        }
        int start = 0;
        while (start < sql.length() && Character.isWhitespace(sql.charAt(start))) {
            start++;
        }
        return startsWithWord(sql, start, "DO") || startsWithWord(sql, start, "CALL");
    }

    private static boolean startsWithWord(String text, int at, String word) {
        int end = at + word.length();
        return text.regionMatches(true, at, word, 0, word.length())
                && (text.length() == end || !Character.isLetterOrDigit(text.charAt(end)));
    }

    /** Asks the primary's session; pins the router to it when it holds objects; unknown: the connection is not lent again. */
    public static void observe(Physical primary, String sql, Router router, Dialect dialect) {
        try (Statement statement = primary.connection.createStatement();
                ResultSet rs = statement.executeQuery(QUERY)) {
            if (rs.next() && rs.getBoolean(1)) {
                router.sessionObjectsObserved("the server reported session objects (a temporary table, a session lock,"
                        + " a listener, a prepared statement or a holdable cursor) after "
                        + Fingerprint.of(sql, dialect).shape());
            }
        } catch (SQLException e) {
            primary.discardOnRelease = true;
        }
    }
}
