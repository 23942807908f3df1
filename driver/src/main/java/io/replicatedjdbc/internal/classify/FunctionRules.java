package io.replicatedjdbc.internal.classify;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which functions make a SELECT unfit for a replica. A function is a "write" when it changes data or
 * server state, fails on a hot standby, or answers from state only the node that ran an earlier statement
 * has (sequence values, the last inserted row id, advisory locks).
 */
final class FunctionRules {

    /** Exact names, lower case. */
    private static final Set<String> POSTGRESQL_WRITES = set(
            "nextval", "setval", "currval", "lastval",
            "pg_notify", "txid_current", "txid_current_if_assigned", "pg_current_xact_id",
            "pg_current_xact_id_if_assigned", "pg_switch_wal", "pg_create_restore_point",
            "pg_drop_replication_slot", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf",
            "pg_rotate_logfile", "pg_promote", "pg_import_system_collations", "dblink_exec",
            "lowrite", "loread");

    /** Name prefixes, lower case: every advisory lock function, WAL positions, slots, large objects. */
    private static final String[] POSTGRESQL_WRITE_PREFIXES = {
        "pg_advisory_", "pg_try_advisory_", "pg_current_wal_", "pg_create_", "pg_replication_origin_",
        "pg_stat_reset", "lo_", "pg_logical_emit_message", "pg_wal_replay_"
    };

    private static final Set<String> SQLITE_WRITES = set("changes", "total_changes", "last_insert_rowid");

    private final Dialect dialect;

    /** Session-level advisory locks: held by the primary's session until unlocked or the session ends. */
    static boolean locksForTheSession(String lowerName) {
        return (lowerName.startsWith("pg_advisory_lock") || lowerName.startsWith("pg_try_advisory_lock"));
    }

    FunctionRules(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Why calling this function keeps the statement on the primary, or null when it does not. */
    String writeReason(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        if (dot >= 0) {
            lower = lower.substring(dot + 1);
        }
        if (dialect == Dialect.SQLITE) {
            return SQLITE_WRITES.contains(lower) ? "calls " + lower + "()" : null;
        }
        if (POSTGRESQL_WRITES.contains(lower)) {
            return "calls " + lower + "()";
        }
        for (String prefix : POSTGRESQL_WRITE_PREFIXES) {
            if (lower.startsWith(prefix)) {
                return "calls " + lower + "()";
            }
        }
        return null;
    }

    private static Set<String> set(String... names) {
        return Collections.unmodifiableSet(new HashSet<>(Arrays.asList(names)));
    }
}
