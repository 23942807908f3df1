package io.replicatedjdbc;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Runs one step of a script that the fidelity and differential tests run through plain PgJDBC and through the
 * driver: SQL, or a JDBC action written {@code !action argument}. The outcome is a value, an update count or an
 * SQLState, so that the two runs can be compared. Table names start with the test's own prefix.
 */
final class ScriptSteps {

    private final String prefix;

    /** @param prefix the test's table prefix ({@code fid}, {@code dif}) */
    ScriptSteps(String prefix) {
        this.prefix = prefix;
    }

    String run(Connection connection, String step, List<Savepoint> savepoints) {
        try {
            if (!step.startsWith("!")) {
                try (Statement statement = connection.createStatement()) {
                    return describe(statement, statement.execute(step));
                }
            }
            return action(connection, step.substring(1), savepoints);
        } catch (SQLException e) {
            return "error " + e.getSQLState();
        } catch (Exception e) {
            return "thrown " + e;
        }
    }

    private String action(Connection connection, String action, List<Savepoint> savepoints) throws Exception {
        String[] words = action.split(" ", 2);
        switch (words[0]) {
            case "autocommit":
                connection.setAutoCommit(Boolean.parseBoolean(words[1]));
                return "ok";
            case "commit":
                connection.commit();
                return "ok";
            case "rollback":
                connection.rollback();
                return "ok";
            case "savepoint":
                savepoints.add(connection.setSavepoint());
                return "ok";
            case "rollbackToSavepoint":
                if (savepoints.isEmpty()) {
                    return "no savepoint";
                }
                connection.rollback(savepoints.remove(savepoints.size() - 1));
                return "ok";
            case "readOnly":
                connection.setReadOnly(Boolean.parseBoolean(words[1]));
                return "ok";
            case "setSchema":
                connection.setSchema(words[1]);
                return "ok";
            case "getSchema":
                return "schema " + connection.getSchema();
            case "isolation":
                connection.setTransactionIsolation(Integer.parseInt(words[1]));
                return "ok";
            case "getIsolation":
                return "isolation " + connection.getTransactionIsolation();
            case "batch":
                try (Statement statement = connection.createStatement()) {
                    for (String sql : words[1].split(" \\| ")) {
                        statement.addBatch(sql);
                    }
                    return "batch " + Arrays.toString(statement.executeBatch());
                }
            case "prepared":
                try (PreparedStatement statement =
                        connection.prepareStatement("SELECT count(*) FROM " + prefix + "_tt WHERE id > ?")) {
                    statement.setInt(1, Integer.parseInt(words[1]));
                    return describe(statement, statement.execute());
                }
            case "preparedSetConfig":
                try (PreparedStatement statement =
                        connection.prepareStatement("SELECT set_config('search_path', ?, ?)")) {
                    statement.setString(1, words[1]);
                    statement.setBoolean(2, false);
                    return describe(statement, statement.execute());
                }
            case "updatable":
                try (Statement statement =
                                connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                        ResultSet rs =
                                statement.executeQuery("SELECT id, data FROM " + prefix + "_keyed WHERE id = 1")) {
                    if (!rs.next()) {
                        return "no row";
                    }
                    rs.updateString("data", "u");
                    rs.updateRow();
                    return "updated";
                }
            case "copy":
                return "copied "
                        + connection
                                .unwrap(PGConnection.class)
                                .getCopyAPI()
                                .copyIn("COPY " + prefix + "_rows (id) FROM STDIN", new StringReader("7\n8\n"));
            default:
                throw new IllegalArgumentException(action);
        }
    }

    static String describe(Statement statement, boolean hasResultSet) throws SQLException {
        if (!hasResultSet) {
            return "count " + statement.getUpdateCount();
        }
        try (ResultSet rs = statement.getResultSet()) {
            return rs.next() ? "value " + rs.getString(1) : "no rows";
        }
    }
}
