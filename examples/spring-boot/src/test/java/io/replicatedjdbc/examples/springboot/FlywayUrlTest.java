package io.replicatedjdbc.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code spring.flyway.url} set to a replicated URL. Spring Boot builds Flyway's own DataSource from it, so, as for
 * {@code spring.datasource.url}, it needs {@code spring.flyway.driver-class-name}; Flyway then recognises PostgreSQL
 * from the connection (no Flyway plugin is needed under Spring Boot). The migrations run on the primary, into their
 * own schema here.
 */
@ExtendWith(PostgresClusterExtension.class)
class FlywayUrlTest {

    @Test
    void springFlywayUrl_migratesThroughTheDriver_onThePrimary(PostgresCluster cluster) throws Exception {
        try (ConfigurableApplicationContext application = SpringApplication.run(
                ShopApplication.class,
                "--REPLICATED_URL=" + cluster.replicatedUrl(),
                "--server.port=0",
                "--server.tomcat.basedir=target/tomcat",
                "--spring.flyway.url=" + cluster.replicatedUrl(),
                "--spring.flyway.user=" + PostgresCluster.USER,
                "--spring.flyway.driver-class-name=io.replicatedjdbc.ReplicatedDriver",
                "--spring.flyway.schemas=flyway_by_url",
                "--spring.jpa.hibernate.ddl-auto=none")) {
            assertThat(application.isRunning()).isTrue();
        }
        assertThat(cluster.query(0, "SELECT port || ':' || standby FROM flyway_by_url.migration_node"))
                .isEqualTo(cluster.port(0) + ":false");
        assertThat(
                        cluster.query(
                                0,
                                "SELECT count(*) FROM flyway_by_url.flyway_schema_history WHERE success AND version IS NOT NULL"))
                .isEqualTo("2");
    }
}
