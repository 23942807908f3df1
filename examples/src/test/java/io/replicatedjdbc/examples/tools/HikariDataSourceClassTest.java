package io.replicatedjdbc.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** HikariCP configured with dataSourceClassName, as application servers and property files do, not with a URL. */
@ExtendWith(PostgresClusterExtension.class)
class HikariDataSourceClassTest {

    @Test
    void hikariBuildsTheDataSourceFromItsClassName_andReadsReachReplicas(PostgresCluster cluster) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setDataSourceClassName("io.replicatedjdbc.ReplicatedDataSource");
        config.addDataSourceProperty("url", cluster.replicatedUrl());
        config.addDataSourceProperty("loadBalance", "leastConnections");
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config);
                Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("a read on a replica").isTrue();
            }
            try (ResultSet rs = statement.executeQuery("SELECT txid_current() > 0, pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getBoolean(2)).as("a write on the primary").isFalse();
            }
        }
    }
}
