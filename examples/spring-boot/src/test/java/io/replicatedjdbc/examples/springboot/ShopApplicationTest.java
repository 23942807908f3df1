package io.replicatedjdbc.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example application started as a user starts it, against the real cluster (a primary and two streaming
 * replicas). Only its application.properties configures the database; the test supplies the URL's value through the
 * placeholder there. Where each kind of work ran is asked of the servers.
 */
@ExtendWith(PostgresClusterExtension.class)
class ShopApplicationTest {

    private static ConfigurableApplicationContext application;
    private static PostgresCluster cluster;

    @BeforeAll
    static void start(PostgresCluster started) {
        cluster = started;
        application = SpringApplication.run(
                ShopApplication.class,
                "--REPLICATED_URL=" + cluster.replicatedUrl("readYourWritesScope=global"),
                "--server.port=0",
                "--server.tomcat.basedir=target/tomcat");
    }

    @AfterAll
    static void stop() {
        if (application != null) {
            application.close();
        }
    }

    private static List<Integer> replicaPorts() {
        List<Integer> ports = new ArrayList<>();
        for (int replica = 1; replica <= cluster.replicaCount(); replica++) {
            ports.add(cluster.port(replica));
        }
        return ports;
    }

    @Test
    void flywayMigrations_ranAtStartUp_onThePrimary() throws Exception {
        assertThat(cluster.query(0, "SELECT port || ':' || standby FROM migration_node"))
                .isEqualTo(cluster.port(0) + ":false");
        assertThat(cluster.query(0, "SELECT count(*) FROM flyway_schema_history WHERE success"))
                .isEqualTo("2");
    }

    @Test
    void readOnlyTransaction_runsOnOneReplica_andRepositoryReadsOnReplicas() {
        ShopService shop = application.getBean(ShopService.class);
        ShopService.Seen seen = shop.catalogue("ap");
        assertThat(seen.names()).containsExactly("apple", "apricot");
        String[] first = seen.servers().get(0).split(":");
        assertThat(Integer.parseInt(first[0])).isIn(replicaPorts());
        assertThat(first[1]).isEqualTo("true");
        // one replica, one session, for the whole transaction
        assertThat(seen.servers().get(1)).isEqualTo(seen.servers().get(0));

        String repositoryRead = application.getBean(ProductRepository.class).servedBy();
        assertThat(Integer.parseInt(repositoryRead.split(":")[0])).isIn(replicaPorts());
    }

    @Test
    void writeTransaction_runsOnThePrimary_andTheNextReadOnlyTransactionSeesIt() throws Exception {
        ShopService shop = application.getBean(ShopService.class);
        ShopService.Seen wrote = shop.restock("avocado", 3);
        assertThat(wrote.servers().get(0)).startsWith(cluster.port(0) + ":false:");
        assertThat(cluster.query(0, "SELECT stock FROM product WHERE name = 'avocado'"))
                .isEqualTo("3");

        ShopService.Seen read = shop.catalogue("av");
        assertThat(read.names()).containsExactly("avocado");
    }

    @Test
    void actuatorHealth_isUp_withTheDatabase() throws Exception {
        String port = application.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body())
                .contains("\"status\":\"UP\"")
                .contains("\"db\"")
                .contains("PostgreSQL");
        // The replicated-jdbc module's contributor: every node by name, with its state.
        assertThat(health.body())
                .contains("\"replicatedJdbc\"")
                .contains("\"nodes\"")
                .contains("\"primary\":\"up\"")
                .contains("\"replica1\":\"up\"")
                .contains("\"replica2\":\"up\"")
                .contains("\"replicaLagBytes\"");
    }

    /** The statements both replicas ran, as the registry counts them. */
    private static double replicaStatements(MeterRegistry registry) {
        return registry.get("replicated.statements")
                        .tag("node", "replica1")
                        .functionCounter()
                        .count()
                + registry.get("replicated.statements")
                        .tag("node", "replica2")
                        .functionCounter()
                        .count();
    }

    @Test
    void micrometer_hasEachNodesStatements_asTheServersSawThem() throws Exception {
        MeterRegistry registry = application.getBean(MeterRegistry.class);
        double before = replicaStatements(registry);
        ShopService shop = application.getBean(ShopService.class);
        for (int i = 0; i < 5; i++) {
            shop.catalogue("metrics");
        }
        double after = replicaStatements(registry);
        assertThat(after - before).as("reads counted on the replicas").isGreaterThanOrEqualTo(5);
        assertThat(registry.get("replicated.node.up")
                        .tag("node", "primary")
                        .gauge()
                        .value())
                .isOne();
    }
}
