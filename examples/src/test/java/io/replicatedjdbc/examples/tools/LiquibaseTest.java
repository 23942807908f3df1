package io.replicatedjdbc.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.Statement;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresClusterExtension.class)
class LiquibaseTest {

    @Test
    void update_appliesChangesOnceOnThePrimary_withItsLockTableThere(PostgresCluster cluster) throws Exception {
        LiquibaseExample.update(cluster.replicatedUrl());

        assertThat(cluster.query(0, "SELECT server_port FROM lb_evidence")).isEqualTo(String.valueOf(cluster.port(0)));
        assertThat(cluster.query(0, "SELECT in_recovery FROM lb_evidence")).isEqualTo("f");
        assertThat(cluster.query(0, "SELECT count(*) FROM databasechangelog")).isEqualTo("2");
        assertThat(cluster.query(0, "SELECT bool_or(locked) FROM databasechangeloglock"))
                .isEqualTo("f");
        assertThat(cluster.query(0, "SELECT count(*) FROM lb_orders")).isEqualTo("1");

        LiquibaseExample.update(cluster.replicatedUrl());
        assertThat(cluster.query(0, "SELECT count(*) FROM databasechangelog")).isEqualTo("2");
        assertThat(cluster.query(0, "SELECT count(*) FROM lb_orders")).isEqualTo("1");

        cluster.awaitReplicas();
        assertThat(cluster.query(2, "SELECT count(*) FROM lb_orders")).isEqualTo("1");
    }

    @Test
    void update_configuredByUrl_withTheDriverClass_runsOnThePrimary(PostgresCluster cluster) throws Exception {
        try (Connection connection = cluster.connect(0);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS liquibase_by_url");
        }
        LiquibaseExample.updateByUrl(cluster.replicatedUrl(), "io.replicatedjdbc.ReplicatedDriver", "liquibase_by_url");
        assertThat(cluster.query(0, "SELECT server_port FROM liquibase_by_url.lb_evidence"))
                .isEqualTo(String.valueOf(cluster.port(0)));
        assertThat(cluster.query(0, "SELECT in_recovery FROM liquibase_by_url.lb_evidence"))
                .isEqualTo("f");
        assertThat(cluster.query(0, "SELECT count(*) FROM liquibase_by_url.databasechangelog"))
                .isEqualTo("2");
    }

    @Test
    void update_configuredByUrl_withoutTheDriverClass_saysItCannotDetermineIt(PostgresCluster cluster) {
        Assertions.assertThatThrownBy(() -> LiquibaseExample.updateByUrl(cluster.replicatedUrl(), null, "public"))
                .hasStackTraceContaining("could not be determined from the url");
    }
}
