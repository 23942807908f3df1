package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

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
        cluster.query(
                0,
                "CREATE OR REPLACE FUNCTION contract_notice() RETURNS int STABLE LANGUAGE plpgsql"
                        + " AS $$ BEGIN RAISE NOTICE 'note'; RETURN 1; END $$");
        cluster.awaitReplicas();
    }

    private static String outcome(Connection connection, Call call) {
        try {
            return "ok " + call.run(connection);
        } catch (SQLException e) {
            // The class too: code that catches PSQLException must catch the driver's errors in PgJDBC's place.
            return "error " + e.getSQLState() + " " + e.getClass().getName();
        } catch (Exception e) {
            return "thrown " + e.getClass().getName();
        }
    }

    private static Map<String, Call> calls() {
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put(
                "createStatement with an unknown type",
                c -> c.createStatement(999, ResultSet.CONCUR_READ_ONLY) != null);
        calls.put(
                "createStatement with an unknown concurrency",
                c -> c.createStatement(ResultSet.TYPE_FORWARD_ONLY, 999) != null);
        calls.put(
                "createStatement with an unknown holdability",
                c -> c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, 999) != null);
        calls.put(
                "prepareStatement with an unknown type",
                c -> c.prepareStatement("SELECT 1", 999, ResultSet.CONCUR_READ_ONLY) != null);
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
        calls.put(
                "CallableStatement.toString",
                c -> c.prepareCall("{call contract_notice()}").toString());
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
        calls.put("a statement used after close", c -> {
            Statement s = c.createStatement();
            s.close();
            return s.executeQuery("SELECT 1") != null;
        });
        calls.put("a prepared statement used after close", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?");
            p.close();
            p.setInt(1, 1);
            return "set";
        });
        calls.put("cancel after close", c -> {
            Statement s = c.createStatement();
            s.close();
            s.cancel();
            return "cancelled";
        });
        calls.put("a connection used after close", c -> {
            c.close();
            return c.createStatement() != null;
        });
        calls.put("isValid with a negative timeout", c -> c.isValid(-1));
        calls.put("a parameter index out of range", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?");
            p.setInt(2, 1);
            return "set";
        });
        calls.put("setObject of a string that is no boolean, as BOOLEAN", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?");
            p.setObject(1, "nope", Types.BOOLEAN);
            return "set";
        });
        calls.put("addBatch of two statements on a prepared statement", c -> {
            PreparedStatement p = c.prepareStatement("SELECT 1");
            p.addBatch("SELECT 1; SELECT 2");
            return "added";
        });
        calls.put("addBatch of two statements, before it runs", c -> {
            Statement s = c.createStatement();
            s.addBatch("SELECT 1; SELECT 2");
            return "added";
        });
        calls.put("isUseServerPrepare after setUseServerPrepare(true), before it runs", c -> {
            PreparedStatement p = c.prepareStatement("SELECT 1");
            p.unwrap(PGStatement.class).setUseServerPrepare(true);
            return p.unwrap(PGStatement.class).isUseServerPrepare();
        });
        calls.put("parameter metadata after setNull(DATE) on a timestamp", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?::timestamp");
            p.setNull(1, Types.DATE);
            return p.getParameterMetaData().getParameterTypeName(1);
        });
        calls.put("PreparedStatement.toString after addBatch", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?");
            p.setInt(1, 7);
            p.addBatch();
            return p.toString();
        });
        calls.put("PreparedStatement.toString with a stream", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?");
            p.setBinaryStream(1, new ByteArrayInputStream(new byte[] {1, 2}), 2);
            return p.toString();
        });
        calls.put("addBatch with a parameter not set", c -> {
            PreparedStatement p = c.prepareStatement("UPDATE pg_class SET relname = relname WHERE oid = ? AND false");
            p.addBatch();
            return "added";
        });
        calls.put("executeBatch with a parameter not set", c -> {
            PreparedStatement p = c.prepareStatement("UPDATE pg_class SET relname = relname WHERE oid = ? AND false");
            p.addBatch();
            return Arrays.toString(p.executeBatch());
        });
        calls.put("setObject of an unconvertible value on a callable statement", c -> {
            CallableStatement call = c.prepareCall("{call contract_notice()}");
            call.setObject(1, "x", Types.BOOLEAN);
            return "set";
        });
        calls.put("setBigDecimal on a prepared read, then execute", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?::numeric + 1");
            p.setBigDecimal(1, new BigDecimal("1.5"));
            ResultSet rs = p.executeQuery();
            rs.next();
            return rs.getString(1);
        });
        calls.put("parameters set, cleared, then executed", c -> {
            PreparedStatement p = c.prepareStatement("SELECT ?::int");
            p.setInt(1, 3);
            p.clearParameters();
            return p.executeQuery() != null;
        });
        calls.put("setFetchSize(-1)", c -> {
            c.createStatement().setFetchSize(-1);
            return "set";
        });
        calls.put("setMaxRows(-1)", c -> {
            c.createStatement().setMaxRows(-1);
            return "set";
        });
        calls.put("setQueryTimeout(-1)", c -> {
            c.createStatement().setQueryTimeout(-1);
            return "set";
        });
        calls.put("setFetchDirection(999)", c -> {
            c.createStatement().setFetchDirection(999);
            return "set";
        });
        calls.put("setLargeMaxRows(-1)", c -> {
            c.createStatement().setLargeMaxRows(-1);
            return "set";
        });
        calls.put("setMaxFieldSize(-1)", c -> {
            c.createStatement().setMaxFieldSize(-1);
            return "set";
        });
        calls.put("setFetchSize(-1) on a prepared statement", c -> {
            c.prepareStatement("SELECT 1").setFetchSize(-1);
            return "set";
        });
        calls.put(
                "getGeneratedKeys before any statement ran",
                c -> c.createStatement().getGeneratedKeys() != null);
        return calls;
    }

    @Test
    void prepareThresholdFromTheUrl_isReportedAsPgJdbcReportsIt() throws Exception {
        for (String threshold : new String[] {"-1", "0", "3"}) {
            try (Connection plain = DriverManager.getConnection(cluster.nodeUrl(0) + "&prepareThreshold=" + threshold);
                    Connection replicated =
                            DriverManager.getConnection(cluster.replicatedUrl("prepareThreshold=" + threshold))) {
                assertThat(replicated.unwrap(PGConnection.class).getPrepareThreshold())
                        .as(threshold)
                        .isEqualTo(plain.unwrap(PGConnection.class).getPrepareThreshold());
                assertThat(replicated
                                .prepareStatement("SELECT 1")
                                .unwrap(PGStatement.class)
                                .getPrepareThreshold())
                        .as(threshold)
                        .isEqualTo(plain.prepareStatement("SELECT 1")
                                .unwrap(PGStatement.class)
                                .getPrepareThreshold());
            }
        }
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
