package io.replicatedjdbc.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.ConfigParser;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ClusterRegistryTest {

    private static Config config(String url) throws SQLException {
        return ConfigParser.parse(url, new Properties());
    }

    @Test
    void manyDistinctUrls_keepOnlyABoundedNumberOfIdleConfigurations() throws SQLException {
        ClusterRegistry registry = new ClusterRegistry();
        for (int tenant = 0; tenant < 5_000; tenant++) {
            Cluster cluster =
                    registry.open(config("jdbc:replicated:postgresql://p,r/db?ApplicationName=tenant" + tenant));
            cluster.connectionClosed();
        }
        assertThat(registry.sizes()).containsExactly(0, ClusterRegistry.IDLE_KEPT);
    }

    @Test
    void aConfigurationInUse_isShared_andKeptWhileAnyConnectionIsOpen() throws SQLException {
        ClusterRegistry registry = new ClusterRegistry();
        Cluster first = registry.open(config("jdbc:replicated:postgresql://p,r/db"));
        Cluster second = registry.open(config("jdbc:replicated:postgresql://p,r/db"));
        assertThat(second).isSameAs(first);
        for (int tenant = 0; tenant < 100; tenant++) {
            registry.open(config("jdbc:replicated:postgresql://p,r/db?ApplicationName=t" + tenant))
                    .connectionClosed();
        }
        first.connectionClosed();
        assertThat(registry.open(config("jdbc:replicated:postgresql://p,r/db"))).isSameAs(first);
        second.connectionClosed();
        first.connectionClosed();
        // Idle, but among the most recent: a connection opened again finds its caches and node health.
        assertThat(registry.open(config("jdbc:replicated:postgresql://p,r/db"))).isSameAs(first);
    }
}
