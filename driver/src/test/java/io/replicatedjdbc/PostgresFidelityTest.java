package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.core.BaseConnection;

/**
 * The same scripts run through plain PgJDBC (on the primary) and through the driver with read-your-writes off, so
 * that reads go to the hot standbys wherever the driver allows it. Every result, update count and SQLState must be
 * the same; the driver's run must also have used a replica, shown by the server itself ({@code pg_is_in_recovery()}).
 *
 * <p>A script is a list of steps: SQL, or a JDBC action written {@code !action argument}.
 */
@ExtendWith(PostgresClusterExtension.class)
class PostgresFidelityTest {

    private final PostgresCluster cluster;

    PostgresFidelityTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void createSchema(PostgresCluster cluster) throws Exception {
        try (Connection connection = cluster.connect(0);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS fid_a CASCADE");
            statement.execute("DROP SCHEMA IF EXISTS fid_b CASCADE");
            statement.execute("CREATE SCHEMA fid_a");
            statement.execute("CREATE SCHEMA fid_b");
            statement.execute("CREATE TABLE fid_a.fid_tt (id int)");
            statement.execute("CREATE TABLE fid_b.fid_tt (id int)");
            statement.execute("CREATE TABLE IF NOT EXISTS fid_rows (id int, data bytea)");
            statement.execute("CREATE TABLE IF NOT EXISTS fid_keyed (id int PRIMARY KEY, data text)");
            statement.execute("CREATE SEQUENCE IF NOT EXISTS fid_seq");
            statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fid_reader') THEN"
                    + " CREATE ROLE fid_reader; END IF; END $$");
            statement.execute("GRANT USAGE ON SCHEMA fid_a, fid_b TO fid_reader");
            statement.execute("GRANT SELECT ON fid_a.fid_tt, fid_b.fid_tt TO fid_reader");
        }
        cluster.awaitReplicas();
    }

    private Connection plain() throws SQLException {
        return cluster.connect(0);
    }

    private Connection replicated() throws SQLException {
        return DriverManager.getConnection(cluster.replicatedUrl("readYourWrites=off"));
    }

    private static final ScriptSteps STEPS = new ScriptSteps("fid");

    /** Runs the script on both connections; returns the driver's outcomes after checking they match plain PgJDBC's. */
    private List<String> sameAsPlain(String... script) throws Exception {
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        boolean usedReplica = false;
        try (Connection plain = plain()) {
            List<Savepoint> savepoints = new ArrayList<>();
            for (String step : script) {
                expected.add(step + " -> " + STEPS.run(plain, step, savepoints));
            }
        }
        cluster.awaitReplicas();
        try (Connection replicated = replicated()) {
            List<Savepoint> savepoints = new ArrayList<>();
            for (String step : script) {
                actual.add(step + " -> " + STEPS.run(replicated, step, savepoints));
                RoutingDecision last =
                        replicated.unwrap(ReplicatedConnection.class).lastRouting();
                usedReplica |= last != null && last.route() == Route.REPLICA;
                // Checkpoint: whatever the step wrote is on the replicas, so that lag explains no difference.
                cluster.awaitReplicas();
            }
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(usedReplica).as("some step of the script ran on a replica").isTrue();
        return actual;
    }

    // ---------------------------------------------------------------- identity

    @Test
    void setRole_thenResetAll_keepsTheRoleOnEveryNode_soAnInsertIsRefusedAsOnOneConnection() throws Exception {
        sameAsPlain(
                "SET ROLE fid_reader",
                "SELECT current_user",
                "SELECT count(*) FROM fid_a.fid_tt",
                "RESET ALL",
                "SELECT current_user",
                "INSERT INTO fid_a.fid_tt VALUES (1)",
                "RESET ROLE",
                "SELECT current_user");
    }

    @Test
    void setSessionAuthorization_reachesEveryNode() throws Exception {
        sameAsPlain(
                "SET SESSION AUTHORIZATION fid_reader",
                "SELECT session_user || '/' || current_user",
                "INSERT INTO fid_a.fid_tt VALUES (1)",
                "RESET SESSION AUTHORIZATION",
                "SELECT session_user || '/' || current_user");
    }

    @Test
    void setSchema_thenResetAll_isUndoneOnEveryNode() throws Exception {
        sameAsPlain(
                "!setSchema fid_b",
                "SELECT count(*) FROM fid_tt",
                "!getSchema",
                "RESET ALL",
                "INSERT INTO fid_tt VALUES (1)",
                "SELECT current_schema()",
                "!getSchema");
    }

    // ---------------------------------------------------------------- set_config in every form

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT set_config('search_path', 'fid_b', false)",
                "SELECT set_config('search_path', 'fid_b', 'false')",
                "SELECT set_config('search_path', 'fid_b', (false))",
                "SELECT set_config('search_path', 'fid_b', 1 = 0)",
                "SELECT set_config('search_path', 'fid_b', false::boolean)",
                "SELECT \"set_config\"('search_path', 'fid_b', false)",
                "SELECT pg_catalog.set_config('search_path', 'fid_b', false)",
                "SELECT U&\"set\\005fconfig\"('search_path', 'fid_b', false)",
                "SELECT U&\"set!005fconfig\" UESCAPE '!' ('search_path', 'fid_b', false)",
                "SELECT set_config('search_path', 'fid_a', true), set_config('search_path', 'fid_b', false)",
                "SELECT length(set_config('search_path', 'fid_b', false)) FROM fid_a.fid_tt RIGHT JOIN (VALUES (1)) v ON true",
            })
    void setConfig_inAnyForm_reachesEveryNode(String setConfig) throws Exception {
        sameAsPlain(
                setConfig,
                "SELECT current_setting('search_path')",
                "SELECT count(*) FROM fid_tt",
                "INSERT INTO fid_tt VALUES (5)",
                "SELECT current_schema()",
                "DELETE FROM fid_tt WHERE id = 5");
    }

    @Test
    void setConfig_withItsFlagBoundAsAParameter_reachesEveryNode() throws Exception {
        sameAsPlain("!preparedSetConfig fid_b", "SELECT current_setting('search_path')", "SELECT current_schema()");
    }

    @Test
    void customSettings_reachEveryNode_andResetAllClearsThem() throws Exception {
        sameAsPlain(
                "SELECT set_config('app.tenant_id', '17', false)",
                "SELECT current_setting('app.tenant_id')",
                "SET app.region = 'north'",
                "SELECT current_setting('app.region')",
                "RESET ALL",
                "SELECT coalesce(current_setting('app.tenant_id', true), 'unset')");
    }

    // ---------------------------------------------------------------- session changes and transactions

    @Test
    void setInsideATransactionInSql_reachesTheReplicasOnCommit() throws Exception {
        sameAsPlain("BEGIN", "SET search_path TO fid_b", "COMMIT", "SELECT current_setting('search_path')");
    }

    @Test
    void setInsideATransactionRolledBackInSql_reachesNoNode() throws Exception {
        sameAsPlain(
                "BEGIN",
                "SET search_path TO fid_b",
                "ROLLBACK",
                "SELECT current_setting('search_path')",
                "!autocommit false",
                "SELECT 1",
                "!commit",
                "!autocommit true",
                "SELECT current_setting('search_path')");
    }

    @Test
    void setFollowedByAnErrorAndCommit_isRolledBackEverywhere() throws Exception {
        sameAsPlain(
                "!autocommit false",
                "SET search_path TO fid_b",
                "SELECT 1 / 0",
                "!commit",
                "!autocommit true",
                "SELECT current_setting('search_path')");
    }

    @Test
    void setUndoneByARollbackToASavepoint_reachesNoNode() throws Exception {
        sameAsPlain(
                "!autocommit false",
                "SET search_path TO fid_a",
                "!savepoint",
                "SET search_path TO fid_b",
                "!rollbackToSavepoint",
                "!commit",
                "!autocommit true",
                "SELECT current_setting('search_path')");
    }

    @Test
    void setInAMultiStatementString_orABatch_reachesEveryNode() throws Exception {
        sameAsPlain(
                "SET search_path TO fid_b; SELECT 1",
                "SELECT current_setting('search_path')",
                "!batch SET search_path TO fid_a | INSERT INTO fid_rows (id) VALUES (1)",
                "SELECT current_setting('search_path')");
    }

    @Test
    void sessionChangeWithASideEffect_runsOnce_onThePrimary() throws Exception {
        long before = Long.parseLong(cluster.query(0, "SELECT nextval('fid_seq')"));
        try (Connection connection = replicated();
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT nextval('fid_seq')");
            statement.execute("SELECT set_config('search_path', 'fid_b', false), nextval('fid_seq')");
            try (ResultSet rs = statement.executeQuery("SELECT current_setting('search_path'), pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("fid_b");
                assertThat(rs.getBoolean(2)).as("read on a replica").isTrue();
            }
            statement.execute("SELECT set_config('app.locked', 'yes', false), pg_advisory_lock(4242)");
            for (int replica = 1; replica <= cluster.replicaCount(); replica++) {
                assertThat(cluster.query(replica, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
                        .as("advisory locks on replica " + replica)
                        .isEqualTo("0");
            }
            assertThat(cluster.query(0, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"))
                    .isEqualTo("1");
        }
        assertThat(Long.parseLong(cluster.query(0, "SELECT last_value FROM fid_seq")))
                .isEqualTo(before + 2);
    }

    @Test
    void transactionOpenedInAMultiStatementString_keepsLaterStatementsInIt() throws Exception {
        sameAsPlain(
                "BEGIN; INSERT INTO fid_rows (id) VALUES (77)",
                "SELECT count(*) FROM fid_rows WHERE id = 77",
                "ROLLBACK",
                "SELECT count(*) FROM fid_rows WHERE id = 77");
    }

    @Test
    void commitAndChain_keepsTheNewTransactionOnItsNode() throws Exception {
        sameAsPlain(
                "BEGIN",
                "INSERT INTO fid_rows (id) VALUES (78)",
                "COMMIT AND CHAIN",
                "INSERT INTO fid_rows (id) VALUES (79)",
                "SELECT count(*) FROM fid_rows WHERE id IN (78, 79)",
                "ROLLBACK",
                "SELECT count(*) FROM fid_rows WHERE id IN (78, 79)",
                "DELETE FROM fid_rows WHERE id = 78");
        assertThat(cluster.query(0, "SELECT count(*) FROM fid_rows WHERE id IN (78, 79)"))
                .isEqualTo("0");
    }

    @Test
    void readOnlyTransactions_failAsOnOneConnection() throws Exception {
        sameAsPlain(
                "!readOnly true",
                "!autocommit false",
                "SELECT count(*) FROM fid_rows",
                "INSERT INTO fid_rows (id) VALUES (1)",
                "SELECT 1",
                "!rollback",
                "SELECT count(*) FROM fid_rows",
                "!readOnly false",
                "!commit",
                "!autocommit true",
                "SELECT count(*) FROM fid_rows");
    }

    @Test
    void serializableSetInSql_keepsReadsWorking_andIsReported() throws Exception {
        sameAsPlain(
                "SET default_transaction_isolation = 'serializable'",
                "SELECT count(*) FROM fid_rows",
                "!getIsolation",
                "RESET default_transaction_isolation",
                "SELECT count(*) FROM fid_rows",
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
                "SELECT count(*) FROM fid_rows",
                "!getIsolation",
                "!autocommit false",
                "SELECT count(*) FROM fid_rows",
                "!commit",
                "!autocommit true");
    }

    // ---------------------------------------------------------------- lexing as PostgreSQL does

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT 1 -- a comment ended by a bare carriage return\r, pg_advisory_lock(4300)",
                "SELECT U&\"\\0070g_advisory_lock\"(4300)",
                "SELECT U&\"!0070g_advisory_lock\" UESCAPE '!' (4300)",
                "EXPLAIN (\"analyze\") SELECT pg_advisory_lock(4300)",
                "SELECT 1 AS a\u20ac$x$, pg_advisory_lock(4300) --$x$",
                "SELECT 1 AS \u2003$x$, pg_advisory_lock(4300) --$x$",
            })
    void statementsPostgresqlLexesAsALockCall_neverReachAReplica(String sql) throws Exception {
        try (Connection connection = replicated();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
            for (int replica = 1; replica <= cluster.replicaCount(); replica++) {
                assertThat(cluster.query(replica, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
                        .as("advisory locks on replica " + replica)
                        .isEqualTo("0");
            }
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .route())
                    .isEqualTo(Route.PRIMARY);
            statement.execute("SELECT pg_advisory_unlock_all()");
        }
    }

    @Test
    void backslashEscapesInStrings_areLexedAsTheSessionsServerLexesThem() throws Exception {
        // With standard_conforming_strings off, \' escapes a quote: the string ends early and the lock is a call.
        String sql = "SELECT 'x\\'', pg_advisory_lock(4301) --'";
        try (Connection connection = replicated();
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            assertThat(runAndRelease(connection, sql.replace("pg_advisory_lock(4301)", "4301")))
                    .isEqualTo(Route.REPLICA);
            statement.execute("SET standard_conforming_strings = off");
            assertThat(runAndRelease(connection, sql)).isEqualTo(Route.PRIMARY);
        }
    }

    // ---------------------------------------------------------------- user functions, looked up by volatility

    private void assertNoAdvisoryLockOnAReplica() throws SQLException {
        for (int replica = 1; replica <= cluster.replicaCount(); replica++) {
            assertThat(cluster.query(replica, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
                    .as("advisory locks on replica " + replica)
                    .isEqualTo("0");
        }
    }

    /** Runs the query through the driver and returns its route, after checking that no replica holds a lock. */
    private Route runAndRelease(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            Route route =
                    connection.unwrap(ReplicatedConnection.class).lastRouting().route();
            assertNoAdvisoryLockOnAReplica();
            statement.execute("SELECT pg_advisory_unlock_all()");
            return route;
        }
    }

    @Test
    void functionNotYetReplayedOnTheReplica_isNeverTakenForHarmless() throws Exception {
        cluster.pauseReplayEverywhere();
        try (Connection connection = replicated()) {
            cluster.query(
                    0,
                    "CREATE OR REPLACE FUNCTION fid_lagging(k int) RETURNS int VOLATILE LANGUAGE sql"
                            + " AS $$ SELECT pg_advisory_lock(k); SELECT 1 $$");
            // The replica does not know the function yet: a replica would answer 42883, the primary runs it.
            assertThat(runAndRelease(connection, "SELECT fid_lagging(4400)")).isEqualTo(Route.PRIMARY);
        } finally {
            cluster.resumeReplayEverywhere();
        }
        cluster.awaitReplicas();
        try (Connection connection = replicated()) {
            assertThat(runAndRelease(connection, "SELECT fid_lagging(4400)")).isEqualTo(Route.PRIMARY);
        }
    }

    @Test
    void userFunctionsNamedLikeKeywords_areLookedUp() throws Exception {
        for (String name : new String[] {"sets", "filter", "columns", "ordinality", "cube", "date"}) {
            cluster.query(
                    0,
                    "CREATE OR REPLACE FUNCTION public." + name + "(k int) RETURNS int VOLATILE LANGUAGE sql"
                            + " AS $$ SELECT pg_advisory_lock(k); SELECT 1 $$");
        }
        cluster.awaitReplicas();
        try (Connection connection = replicated()) {
            for (String name : new String[] {"sets", "filter", "columns", "ordinality", "cube", "date"}) {
                assertThat(runAndRelease(connection, "SELECT " + name + "(4401)"))
                        .as(name)
                        .isEqualTo(Route.PRIMARY);
            }
        } finally {
            for (String name : new String[] {"sets", "filter", "columns", "ordinality", "cube", "date"}) {
                cluster.query(0, "DROP FUNCTION public." + name + "(int)");
            }
        }
    }

    @Test
    void nonAsciiFunctionNames_areFoldedAsPostgresqlFoldsThem() throws Exception {
        cluster.query(
                0,
                "CREATE OR REPLACE FUNCTION \u0130LOCK(k int) RETURNS int VOLATILE LANGUAGE sql"
                        + " AS $$ SELECT pg_advisory_lock(k); SELECT 1 $$");
        cluster.awaitReplicas();
        try (Connection connection = replicated()) {
            assertThat(runAndRelease(connection, "SELECT \u0130LOCK(4402)")).isEqualTo(Route.PRIMARY);
        }
    }

    @Test
    void functionMadeVolatileThroughTheDriver_isLookedUpAgain() throws Exception {
        try (Connection connection = replicated()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(
                        "CREATE OR REPLACE FUNCTION fid_flip(k int) RETURNS int STABLE LANGUAGE sql AS 'SELECT k'");
            }
            cluster.awaitReplicas();
            assertThat(runAndRelease(connection, "SELECT fid_flip(4403)")).isEqualTo(Route.REPLICA);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE OR REPLACE FUNCTION fid_flip(k int) RETURNS int VOLATILE LANGUAGE sql"
                        + " AS $$ SELECT pg_advisory_lock(k); SELECT 1 $$");
            }
            cluster.awaitReplicas();
            assertThat(runAndRelease(connection, "SELECT fid_flip(4403)")).isEqualTo(Route.PRIMARY);
        }
    }

    // ---------------------------------------------------------------- writes that do not pass through routing

    @Test
    void updatableResultSet_inAutocommit_readsOnThePrimary_soItsUpdateRowWorks() throws Exception {
        cluster.query(0, "INSERT INTO fid_keyed (id, data) VALUES (950, 'a')");
        cluster.awaitReplicas();
        try (Connection connection = replicated();
                Statement statement =
                        connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                ResultSet rs = statement.executeQuery("SELECT id, data FROM fid_keyed WHERE id = 950")) {
            assertThat(rs.next()).isTrue();
            rs.updateString("data", "b");
            rs.updateRow();
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .route())
                    .isEqualTo(Route.PRIMARY);
        }
        assertThat(cluster.query(0, "SELECT data FROM fid_keyed WHERE id = 950"))
                .isEqualTo("b");
    }

    @Test
    void copyThroughTheUnwrappedConnection_isSeenByTheNextRead_evenWithReplayPaused() throws Exception {
        cluster.pauseReplayEverywhere();
        try (Connection connection = replicated()) {
            // PgJDBC's own connection class hands out the primary's physical connection, unseen by routing.
            BaseConnection pg = connection.unwrap(BaseConnection.class);
            pg.getCopyAPI().copyIn("COPY fid_rows (id) FROM STDIN", new StringReader("960\n961\n"));
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT count(*) FROM fid_rows WHERE id IN (960, 961)")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
            // The pin lasts for the request: a pool's endRequest() releases it.
            connection.unwrap(ReplicatedConnection.class).endRequest();
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
        } finally {
            cluster.resumeReplayEverywhere();
        }
    }

    // ---------------------------------------------------------------- connecting, data safety

    @Test
    void connect_toAnUnknownDatabase_failsAtConnect_withTheServersError() throws Exception {
        String plainState = null;
        try (Connection ignored =
                DriverManager.getConnection(cluster.nodeUrl(0).replace("/postgres?", "/no_such_db?"))) {
            plainState = "connected";
        } catch (SQLException e) {
            plainState = e.getSQLState();
        }
        String replicatedState;
        try (Connection ignored =
                DriverManager.getConnection(cluster.replicatedUrl().replace("/postgres?", "/no_such_db?"))) {
            replicatedState = "connected";
        } catch (SQLException e) {
            replicatedState = e.getSQLState();
        }
        assertThat(plainState).isEqualTo("3D000");
        assertThat(replicatedState).isEqualTo(plainState);
        // The replicas were not marked down by it: reads still reach them.
        try (Connection connection = replicated();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    @Test
    void connect_asAnUnknownUser_failsAtConnect_withTheServersError() throws Exception {
        String plainState;
        try (Connection ignored =
                DriverManager.getConnection(cluster.nodeUrl(0).replace("user=postgres", "user=nobody_here"))) {
            plainState = "connected";
        } catch (SQLException e) {
            plainState = e.getSQLState();
        }
        String replicatedState;
        try (Connection ignored =
                DriverManager.getConnection(cluster.replicatedUrl().replace("user=postgres", "user=nobody_here"))) {
            replicatedState = "connected";
        } catch (SQLException e) {
            replicatedState = e.getSQLState();
        }
        assertThat(plainState).isEqualTo("28000");
        assertThat(replicatedState).isEqualTo(plainState);
    }

    @Test
    void setBytes_withAReusedBuffer_sendsEachRowsOwnValue() throws Exception {
        try (Connection connection = replicated()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO fid_rows (id, data) VALUES (?, ?)")) {
                byte[] buffer = new byte[1];
                for (int i = 0; i < 3; i++) {
                    buffer[0] = (byte) i;
                    insert.setInt(1, 900 + i);
                    insert.setBytes(2, buffer);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
        }
        assertThat(cluster.query(
                        0,
                        "SELECT string_agg(get_byte(data, 0)::text, ',' ORDER BY id) FROM fid_rows"
                                + " WHERE id BETWEEN 900 AND 902"))
                .isEqualTo("0,1,2");
    }
}
