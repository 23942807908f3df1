package io.replicatedjdbc.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.replicatedjdbc.ReplicatedConfigurationMXBean;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Micrometer meters for one replicated configuration's statistics, each tagged {@code configuration} with its
 * name (the {@code name} option, else the URL without its password):
 * <ul>
 *   <li>{@code replicated.statements} (counter, tag {@code node}): statements that ran on each node;</li>
 *   <li>{@code replicated.node.up} (gauge, tag {@code node}): 1 while the node takes its share, 0 while it is down,
 *   lagging, or (the primary) while writes are refused;</li>
 *   <li>{@code replicated.replica.lag} (gauge, tag {@code node}, base unit bytes): how far each replica is behind
 *   the primary's last known WAL position; -1 while unknown;</li>
 *   <li>{@code replicated.pool.active}, {@code replicated.pool.idle} and {@code replicated.pool.waiting} (gauges, tag
 *   {@code node}): the node pool's connections in use, idle, and statements waiting for one (0 when dedicated);</li>
 *   <li>{@code replicated.reads.replicas} and {@code replicated.reads.primary} (counters, the latter tagged
 *   {@code cause}: why a read ran on the primary), and {@code replicated.retries} (counter).</li>
 * </ul>
 * Read from the statistics each time a registry asks: nothing is counted twice, and nothing runs in between.
 */
public final class ReplicatedMetrics implements MeterBinder {

    private final Supplier<ReplicatedConfigurationMXBean> source;

    /** {@code statistics}: {@code connection.unwrap(ReplicatedConnection.class).configurationStatistics()}. */
    public ReplicatedMetrics(ReplicatedConfigurationMXBean statistics) {
        Objects.requireNonNull(statistics, "statistics");
        this.source = () -> statistics;
    }

    /** The statistics as found when the meters are bound (for a data source: {@link ReplicatedStatistics}). */
    public ReplicatedMetrics(Supplier<ReplicatedConfigurationMXBean> source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ReplicatedConfigurationMXBean statistics = source.get();
        if (statistics == null) {
            Logger.getLogger("io.replicatedjdbc")
                    .log(
                            Level.WARNING,
                            "No replicated-jdbc meters: no replicated"
                                    + " configuration could be found (the data source gave no replicated connection)");
            return;
        }
        Tags configuration = Tags.of("configuration", statistics.getName());
        for (String node : statistics.getNodeStates().keySet()) {
            Tags tags = configuration.and("node", node);
            FunctionCounter.builder("replicated.statements", statistics, s -> valueOf(s.getStatementsByNode(), node))
                    .description("Statements that ran on the node")
                    .tags(tags)
                    .register(registry);
            Gauge.builder(
                            "replicated.node.up",
                            statistics,
                            s -> "up".equals(s.getNodeStates().get(node)) ? 1 : 0)
                    .description("1 while the node takes its share of the statements, 0 while it is down, lagging"
                            + " or (the primary) refusing writes")
                    .tags(tags)
                    .register(registry);
            Gauge.builder("replicated.pool.active", statistics, s -> count(s.getPoolActiveConnections(), node))
                    .description("Physical connections of the node's pool in use now (pooled)")
                    .tags(tags)
                    .register(registry);
            Gauge.builder("replicated.pool.idle", statistics, s -> count(s.getPoolIdleConnections(), node))
                    .description("Idle physical connections of the node's pool (pooled)")
                    .tags(tags)
                    .register(registry);
            Gauge.builder("replicated.pool.waiting", statistics, s -> count(s.getPoolWaiting(), node))
                    .description("Statements waiting for a connection of the node's pool (pooled)")
                    .tags(tags)
                    .register(registry);
            if (!node.equals("primary")) {
                Gauge.builder("replicated.replica.lag", statistics, s -> valueOf(s.getReplicaLagBytes(), node))
                        .description("Bytes of WAL the replica is behind the primary; -1 while unknown")
                        .baseUnit("bytes")
                        .tags(tags)
                        .register(registry);
            }
        }
        FunctionCounter.builder(
                        "replicated.reads.replicas", statistics, ReplicatedConfigurationMXBean::getReadsOnReplicas)
                .description("Reads that ran on a replica")
                .tags(configuration)
                .register(registry);
        for (String cause : statistics.getReadsOnPrimaryByCause().keySet()) {
            FunctionCounter.builder(
                            "replicated.reads.primary", statistics, s -> valueOf(s.getReadsOnPrimaryByCause(), cause))
                    .description("Reads that ran on the primary, by why")
                    .tags(configuration.and("cause", cause))
                    .register(registry);
        }
        FunctionCounter.builder("replicated.retries", statistics, ReplicatedConfigurationMXBean::getRetries)
                .description("Statements run again on another node after a replica failed them")
                .tags(configuration)
                .register(registry);
    }

    private static double count(Map<String, Integer> values, String key) {
        Integer value = values.get(key);
        return value == null ? 0 : value;
    }

    private static double valueOf(Map<String, Long> values, String key) {
        Long value = values.get(key);
        return value == null ? Double.NaN : value;
    }
}
