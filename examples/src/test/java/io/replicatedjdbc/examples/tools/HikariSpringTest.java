package io.replicatedjdbc.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@ExtendWith(PostgresClusterExtension.class)
class HikariSpringTest {

    @BeforeAll
    static void createSchema(PostgresCluster cluster) throws Exception {
        cluster.query(0, "CREATE TABLE IF NOT EXISTS spring_notes (id serial PRIMARY KEY, body text NOT NULL)");
        cluster.awaitReplicas();
    }

    @Test
    void readOnlyTransactionsRunOnReplicas_readWriteOnesOnThePrimary(PostgresCluster cluster) throws Exception {
        Set<Integer> replicas = Set.of(cluster.port(1), cluster.port(2));
        try (HikariDataSource dataSource = HikariSpringExample.dataSource(cluster.replicatedUrl())) {
            Map<String, Integer> ports = HikariSpringExample.run(dataSource);

            assertThat(ports.get("autocommit read")).isIn(replicas);
            assertThat(ports.get("read-write transaction")).isEqualTo(cluster.port(0));
            assertThat(ports.get("read-only transaction")).isIn(replicas);
            // Read-your-writes by WAL position: the primary, or a replica that has already replayed the write.
            assertThat(ports.get("read right after a write")).isIn(cluster.port(0), cluster.port(1), cluster.port(2));
            assertThat(ports.get("autocommit write")).isEqualTo(cluster.port(0));
        }
        assertThat(cluster.query(0, "SELECT count(*) FROM spring_notes WHERE body = 'written in a transaction'"))
                .isNotEqualTo("0");
    }

    private static int port(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** One pooled connection: write, return it, borrow it again, read. Where does the read go? */
    private static int readAfterAnotherCheckoutWrote(String url) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(1);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE spring_notes SET body = body WHERE id = -1");
            }
            try (Connection connection = dataSource.getConnection()) {
                return port(connection);
            }
        }
    }

    @Test
    void withRequestBoundaries_theEndOfACheckoutReleasesAConnectionPin(PostgresCluster cluster) throws Exception {
        String url = cluster.replicatedUrl("readYourWrites=connection");
        assertThat(readAfterAnotherCheckoutWrote(url))
                .as("without request boundaries the pin outlives the checkout")
                .isEqualTo(cluster.port(0));
        System.setProperty("com.zaxxer.hikari.enableRequestBoundaries", "true");
        try {
            assertThat(readAfterAnotherCheckoutWrote(url)).isIn(cluster.port(1), cluster.port(2));
        } finally {
            System.clearProperty("com.zaxxer.hikari.enableRequestBoundaries");
        }
    }

    @Test
    void pooledConnections_spreadOverBothReplicas_andThePoolsResetsWork(PostgresCluster cluster) throws Exception {
        try (HikariDataSource dataSource = HikariSpringExample.dataSource(cluster.replicatedUrl())) {
            // Each pooled connection binds one replica; connections held at the same time spread over both.
            List<Connection> held = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Connection connection = dataSource.getConnection();
                    held.add(connection);
                    connection.setReadOnly(true);
                    connection.setAutoCommit(false);
                    try (Statement statement = connection.createStatement();
                            ResultSet rs = statement.executeQuery("SELECT inet_server_port()")) {
                        rs.next();
                        seen.add(rs.getInt(1));
                    }
                    connection.commit();
                }
            } finally {
                for (Connection connection : held) {
                    connection.close();
                }
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(List.of(cluster.port(1), cluster.port(2)));

            // The pool reset read-only and autocommit on return: a write on the next checkout is not refused.
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            assertThat(jdbc.update("UPDATE spring_notes SET body = body WHERE id = -1"))
                    .isZero();
            TransactionTemplate readOnly = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
            readOnly.setReadOnly(true);
            cluster.awaitReplicas();
            Boolean inRecovery =
                    readOnly.execute(status -> jdbc.queryForObject("SELECT pg_is_in_recovery()", Boolean.class));
            assertThat(inRecovery)
                    .as("a read-only transaction on a connection that wrote runs on a replica once it caught up")
                    .isTrue();
            assertThat(dataSource.getHikariPoolMXBean().getTotalConnections()).isBetween(1, 4);
        }
    }
}
