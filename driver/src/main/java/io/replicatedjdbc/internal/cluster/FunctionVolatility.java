package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.classify.FunctionRules;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

    /** The connection to ask, opened only when a name has not been looked up yet. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection get() throws SQLException;
    }

    /** Per name: whether some user-defined function of that name is VOLATILE, and whether any function has it. */
    private static final String LOOKUP = "SELECT p.proname,"
            + " bool_or(p.provolatile = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema'))"
            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE p.proname = ANY (?) GROUP BY p.proname";

    private final ConcurrentHashMap<String, Boolean> volatileUserFunction = new ConcurrentHashMap<>();

    /**
     * The read unchanged, or a write when it calls a user-defined VOLATILE function, one that cannot be checked, or
     * one that does not exist on the node asked.
     */
    public Classification refine(Classification read, ConnectionSource source) {
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
            missing = lookUp(unknown, source.get());
        } catch (SQLException e) {
            return Classification.write("calls " + unknown.get(0) + "(), whose volatility could not be checked: "
                    + e.getMessage()).withSessionChange();
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
    }

    private static Classification volatileCall(String name) {
        return Classification.write("calls " + name + "(), a VOLATILE function").withSessionChange();
    }

    /** Looks the names up and remembers what was found; returns the names found nowhere. */
    private List<String> lookUp(List<String> names, Connection connection) throws SQLException {
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
