package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.ReplicatedConfigurationMXBean;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.pool.PoolStatistics;
import io.replicatedjdbc.internal.route.Cause;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.InstanceAlreadyExistsException;
import javax.management.ObjectName;

/** The counters of one configuration, and its MBean. Counting is a few adds per statement, without locks. */
public final class ConfigurationStatistics implements ReplicatedConfigurationMXBean {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc");

    private final Config config;
    private final Cluster cluster;
    private final ConcurrentHashMap<NodeSpec, LongAdder> statements = new ConcurrentHashMap<>();
    private final LongAdder readsOnReplicas = new LongAdder();
    private final Map<Cause, LongAdder> readsOnPrimary = new EnumMap<>(Cause.class);
    private final LongAdder retries = new LongAdder();
    private ObjectName registeredAs;

    ConfigurationStatistics(Config config, Cluster cluster) {
        this.config = config;
        this.cluster = cluster;
        for (Cause cause : Cause.values()) {
            readsOnPrimary.put(cause, new LongAdder());
        }
    }

    /** A statement ran on {@code node}; a read, when {@code read}, sent there for {@code cause}. */
    public void served(NodeSpec node, boolean read, Cause cause) {
        statements.computeIfAbsent(node, n -> new LongAdder()).increment();
        if (read) {
            if (node.isPrimary()) {
                readsOnPrimary.get(cause).increment();
            } else {
                readsOnReplicas.increment();
            }
        }
    }

    /** A statement ran again on another node after a replica failed. */
    public void retried() {
        retries.increment();
    }

    @Override
    public String getName() {
        return config.name();
    }

    @Override
    public String getUrl() {
        return config.displayUrl();
    }

    @Override
    public Map<String, String> getNodeStates() {
        Map<String, String> states = new LinkedHashMap<>();
        states.put(config.primary().name(), cluster.writesNodeOrNull() == null ? "refused" : "up");
        long now = System.nanoTime();
        for (NodeSpec replica : config.replicas()) {
            states.put(replica.name(), replicaState(replica, now));
        }
        return states;
    }

    private String replicaState(NodeSpec replica, long now) {
        return !cluster.health().isAvailable(replica, now)
                ? "down"
                : cluster.positions().tooFarBehind(replica) != null ? "lagging" : "up";
    }

    @Override
    public Map<String, Long> getReplicaLagBytes() {
        Map<String, Long> lag = new LinkedHashMap<>();
        for (NodeSpec replica : config.replicas()) {
            lag.put(replica.name(), cluster.positions().lagBytes(replica));
        }
        return lag;
    }

    @Override
    public Map<String, String> getPools() {
        Map<String, String> pools = new LinkedHashMap<>();
        for (PoolStatistics pool : cluster.poolStatistics()) {
            pools.merge(pool.name, pool.node + ": " + pool, (a, b) -> a + "; " + b);
        }
        return pools;
    }

    @Override
    public Map<String, Integer> getPoolActiveConnections() {
        return poolNumbers(pool -> pool.active);
    }

    @Override
    public Map<String, Integer> getPoolIdleConnections() {
        return poolNumbers(pool -> pool.idle);
    }

    @Override
    public Map<String, Integer> getPoolWaiting() {
        return poolNumbers(pool -> pool.waiting);
    }

    private Map<String, Integer> poolNumbers(ToIntFunction<PoolStatistics> number) {
        Map<String, Integer> numbers = new LinkedHashMap<>();
        for (PoolStatistics pool : cluster.poolStatistics()) {
            numbers.merge(pool.name, number.applyAsInt(pool), Integer::sum);
        }
        return numbers;
    }

    @Override
    public String[] getNodes() {
        List<String> lines = new ArrayList<>();
        long now = System.nanoTime();
        lines.add(config.primary() + ": primary, statements " + count(config.primary()));
        for (NodeSpec replica : config.replicas()) {
            String state = replicaState(replica, now);
            long replayed = cluster.positions().replayed(replica);
            lines.add(replica + ": replica, " + state + ", replayed "
                    + (replayed == WalPosition.NONE ? "unknown" : WalPosition.format(replayed)) + ", bound connections "
                    + cluster.boundConnections(replica) + ", statements " + count(replica));
        }
        return lines.toArray(new String[0]);
    }

    private long count(NodeSpec node) {
        LongAdder adder = statements.get(node);
        return adder == null ? 0 : adder.sum();
    }

    @Override
    public Map<String, Long> getStatementsByNode() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(config.primary().name(), count(config.primary()));
        for (NodeSpec replica : config.replicas()) {
            counts.put(replica.name(), count(replica));
        }
        return counts;
    }

    @Override
    public long getReadsOnReplicas() {
        return readsOnReplicas.sum();
    }

    @Override
    public Map<String, Long> getReadsOnPrimaryByCause() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Map.Entry<Cause, LongAdder> entry : readsOnPrimary.entrySet()) {
            if (entry.getKey() != Cause.READ && entry.getKey() != Cause.SESSION) {
                counts.put(entry.getKey().name(), entry.getValue().sum());
            }
        }
        return counts;
    }

    @Override
    public long getRetries() {
        return retries.sum();
    }

    @Override
    public String getReadYourWrites() {
        return cluster.readYourWritesStatistics().snapshot().toString();
    }

    /** Registers the MBean (the configuration has open connections again). */
    synchronized void register() {
        if (registeredAs != null) {
            return;
        }
        // The same name for the same configuration in every run and after every reopening, so that dashboards keep
        // their keys; a second configuration of the same name in this JVM (other credentials) gets a variant number.
        String base = "io.replicatedjdbc:type=Configuration,name=" + ObjectName.quote(config.name());
        for (int variant = 1; variant < 100 && registeredAs == null; variant++) {
            try {
                ObjectName name = new ObjectName(variant == 1 ? base : base + ",variant=" + variant);
                ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
                registeredAs = name;
            } catch (InstanceAlreadyExistsException taken) {
                // try the next variant
            } catch (Exception | LinkageError e) {
                LOG.log(Level.FINE, "No MBean for " + config.displayUrl() + ": " + e);
                return;
            }
        }
    }

    /** Unregisters the MBean (the configuration's last connection closed). */
    synchronized void unregister() {
        if (registeredAs == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(registeredAs);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.FINE, "Unregistering " + registeredAs + ": " + e);
        }
        registeredAs = null;
    }

    /** The name it is registered under, or null. */
    public synchronized ObjectName objectName() {
        return registeredAs;
    }
}
