package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the catalog knows and the statement's text does not: the functions a view calls (also through nested views),
 * the built-in functions that change server state, and the custom settings a function sets by name. Each claim is
 * checked on the servers: where a lock is held ({@code pg_locks}), where the statement ran
 * ({@code pg_is_in_recovery()}), and what the session sees, beside plain PgJDBC on the primary.
 */
@ExtendWith(PostgresClusterExtension.class)
class PostgresCatalogRoutingTest {

    private final PostgresCluster cluster;

    PostgresCatalogRoutingTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void createSchema(PostgresCluster cluster) throws Exception {
        try (Connection connection = cluster.connect(0);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP VIEW IF EXISTS cat_outer, cat_locking, cat_plain CASCADE");
            statement.execute("CREATE OR REPLACE VIEW cat_locking AS SELECT pg_try_advisory_lock(424242) AS locked,"
                    + " pg_is_in_recovery() AS standby");
            statement.execute("CREATE OR REPLACE VIEW cat_outer AS SELECT * FROM cat_locking");
            statement.execute("CREATE OR REPLACE VIEW cat_plain AS SELECT 1 AS one, pg_is_in_recovery() AS standby");
            statement.execute("CREATE TABLE IF NOT EXISTS cat_tenant_rows (tenant text, v int)");
            statement.execute("TRUNCATE cat_tenant_rows");
            statement.execute("INSERT INTO cat_tenant_rows VALUES ('t42', 1), ('t7', 2)");
            statement.execute("CREATE OR REPLACE FUNCTION cat_set_tenant(t text) RETURNS text VOLATILE LANGUAGE sql"
                    + " AS $$ SELECT set_config('app.tenant', t, false) $$");
            statement.execute("CREATE OR REPLACE FUNCTION cat_set_tenant_plpgsql(t text) RETURNS void VOLATILE"
                    + " LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'SET app.region = ' || quote_literal(t); END $$");
            statement.execute("CREATE OR REPLACE FUNCTION cat_touch() RETURNS int VOLATILE LANGUAGE sql AS 'SELECT 1'");
        }
        cluster.awaitReplicas();
    }

    private Connection connect(String... options) throws SQLException {
        return DriverManager.getConnection(cluster.replicatedUrl(options));
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private int advisoryLocksHeld(int node) throws SQLException {
        return Integer.parseInt(
                cluster.query(node, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 424242"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cat_locking", "cat_outer", "public.cat_locking", "\"cat_locking\""})
    void aViewThatTakesASessionAdvisoryLock_runsOnThePrimary_andTheLockIsHeldThere(String view) throws Exception {
        try (Connection connection = connect()) {
            assertThat(single(connection, "SELECT pg_is_in_recovery()"))
                    .as("reads run on a standby")
                    .isEqualTo("t");
            assertThat(single(connection, "SELECT standby FROM " + view))
                    .as("the view's read ran on")
                    .isEqualTo("f");
            assertThat(advisoryLocksHeld(0))
                    .as("the lock is held on the primary")
                    .isEqualTo(1);
            for (int replica = 1; replica <= cluster.replicaCount(); replica++) {
                assertThat(advisoryLocksHeld(replica))
                        .as("no lock on replica " + replica)
                        .isZero();
            }
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .explain("SELECT * FROM " + view)
                            .route())
                    .isEqualTo(Route.PRIMARY);
        }
        assertThat(advisoryLocksHeld(0)).as("released with the session").isZero();
    }

    @Test
    void aViewThatCallsNothingThatWrites_stillReadsFromAReplica() throws Exception {
        try (Connection connection = connect()) {
            assertThat(single(connection, "SELECT standby FROM cat_plain")).isEqualTo("t");
            assertThat(single(connection, "SELECT p.standby FROM pg_class c, cat_plain AS p LIMIT 1"))
                    .isEqualTo("t");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT pg_replication_slot_advance('cat_slot', pg_current_wal_lsn())",
                "SELECT slot_name FROM pg_copy_physical_replication_slot('cat_slot', 'cat_slot_copy')"
            })
    void builtInFunctionsThatChangeServerState_runOnThePrimary(String sql) throws Exception {
        cluster.query(0, "SELECT pg_create_physical_replication_slot('cat_slot', true)");
        try (Connection connection = connect()) {
            single(connection, sql);
            RoutingDecision last = connection.unwrap(ReplicatedConnection.class).lastRouting();
            assertThat(last.route()).as(last.reason()).isEqualTo(Route.PRIMARY);
        } finally {
            cluster.query(
                    0,
                    "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots"
                            + " WHERE slot_name LIKE 'cat_slot%'");
        }
    }

    @Test
    void explain_saysWhatAStatementCallingAVolatileFunctionWouldDoNow() throws Exception {
        try (Connection connection = connect()) {
            ReplicatedConnection replicated = connection.unwrap(ReplicatedConnection.class);
            RoutingDecision before = replicated.explain("SELECT cat_touch()");
            assertThat(before.route()).as(before.reason()).isEqualTo(Route.PRIMARY);
            single(connection, "SELECT cat_touch()");
            assertThat(replicated.lastRouting().route()).isEqualTo(Route.PRIMARY);
            assertThat(replicated.explain("SELECT cat_touch()").route()).isEqualTo(Route.PRIMARY);
        }
    }

    /** The session as the application sees it, read through the driver from a replica and from plain PgJDBC. */
    private static String settingSeen(Connection connection, String name) throws SQLException {
        return single(
                connection,
                "SELECT coalesce(current_setting('" + name + "', true), '<unset>')" + " || '@' || pg_is_in_recovery()");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"SELECT cat_set_tenant('t42')", "EXPLAIN ANALYZE SELECT set_config('app.tenant', 't42', false)"})
    void aSettingSetInsideAFunction_reachesTheReplicas_asOnOneConnection(String change) throws Exception {
        try (Connection plain = cluster.connect(0);
                Connection connection = connect("readYourWrites=off")) {
            try (Statement statement = plain.createStatement()) {
                statement.execute(change);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(change);
            }
            assertThat(settingSeen(plain, "app.tenant")).isEqualTo("t42@false");
            assertThat(settingSeen(connection, "app.tenant"))
                    .as("read on a replica")
                    .isEqualTo("t42@true");
            // The row-level-security pattern: rows of the tenant the session names.
            String rows =
                    "SELECT string_agg(v::text, ',') FROM cat_tenant_rows WHERE tenant = current_setting('app.tenant', true)";
            assertThat(single(connection, rows)).isEqualTo(single(plain, rows)).isEqualTo("1");
        }
    }

    @Test
    void aSettingSetByNameInAFunctionBody_withSet_reachesTheReplicas() throws Exception {
        try (Connection connection = connect("readYourWrites=off")) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT cat_set_tenant_plpgsql('emea')");
            }
            assertThat(settingSeen(connection, "app.region")).isEqualTo("emea@true");
        }
    }
}
