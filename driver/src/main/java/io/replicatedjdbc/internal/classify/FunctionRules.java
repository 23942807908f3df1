package io.replicatedjdbc.internal.classify;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * Which functions make a SELECT unfit for a replica. A function is a "write" when it changes data or
 * server state, fails on a hot standby, or answers from state only the node that ran an earlier statement
 * has (sequence values, the last inserted row id, advisory locks).
 */
public final class FunctionRules {

    /** Exact names, lower case. */
    static final Set<String> POSTGRESQL_WRITES = set(
            "nextval",
            "setval",
            "currval",
            "lastval",
            "pg_notify",
            "txid_current",
            "txid_current_if_assigned",
            "pg_current_xact_id",
            "pg_current_xact_id_if_assigned",
            "pg_switch_wal",
            "pg_create_restore_point",
            "pg_drop_replication_slot",
            "pg_terminate_backend",
            "pg_cancel_backend",
            "pg_reload_conf",
            "pg_rotate_logfile",
            "pg_promote",
            "pg_import_system_collations",
            "dblink_exec",
            "lowrite",
            "loread");

    /** Name prefixes, lower case: every advisory lock function, WAL positions, slots, large objects. */
    static final String[] POSTGRESQL_WRITE_PREFIXES = {
        "pg_advisory_",
        "pg_try_advisory_",
        "pg_current_wal_",
        "pg_create_",
        "pg_replication_origin_",
        "pg_stat_reset",
        "lo_",
        "pg_logical_emit_message",
        "pg_wal_replay_"
    };

    static final Set<String> SQLITE_WRITES = set("changes", "total_changes", "last_insert_rowid");

    private final Dialect dialect;
    private final Set<String> userWrites;
    private final Set<String> userReads;

    /** Session-level advisory locks: held by the primary's session until unlocked or the session ends. */
    static boolean locksForTheSession(String lowerName) {
        return lowerName.startsWith("pg_advisory_lock") || lowerName.startsWith("pg_try_advisory_lock");
    }

    /**
     * @param userWrites names (lower case unless quoted) that always send a statement to the primary ({@code writeFunctions})
     * @param userReads  names that never do, whatever the defaults say ({@code readFunctions})
     */
    public FunctionRules(Dialect dialect, Set<String> userWrites, Set<String> userReads) {
        this.dialect = dialect;
        this.userWrites = userWrites;
        this.userReads = userReads;
    }

    /**
     * Why calling this function keeps the statement on the primary, or null when it does not. An unquoted name
     * is matched without regard to case; a quoted one exactly, as the database would.
     */
    String writeReason(String name, boolean quoted) {
        String key = quoted ? name : lowerAscii(name);
        int dot = key.lastIndexOf('.');
        if (dot >= 0 && !quoted) {
            key = key.substring(dot + 1);
        }
        if (userReads.contains(key)) {
            return null;
        }
        if (userWrites.contains(key)) {
            return "calls " + key + "() (writeFunctions)";
        }
        return isStaticWrite(key) ? "calls " + key + "()" : null;
    }

    /** Whether the name is in the static lists or the user's: no database lookup can add anything. */
    boolean isKnown(String name) {
        return userReads.contains(name) || userWrites.contains(name) || isStaticWrite(name);
    }

    private boolean isStaticWrite(String key) {
        if (dialect == Dialect.SQLITE) {
            return SQLITE_WRITES.contains(key);
        }
        if (POSTGRESQL_WRITES.contains(key)) {
            return true;
        }
        for (String prefix : POSTGRESQL_WRITE_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Unreserved keywords that may also name a function ({@code GROUP BY CUBE (a)}, {@code FILTER (WHERE ...)},
     * {@code OVER (...)}): when no function of that name exists, the word was the keyword.
     */
    private static final Set<String> KEYWORDS_BEFORE_PARENTHESES = set(
            "cube",
            "rollup",
            "sets",
            "filter",
            "over",
            "within",
            "columns",
            "ordinality",
            "rows",
            "groups",
            "range",
            "partition",
            "recursive",
            "date");

    public static boolean isKeyword(String name) {
        return KEYWORDS_BEFORE_PARENTHESES.contains(name);
    }

    /** PostgreSQL folds unquoted names by ASCII rules only. */
    public static String lowerAscii(String name) {
        StringBuilder out = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) {
                    out = new StringBuilder(name);
                }
                out.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return out == null ? name : out.toString();
    }

    private static Set<String> set(String... names) {
        return Collections.unmodifiableSet(new HashSet<>(Arrays.asList(names)));
    }
}
