package io.replicatedjdbc.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.ReplicatedDriver;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What DBeaver does with a JDBC driver, replayed: it loads the driver class itself, asks for its properties,
 * connects with user and password properties, reads metadata (on a second connection), works in manual-commit
 * mode, and cancels a running query from another thread.
 */
@ExtendWith(PostgresClusterExtension.class)
class DbeaverSequenceTest {

    @BeforeAll
    static void createSchema(PostgresCluster cluster) throws Exception {
        cluster.query(0, "CREATE TABLE IF NOT EXISTS dbv_customers (id int PRIMARY KEY, name text NOT NULL)");
        cluster.query(
                0,
                "CREATE TABLE IF NOT EXISTS dbv_orders (id int PRIMARY KEY, customer_id int REFERENCES dbv_customers (id))");
        cluster.query(0, "CREATE INDEX IF NOT EXISTS dbv_orders_customer ON dbv_orders (customer_id)");
        cluster.awaitReplicas();
    }

    private static List<String> column(ResultSet rs, String name) throws SQLException {
        List<String> values = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                values.add(rs.getString(name));
            }
        }
        return values;
    }

    @Test
    void connectSequence_metadata_manualCommit_andCancel(PostgresCluster cluster) throws Exception {
        String url = "jdbc:replicated:postgresql://127.0.0.1:" + cluster.port(0) + ",127.0.0.1:" + cluster.port(1)
                + ",127.0.0.1:" + cluster.port(2) + "/" + PostgresCluster.DATABASE;
        Driver driver = (Driver) Class.forName("io.replicatedjdbc.ReplicatedDriver")
                .getDeclaredConstructor()
                .newInstance();
        assertThat(driver).isInstanceOf(ReplicatedDriver.class);
        assertThat(driver.acceptsURL(url)).isTrue();
        DriverPropertyInfo[] properties = driver.getPropertyInfo(url, new Properties());
        assertThat(properties).extracting(p -> p.name).contains("loadBalance", "readYourWrites", "replicas");

        Properties credentials = new Properties();
        credentials.setProperty("user", PostgresCluster.USER);
        credentials.setProperty("password", "unused-with-trust");
        try (Connection main = driver.connect(url, credentials);
                Connection meta = driver.connect(url, credentials)) {
            DatabaseMetaData metaData = meta.getMetaData();
            assertThat(metaData.getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(metaData.getURL()).doesNotContain("unused-with-trust");
            assertThat(column(metaData.getSchemas(), "TABLE_SCHEM")).contains("public", "pg_catalog");
            assertThat(column(metaData.getCatalogs(), "TABLE_CAT")).contains(PostgresCluster.DATABASE);
            assertThat(column(metaData.getTables(null, "public", "dbv_%", new String[] {"TABLE"}), "TABLE_NAME"))
                    .contains("dbv_customers", "dbv_orders");
            assertThat(column(metaData.getColumns(null, "public", "dbv_orders", "%"), "COLUMN_NAME"))
                    .containsExactly("id", "customer_id");
            assertThat(column(metaData.getPrimaryKeys(null, "public", "dbv_orders"), "COLUMN_NAME"))
                    .containsExactly("id");
            assertThat(column(metaData.getIndexInfo(null, "public", "dbv_orders", false, true), "INDEX_NAME"))
                    .contains("dbv_orders_customer");
            assertThat(column(metaData.getImportedKeys(null, "public", "dbv_orders"), "PKTABLE_NAME"))
                    .containsExactly("dbv_customers");

            main.setAutoCommit(false);
            try (Statement statement = main.createStatement()) {
                statement.executeUpdate("INSERT INTO dbv_customers VALUES (1, 'ann') ON CONFLICT (id) DO NOTHING");
                main.rollback();
                statement.executeUpdate("INSERT INTO dbv_customers VALUES (2, 'bob') ON CONFLICT (id) DO NOTHING");
                main.commit();
            }
            assertThat(cluster.query(0, "SELECT string_agg(name, ',') FROM dbv_customers"))
                    .isEqualTo("bob");

            ExecutorService executor = Executors.newSingleThreadExecutor();
            try (Statement statement = main.createStatement()) {
                Future<?> running = executor.submit(() -> statement.executeQuery("SELECT pg_sleep(30)"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!"t"
                                .equals(
                                        cluster.query(
                                                0,
                                                "SELECT count(*) > 0 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                statement.cancel();
                assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState())
                        .isEqualTo("57014");
                main.rollback();
            } finally {
                executor.shutdownNow();
            }
        }
    }
}
