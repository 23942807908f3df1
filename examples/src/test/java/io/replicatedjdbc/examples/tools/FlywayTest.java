package io.replicatedjdbc.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.flyway.ReplicatedPostgreSQLDatabaseType;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresClusterExtension.class)
class FlywayTest {

    @Test
    void migrate_runsOnceOnThePrimary_withItsLockThere_andTwiceIsANoOp(PostgresCluster cluster) throws Exception {
        MigrateResult first = FlywayExample.migrate(cluster.replicatedUrl(), PostgresCluster.USER, null);
        assertThat(first.success).isTrue();
        assertThat(first.migrationsExecuted).isEqualTo(2);

        // Recorded by the Java migration while it ran: on the primary, with Flyway's advisory lock held there. Flyway
        // set the search path to its schema with set_config(): the migrations' tables landed in it.
        assertThat(cluster.query(0, "SELECT server_port FROM flyway_demo.fw_evidence"))
                .isEqualTo(String.valueOf(cluster.port(0)));
        assertThat(cluster.query(0, "SELECT in_recovery FROM flyway_demo.fw_evidence"))
                .isEqualTo("f");
        assertThat(Long.parseLong(cluster.query(0, "SELECT advisory_locks FROM flyway_demo.fw_evidence")))
                .isPositive();
        assertThat(cluster.query(
                        0,
                        "SELECT count(*) FROM flyway_demo.flyway_schema_history WHERE success AND version IS NOT NULL"))
                .isEqualTo("2");
        assertThat(cluster.query(0, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
                .isEqualTo("0");

        MigrateResult second = FlywayExample.migrate(cluster.replicatedUrl(), PostgresCluster.USER, null);
        assertThat(second.success).isTrue();
        assertThat(second.migrationsExecuted).isZero();
        assertThat(cluster.query(0, "SELECT count(*) FROM flyway_demo.flyway_schema_history WHERE version IS NOT NULL"))
                .isEqualTo("2");

        cluster.awaitReplicas();
        assertThat(cluster.query(1, "SELECT count(*) FROM flyway_demo.fw_accounts"))
                .isEqualTo("2");
    }

    @Test
    void migrate_configuredByUrl_findsThePluginForTheUrl_andRunsOnThePrimary(PostgresCluster cluster) throws Exception {
        MigrateResult result =
                FlywayExample.migrateByUrl(cluster.replicatedUrl(), PostgresCluster.USER, null, "flyway_by_url");
        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isEqualTo(2);
        assertThat(result.database).isNotBlank();
        assertThat(cluster.query(0, "SELECT server_port FROM flyway_by_url.fw_evidence"))
                .isEqualTo(String.valueOf(cluster.port(0)));
        assertThat(cluster.query(0, "SELECT in_recovery FROM flyway_by_url.fw_evidence"))
                .isEqualTo("f");
        assertThat(Long.parseLong(cluster.query(0, "SELECT advisory_locks FROM flyway_by_url.fw_evidence")))
                .isPositive();

        MigrateResult again =
                FlywayExample.migrateByUrl(cluster.replicatedUrl(), PostgresCluster.USER, null, "flyway_by_url");
        assertThat(again.migrationsExecuted).isZero();
    }

    @Test
    void thePluginClaimsOnlyReplicatedPostgresqlUrls() {
        ReplicatedPostgreSQLDatabaseType plugin = new ReplicatedPostgreSQLDatabaseType();
        assertThat(plugin.handlesJDBCUrl("jdbc:replicated:postgresql://a,b/db")).isTrue();
        assertThat(plugin.handlesJDBCUrl("jdbc:postgresql://a/db")).isFalse();
        assertThat(plugin.handlesJDBCUrl("jdbc:replicated:sqlite:/tmp/a.db")).isFalse();
        assertThat(plugin.handlesDatabaseProductNameAndVersion("PostgreSQL", "17.5", null))
                .isFalse();
    }
}
