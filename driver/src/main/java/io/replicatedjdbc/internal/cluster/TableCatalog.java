package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.classify.FunctionRules;
import io.replicatedjdbc.internal.classify.TouchedTables;
import io.replicatedjdbc.internal.session.ServerObservation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the primary's catalog says of the names a statement touches, for read-your-writes by table
 * ({@code readYourWritesTables}): whether a read reads only the tables it names and a write changes only those.
 * Everything that is not proven counts as every table (fail closed).
 *
 * <p>A name is self-contained when every relation of that name, in any schema, is an ordinary table outside the system
 * schemas with no partitions, parent or children, no rules, no row security policies, no triggers of the user's, no
 * foreign key referencing it with an action that changes the referencing rows ({@code CASCADE}, {@code SET NULL},
 * {@code SET DEFAULT}), no domain-typed column, and no default, generated column or check constraint that depends on a
 * function of the user's. A function is harmless when every function of that name is built in, and it is not one of the
 * built-ins that read a table named by an argument ({@code query_to_xml}, {@code pg_relation_size}, ...). Operators and
 * casts of the user's that are not IMMUTABLE may call anything: while one exists, no statement is narrowed.
 *
 * <p>Answers are remembered for {@link #FRESH_NANOS} and forgotten at once when DDL passes through the driver: a trigger
 * or rule that another process adds is taken into account within that time (and the few milliseconds one question
 * takes: one thread asks again for every old answer at once while the others use the old ones).
 */
public final class TableCatalog {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc");

    /** How long an answer of the catalog is used before it is asked again. */
    public static final long FRESH_NANOS = 1_000_000_000L;

    /** Where to ask: a connection to the primary outside a transaction, or null when none can be had now. */
    @FunctionalInterface
    public interface Primary {
        Connection get() throws SQLException;
    }

    /** Answers remembered at most; past that they are all forgotten and asked again as needed. */
    static final int NAMES = 10_000;

    private static final byte SELF_CONTAINED = 't';
    private static final byte WIDE = 'f';
    private static final byte ABSENT = '-';
    private static final byte BUILT_IN = 'b';
    private static final byte USER = 'u';

    /**
     * Built-in functions that read what an argument names (a query, a table, a cursor, a schema): a read calling one
     * reads more than it names.
     */
    static final Set<String> BUILT_INS_READING_BY_NAME = new HashSet<>(Arrays.asList(
            "query_to_xml",
            "query_to_xmlschema",
            "query_to_xml_and_xmlschema",
            "table_to_xml",
            "table_to_xmlschema",
            "table_to_xml_and_xmlschema",
            "cursor_to_xml",
            "cursor_to_xmlschema",
            "schema_to_xml",
            "schema_to_xmlschema",
            "schema_to_xml_and_xmlschema",
            "database_to_xml",
            "database_to_xmlschema",
            "database_to_xml_and_xmlschema",
            "ts_stat",
            "pg_relation_size",
            "pg_total_relation_size",
            "pg_table_size",
            "pg_indexes_size",
            "pg_database_size",
            "lo_get",
            "loread",
            "currval",
            "lastval",
            "pg_sequence_last_value"));

    /** SQL constructs that JSqlParser shows as calls but are no function in {@code pg_proc}. */
    static final Set<String> CONSTRUCTS = new HashSet<>(Arrays.asList(
            "coalesce",
            "nullif",
            "greatest",
            "least",
            "row",
            "array",
            "exists",
            "cast",
            "extract",
            "position",
            "substring",
            "trim",
            "overlay",
            "values",
            "any",
            "all",
            "some",
            "in",
            "grouping",
            "normalize",
            "xmlelement",
            "xmlforest",
            "xmlconcat",
            "xmlparse",
            "xmlpi",
            "xmlroot",
            "xmlserialize",
            "xmlexists",
            "json_object",
            "json_array",
            "json_objectagg",
            "json_arrayagg",
            "json",
            "json_scalar",
            "json_serialize",
            "json_query",
            "json_value",
            "json_exists"));

    /** One string: a character per relation name, then '/', one per function name, then '/', the database's. */
    static final String LOOKUP = "SELECT coalesce((SELECT string_agg(CASE WHEN r.ok IS NULL THEN '-' WHEN r.ok"
            + " THEN 't' ELSE 'f' END, '' ORDER BY u.i) FROM unnest(?::text[]) WITH ORDINALITY u(name, i)"
            + " LEFT JOIN LATERAL (SELECT bool_and(c.relkind = 'r' AND NOT c.relispartition AND NOT c.relhassubclass"
            + " AND NOT c.relhasrules AND NOT c.relrowsecurity"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = c.oid)"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint f WHERE f.confrelid = c.oid AND f.contype = 'f'"
            + " AND (f.confupdtype NOT IN ('a', 'r') OR f.confdeltype NOT IN ('a', 'r')))"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type y ON y.oid = a.atttypid"
            + " WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND y.typtype = 'd')"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.refclassid = 'pg_catalog.pg_proc'::regclass"
            + " AND d.refobjid >= 16384 AND ((d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid IN"
            + " (SELECT ad.oid FROM pg_catalog.pg_attrdef ad WHERE ad.adrelid = c.oid))"
            + " OR (d.classid = 'pg_catalog.pg_constraint'::regclass AND d.objid IN"
            + " (SELECT k.oid FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid))))) AS ok"
            + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relname = u.name) r ON true), '')"
            + " || '/' || coalesce((SELECT string_agg(CASE WHEN p.builtin IS NULL THEN '-' WHEN p.builtin THEN 'b'"
            + " ELSE 'u' END, '' ORDER BY u.i) FROM unnest(?::text[]) WITH ORDINALITY u(name, i)"
            + " LEFT JOIN LATERAL (SELECT bool_and(n.nspname IN ('pg_catalog', 'information_schema')) AS builtin"
            + " FROM pg_catalog.pg_proc f JOIN pg_catalog.pg_namespace n ON n.oid = f.pronamespace"
            + " WHERE f.proname = u.name) p ON true), '')"
            + " || '/' || CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_proc f"
            + " ON f.oid = o.oprcode WHERE f.oid >= 16384 AND f.provolatile <> 'i')"
            + " OR EXISTS (SELECT 1 FROM pg_catalog.pg_cast k JOIN pg_catalog.pg_proc f ON f.oid = k.castfunc"
            + " WHERE f.oid >= 16384 AND f.provolatile <> 'i') THEN 'f' ELSE 't' END";

    private static final class Verdict {
        final byte kind;
        final long askedNanos;

        Verdict(byte kind, long askedNanos) {
            this.kind = kind;
            this.askedNanos = askedNanos;
        }

        boolean fresh(long now) {
            return now - askedNanos < FRESH_NANOS;
        }
    }

    private final ReadYourWritesStatistics statistics;

    /** {@code statistics}: the configuration's, which count the catalog's questions and the reads narrowed. */
    public TableCatalog(ReadYourWritesStatistics statistics) {
        this.statistics = statistics;
    }

    private final ConcurrentHashMap<String, Verdict> relations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Verdict> functions = new ConcurrentHashMap<>();
    private volatile Verdict database;
    private volatile boolean warnedAboutUserOperators;
    /** Held by the one thread asking again for answers that are old. */
    private final AtomicBoolean refreshing = new AtomicBoolean();

    /** Names asked in one question at most. */
    static final int ASKED_AT_ONCE = 500;

    /** The names a read reads (names only its own CTEs explain left out), or null: it may read any table. */
    public List<String> readScope(TouchedTables read, Primary primary) {
        List<String> scope = scope(read, primary, true);
        if (scope != null) {
            statistics.readsByTable.increment();
        }
        return scope;
    }

    /** The names a write changes, or null: it may change any table. */
    public List<String> writeScope(TouchedTables write, Primary primary) {
        return scope(write, primary, false);
    }

    private List<String> scope(TouchedTables touched, Primary primary, boolean read) {
        if (touched == null) {
            return null;
        }
        for (String function : touched.functions()) {
            if (BUILT_INS_READING_BY_NAME.contains(function)) {
                return null;
            }
        }
        long now = System.nanoTime();
        int known = known(touched, now);
        if (known == MISSING && !ask(touched, primary, now)) {
            return null;
        }
        if (known == STALE && refreshing.compareAndSet(false, true)) {
            // One thread asks again, for every name whose answer is old, while the others go on with the old answers
            // for the few milliseconds that takes: about one question a second for the whole configuration.
            try {
                if (!ask(touched, primary, now)) {
                    return null;
                }
            } finally {
                refreshing.set(false);
            }
        }
        Verdict whole = database;
        if (whole == null || whole.kind != SELF_CONTAINED) {
            return null;
        }
        for (String function : touched.functions()) {
            Verdict verdict = functions.get(function);
            if (verdict == null
                    || verdict.kind == USER
                    || (verdict.kind == ABSENT
                            && !CONSTRUCTS.contains(function)
                            && !FunctionRules.isKeyword(function))) {
                return null;
            }
        }
        List<String> names = null;
        List<String> named = touched.relations();
        for (int i = 0; i < named.size(); i++) {
            String relation = named.get(i);
            Verdict verdict = relations.get(relation);
            if (verdict == null) {
                return null;
            }
            if (verdict.kind == SELF_CONTAINED) {
                if (names != null) {
                    names.add(relation);
                }
            } else if (read && verdict.kind == ABSENT && touched.cteNames().contains(relation)) {
                // A name only the statement's own WITH clause explains: left out (the list is copied from here on).
                if (names == null) {
                    names = new ArrayList<>(named.subList(0, i));
                }
            } else {
                // A view, a partitioned table, a table with triggers ...; or a name the primary does not know.
                return null;
            }
        }
        return names == null ? named : Collections.unmodifiableList(names);
    }

    private static final int FRESH = 0;
    private static final int STALE = 1;
    private static final int MISSING = 2;

    /** Whether every answer the statement needs is there and fresh, there but old, or missing. */
    private int known(TouchedTables touched, long now) {
        Verdict whole = database;
        if (whole == null) {
            return MISSING;
        }
        int known = whole.fresh(now) ? FRESH : STALE;
        known = Math.max(known, known(touched.relations(), relations, now));
        return known == MISSING ? MISSING : Math.max(known, known(touched.functions(), functions, now));
    }

    private static int known(List<String> names, ConcurrentHashMap<String, Verdict> answers, long now) {
        int known = FRESH;
        for (String name : names) {
            Verdict verdict = answers.get(name);
            if (verdict == null) {
                return MISSING;
            }
            if (!verdict.fresh(now)) {
                known = STALE;
            }
        }
        return known;
    }

    /** The statement's names, and (up to {@link #ASKED_AT_ONCE}) every other name whose answer is old. */
    private static List<String> withOld(List<String> names, ConcurrentHashMap<String, Verdict> answers, long now) {
        List<String> asked = new ArrayList<>(names);
        for (Map.Entry<String, Verdict> entry : answers.entrySet()) {
            if (asked.size() >= ASKED_AT_ONCE) {
                break;
            }
            if (!entry.getValue().fresh(now) && !names.contains(entry.getKey())) {
                asked.add(entry.getKey());
            }
        }
        return asked;
    }

    /** Asks the primary about every name of the statement; false when it could not be asked. */
    private boolean ask(TouchedTables touched, Primary primary, long now) {
        List<String> relationNames = withOld(touched.relations(), relations, now);
        List<String> functionNames = withOld(touched.functions(), functions, now);
        String answer;
        try {
            Connection connection = primary.get();
            if (connection == null) {
                return false;
            }
            statistics.catalogQuestions.increment();
            answer = ServerObservation.queryOutsideTransaction(
                    connection, LOOKUP, relationNames.toArray(new String[0]), functionNames.toArray(new String[0]));
        } catch (SQLException e) {
            LOG.log(Level.FINE, "Could not ask the primary's catalog about " + touched + ": " + e.getMessage());
            return false;
        }
        String[] parts = answer == null ? new String[0] : answer.split("/", -1);
        if (parts.length != 3
                || parts[0].length() != relationNames.size()
                || parts[1].length() != functionNames.size()
                || parts[2].length() != 1) {
            LOG.log(Level.FINE, "Unexpected answer of the primary's catalog: " + answer);
            return false;
        }
        if (relations.size() + functions.size() > NAMES) {
            // Names made up at run time (a table per tenant or per day): start again rather than grow without end.
            relations.clear();
            functions.clear();
        }
        for (int i = 0; i < parts[0].length(); i++) {
            relations.put(relationNames.get(i), new Verdict((byte) parts[0].charAt(i), now));
        }
        for (int i = 0; i < parts[1].length(); i++) {
            functions.put(functionNames.get(i), new Verdict((byte) parts[1].charAt(i), now));
        }
        Verdict whole = new Verdict((byte) parts[2].charAt(0), now);
        if (whole.kind != SELF_CONTAINED && !warnedAboutUserOperators) {
            warnedAboutUserOperators = true;
            LOG.log(
                    Level.INFO,
                    "readYourWritesTables: the database has operators or casts backed by functions that are not"
                            + " IMMUTABLE, which may read or write any table: every read waits for every write");
        }
        database = whole;
        return true;
    }

    /** DDL ran through the driver: every answer is asked again. */
    public void invalidate() {
        relations.clear();
        functions.clear();
        database = null;
    }
}
