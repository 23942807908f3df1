package io.replicatedjdbc.micrometer;

import io.replicatedjdbc.ReplicatedConfigurationMXBean;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Spring Boot health for one replicated configuration: each node's state in the details ({@code up}, {@code down},
 * {@code lagging}; the primary {@code up} or {@code refused}). The service is DOWN only when writes are refused; a
 * replica that is down or lagging leaves it UP (the driver reads elsewhere), so that an orchestrator does not take the
 * service out for a replica.
 */
public final class ReplicatedHealthIndicator extends AbstractHealthIndicator {

    private final Supplier<ReplicatedConfigurationMXBean> source;

    public ReplicatedHealthIndicator(ReplicatedConfigurationMXBean statistics) {
        this(fixed(statistics));
    }

    private static Supplier<ReplicatedConfigurationMXBean> fixed(ReplicatedConfigurationMXBean statistics) {
        Objects.requireNonNull(statistics, "statistics");
        return () -> statistics;
    }

    /** The statistics as found at each check until found (for a data source: {@link ReplicatedStatistics}). */
    public ReplicatedHealthIndicator(Supplier<ReplicatedConfigurationMXBean> source) {
        super("Replicated configuration health check failed");
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ReplicatedConfigurationMXBean statistics = source.get();
        if (statistics == null) {
            builder.down().withDetail("error", "the data source gave no replicated connection");
            return;
        }
        Map<String, String> nodes = statistics.getNodeStates();
        boolean writes = "up".equals(nodes.get("primary"));
        long replicasUp = nodes.entrySet().stream()
                .filter(node ->
                        !node.getKey().equals("primary") && node.getValue().equals("up"))
                .count();
        (writes ? builder.up() : builder.down())
                .withDetail("configuration", statistics.getName())
                .withDetail("nodes", nodes)
                .withDetail("replicasTakingReads", replicasUp)
                .withDetail("replicaLagBytes", statistics.getReplicaLagBytes());
    }
}
