package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.classify.FunctionRules;
import io.replicatedjdbc.internal.classify.SqlClassifier;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether PostgreSQL user-defined functions may write, from their volatility: PostgreSQL forbids data changes in
 * STABLE and IMMUTABLE functions, so a read calling only those can run on a replica, while one calling a VOLATILE
 * function goes to the primary. Built-in functions are decided by the static lists.
 *
 * <p>Each name is looked up once per cluster and remembered until function DDL passes through the driver
 * ({@link #invalidate()}). A name that exists nowhere on the node asked is never remembered as harmless: the function
 * may be new and not yet replayed there, so the statement goes to the primary, and the next statement asks again.
 * Only an unreserved keyword that PostgreSQL also accepts before a parenthesis ({@code CUBE}, {@code OVER}) counts as
 * that keyword when no function has its name.
 */
public final class FunctionVolatility {

    /**
     * The connection to ask about a statement, opened only when a name has not been looked up yet. One object per
     * logical connection, given the statement: nothing is allocated per statement.
     */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection get(Classification statement) throws SQLException;
    }

    /**
     * Per name: whether some function of that name may write, and whether any function has it. A user-defined function
     * may write when it is VOLATILE. A built-in one (pg_catalog) when it is VOLATILE and PARALLEL UNSAFE, which is how
     * PostgreSQL marks the built-ins that change state (slots, replication origins, sequences, large objects, ...);
     * the parallel-safe administration functions that act on one server (pg_terminate_backend, pg_reload_conf) are in
     * the static lists.
     */
    private static final String LOOKUP = "SELECT p.proname,"
            + " bool_or(p.provolatile = 'v' AND (n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " OR p.proparallel = 'u'))"
            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE p.proname = ANY (?) GROUP BY p.proname";

    /** The definitions of the views among the names, as the server prints them. */
    private static final String VIEW_LOOKUP = "SELECT c.relname, pg_catalog.pg_get_viewdef(c.oid)"
            + " FROM pg_catalog.pg_class c WHERE c.relkind = 'v' AND c.relname = ANY (?)";
    /** Views nested deeper than this are taken to write: a bound on the look-ups one statement may cause. */
    private static final int MAX_VIEW_DEPTH = 8;

    /**
     * Custom settings that functions set by name ({@code set_config('app.tenant', ...)}, {@code SET app.tenant ...}
     * in a body): such a setting changes the session without appearing in the statement that called the function,
     * and PostgreSQL lists no custom setting in {@code pg_settings}.
     */
    private static final String SETTINGS_SET_BY_FUNCTIONS = "SELECT DISTINCT pg_catalog.lower(coalesce(m[1], m[2]))"
            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " CROSS JOIN LATERAL pg_catalog.regexp_matches(p.prosrc,"
            + " 'set_config\\s*\\(\\s*''([A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*)''"
            + "|SET\\s+(?:SESSION\\s+)?([A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*)', 'gi') m"
            + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')";

    private final ConcurrentHashMap<String, Boolean> volatileUserFunction = new ConcurrentHashMap<>();
    /** Per relation name: why reading it may write (a view calling such a function), or "" when it cannot. */
    private final ConcurrentHashMap<String, String> viewWrites = new ConcurrentHashMap<>();

    private volatile Set<String> settingsSetByFunctions;
    private final SqlClassifier classifier;

    /** {@code classifier}: the configuration's, which also classifies the definitions of the views a read names. */
    public FunctionVolatility(SqlClassifier classifier) {
        this.classifier = classifier;
    }

    /**
     * The read unchanged, or a write when it calls a user-defined VOLATILE function, one that cannot be checked, or
     * one that does not exist on the node asked.
     */
    public Classification refine(Classification read, ConnectionSource source) {
        Unchanged now = unchanged;
        if (read.unchangedBy() == now) {
            return read;
        }
        Classification refined = refine(read, read, source, 0);
        if (refined == read) {
            // Names are only added until invalidate() starts a new generation: the read stays unchanged until then.
            read.unchangedBy(now);
        }
        return refined;
    }

    /** A generation of what is known of the catalog: replaced by {@link #invalidate()}. */
    private static final class Unchanged {}

    private volatile Unchanged unchanged = new Unchanged();

    /** {@code statement}: the statement being run, whose connection answers for the views nested in it too. */
    private Classification refine(Classification read, Classification statement, ConnectionSource source, int depth) {
        Classification functions = refineFunctions(read, statement, source);
        return functions != read || read.relations().isEmpty()
                ? functions
                : refineRelations(read, statement, source, depth);
    }

    /**
     * The read unchanged, or a write when it reads a view whose definition, classified by the same rules as the
     * statement itself (its functions and the views it reads resolved in turn), may write.
     */
    private Classification refineRelations(
            Classification read, Classification statement, ConnectionSource source, int depth) {
        List<String> unknown = null;
        for (String name : read.relations()) {
            String why = viewWrites.get(name);
            if (why == null) {
                if (unknown == null) {
                    unknown = new ArrayList<>(2);
                }
                unknown.add(name);
            } else if (!why.isEmpty()) {
                return Classification.write(why).withSessionChange();
            }
        }
        if (unknown == null) {
            return read;
        }
        try {
            lookUpViews(unknown, statement, source, depth);
        } catch (SQLException e) {
            return Classification.write("reads " + unknown.get(0) + ", which could not be checked for a view that"
                            + " may write: " + e.getMessage())
                    .withSessionChange();
        }
        for (String name : unknown) {
            String why = viewWrites.get(name);
            if (why != null && !why.isEmpty()) {
                return Classification.write(why).withSessionChange();
            }
        }
        return read;
    }

    private void lookUpViews(List<String> names, Classification statement, ConnectionSource source, int depth)
            throws SQLException {
        Map<String, String> definitions = new HashMap<>();
        Connection connection = source.get(statement);
        Array array = connection.createArrayOf("text", names.toArray());
        try (PreparedStatement lookup = connection.prepareStatement(VIEW_LOOKUP)) {
            lookup.setArray(1, array);
            try (ResultSet rs = lookup.executeQuery()) {
                while (rs.next()) {
                    definitions.merge(rs.getString(1), rs.getString(2), (a, b) -> a + ";\n" + b);
                }
            }
        } finally {
            array.free();
        }
        for (String name : names) {
            String definition = definitions.get(name);
            String why = "";
            if (definition != null) {
                Classification body = classifier.classify(definition);
                if (body.route() == Route.REPLICA && depth >= MAX_VIEW_DEPTH) {
                    body = Classification.write("views nested more than " + MAX_VIEW_DEPTH + " deep");
                } else if (body.route() == Route.REPLICA) {
                    body = refine(body, statement, source, depth + 1);
                }
                if (body.route() != Route.REPLICA) {
                    why = "reads the view " + name + ", which may write: " + body.reason();
                }
            }
            // A name that is no view (a table, a CTE, an alias) reads nothing more than itself.
            viewWrites.put(name, why);
        }
    }

    /**
     * The custom settings functions of this database set by name; listed again after function DDL passes through the
     * driver, or a function name is looked up for the first time (a function created since); empty when they cannot
     * be read.
     */
    public Set<String> settingsSetByFunctions(Connection connection) {
        Set<String> known = settingsSetByFunctions;
        if (known != null) {
            return known;
        }
        Set<String> names = new LinkedHashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(SETTINGS_SET_BY_FUNCTIONS)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            return Collections.emptySet();
        }
        settingsSetByFunctions = names;
        return names;
    }

    private Classification refineFunctions(Classification read, Classification statement, ConnectionSource source) {
        List<String> unknown = null;
        for (String name : read.functions()) {
            Boolean writes = volatileUserFunction.get(name);
            if (writes == null) {
                if (unknown == null) {
                    unknown = new ArrayList<>(2);
                }
                unknown.add(name);
            } else if (writes) {
                return volatileCall(name);
            }
        }
        if (unknown == null) {
            return read;
        }
        List<String> missing;
        try {
            missing = lookUp(unknown, source.get(statement));
        } catch (SQLException e) {
            return Classification.write(
                            "calls " + unknown.get(0) + "(), whose volatility could not be checked: " + e.getMessage())
                    .withSessionChange();
        }
        for (String name : unknown) {
            if (Boolean.TRUE.equals(volatileUserFunction.get(name))) {
                return volatileCall(name);
            }
        }
        if (!missing.isEmpty()) {
            return Classification.write("calls " + missing.get(0) + "(), which the node asked does not know (yet)")
                    .withSessionChange();
        }
        return read;
    }

    /** Function DDL ran through the driver: every name is looked up again. */
    public void invalidate() {
        volatileUserFunction.clear();
        viewWrites.clear();
        settingsSetByFunctions = null;
        // After the maps are emptied: a read found unchanged under the new generation was checked against them.
        unchanged = new Unchanged();
    }

    private static Classification volatileCall(String name) {
        return Classification.write("calls " + name + "(), a VOLATILE function").withSessionChange();
    }

    /** Looks the names up and remembers what was found; returns the names found nowhere. */
    private List<String> lookUp(List<String> names, Connection connection) throws SQLException {
        // A name not seen before may be a function created since the settings functions set were listed.
        settingsSetByFunctions = null;
        List<String> found = new ArrayList<>();
        Array array = connection.createArrayOf("text", names.toArray());
        try (PreparedStatement statement = connection.prepareStatement(LOOKUP)) {
            statement.setArray(1, array);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                    volatileUserFunction.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        } finally {
            array.free();
        }
        List<String> missing = new ArrayList<>(0);
        for (String name : names) {
            if (found.contains(name)) {
                continue;
            }
            if (FunctionRules.isKeyword(name)) {
                volatileUserFunction.put(name, Boolean.FALSE);
            } else {
                missing.add(name);
            }
        }
        return missing;
    }
}
