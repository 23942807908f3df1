package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * JDBC calls whose outcome (a value, or the SQLState and the moment of an error) must be what plain PgJDBC gives on
 * the same server: each call runs through both, on fresh connections, and the outcomes are compared.
 */
@ExtendWith(PostgresClusterExtension.class)
class PostgresJdbcContractTest {

    @FunctionalInterface
    interface Call {
        Object run(Connection connection) throws Exception;
    }

    private final PostgresCluster cluster;

    PostgresJdbcContractTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void createFunction(PostgresCluster cluster) throws Exception {
        cluster.query(0, "CREATE OR REPLACE FUNCTION contract_notice() RETURNS int STABLE LANGUAGE plpgsql"
                + " AS $$ BEGIN RAISE NOTICE 'note'; RETURN 1; END $$");
        cluster.awaitReplicas();
    }

    private static String outcome(Connection connection, Call call) {
        try {
            return "ok " + call.run(connection);
        } catch (SQLException e) {
            return "error " + e.getSQLState();
        } catch (Exception e) {
            return "thrown " + e.getClass().getName();
        }
    }

    private static Map<String, Call> calls() {
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("createStatement with an unknown type", c -> c.createStatement(999, ResultSet.CONCUR_READ_ONLY) != null);
        calls.put("createStatement with an unknown concurrency", c -> c.createStatement(ResultSet.TYPE_FORWARD_ONLY, 999) != null);
        calls.put("createStatement with an unknown holdability",
                c -> c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, 999) != null);
        calls.put("prepareStatement with an unknown type", c -> c.prepareStatement("SELECT 1", 999, ResultSet.CONCUR_READ_ONLY) != null);
        calls.put("prepareCall with a malformed escape", c -> c.prepareCall("{call") != null);
        calls.put("PreparedStatement.toString before execution", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?, ?");
            p.setInt(1, 5);
            p.setString(2, "x'y");
            return p.toString();
        });
        calls.put("PreparedStatement.toString after execution", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?, ?");
            p.setInt(1, 5);
            p.setString(2, "x'y");
            p.executeQuery().close();
            return p.toString();
        });
        calls.put("CallableStatement.toString", c -> c.prepareCall("{call contract_notice()}").toString());
        calls.put("addBatch with two statements", c -> {
            Statement s = c.createStatement();
            s.addBatch("SELECT 1; SELECT 2");
            return Arrays.toString(s.executeBatch());
        });
        calls.put("warnings of a read that raises a notice", c -> {
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT contract_notice()");
            rs.next();
            SQLWarning w = s.getWarnings();
            return (w == null ? null : w.getMessage()) + " / connection " + c.getWarnings();
        });
        calls.put("isClosed after the server refused a client_encoding", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET client_encoding = 'LATIN1'");
            } catch (SQLException e) {
                return e.getSQLState() + " closed=" + c.isClosed();
            }
            return "accepted closed=" + c.isClosed();
        });
        calls.put("a write after setReadOnly(true) with readOnlyMode=always", c -> {
            c.setReadOnly(true);
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("UPDATE pg_class SET relname = relname WHERE false");
            }
        });
        calls.put("close from another thread while the statement runs", c -> {
            Statement s = c.createStatement();
            Thread closer = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    s.close();
                } catch (Exception ignored) {
                    // the outcome is the running statement's
                }
            });
            closer.start();
            try {
                s.executeQuery("SELECT pg_sleep(3)");
                return "finished";
            } finally {
                closer.join();
            }
        });
        return calls;
    }

    @Test
    void eachCall_hasTheOutcomePlainPgJdbcHas() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> actual = new LinkedHashMap<>();
        for (Map.Entry<String, Call> call : calls().entrySet()) {
            try (Connection plain = DriverManager.getConnection(cluster.nodeUrl(0) + "&readOnlyMode=always");
                 Connection replicated = DriverManager.getConnection(cluster.replicatedUrl("readOnlyMode=always"))) {
                expected.put(call.getKey(), outcome(plain, call.getValue()));
                actual.put(call.getKey(), outcome(replicated, call.getValue()));
            }
        }
        assertThat(actual).isEqualTo(expected);
    }
}
