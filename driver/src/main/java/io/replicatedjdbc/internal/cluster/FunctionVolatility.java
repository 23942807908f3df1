package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.classify.Classification;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether PostgreSQL user-defined functions may write, from their volatility: PostgreSQL forbids data changes
 * in STABLE and IMMUTABLE functions, so a read calling only those can run on a replica, while one calling a
 * VOLATILE function goes to the primary. Built-in functions are decided by the static lists. Each name is
 * looked up once per cluster and remembered until the application restarts.
 */
public final class FunctionVolatility {

    /** The connection to ask, opened only when a name has not been looked up yet. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection get() throws SQLException;
    }

    private static final String LOOKUP = "SELECT p.proname, bool_or(p.provolatile = 'v')"
            + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE p.proname = ANY (?) AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " GROUP BY p.proname";

    private final ConcurrentHashMap<String, Boolean> volatileUserFunction = new ConcurrentHashMap<>();

    /** The read unchanged, or a write when it calls a user-defined VOLATILE function (or one that cannot be checked). */
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
                return Classification.write("calls " + name + "(), a VOLATILE function").withSessionChange();
            }
        }
        if (unknown == null) {
            return read;
        }
        try {
            lookUp(unknown, source.get());
        } catch (SQLException e) {
            return Classification.write("calls " + unknown.get(0) + "(), whose volatility could not be checked: "
                    + e.getMessage()).withSessionChange();
        }
        for (String name : unknown) {
            if (volatileUserFunction.get(name)) {
                return Classification.write("calls " + name + "(), a VOLATILE function").withSessionChange();
            }
        }
        return read;
    }

    private void lookUp(List<String> names, Connection connection) throws SQLException {
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
        for (String name : names) {
            if (!found.contains(name)) {
                // Not a user-defined function: a built-in (decided by the static lists) or a name that does not exist.
                volatileUserFunction.put(name, Boolean.FALSE);
            }
        }
    }
}
