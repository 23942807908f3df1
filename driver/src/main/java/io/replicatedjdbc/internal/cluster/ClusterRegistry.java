package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.Config;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@link Cluster} per configuration, held by the driver instance (no static state). A configuration whose last
 * connection closed is kept among at most {@link #IDLE_KEPT} idle ones, so that an application opening a connection
 * per request keeps its caches and node health; beyond that the least recently used is forgotten, so that many
 * distinct URLs (an {@code ApplicationName} per tenant) cannot grow memory without bound.
 */
public final class ClusterRegistry {

    static final int IDLE_KEPT = 16;

    private final Map<String, Cluster> active = new HashMap<>();
    private final Map<String, Cluster> idle = new LinkedHashMap<String, Cluster>(IDLE_KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cluster> eldest) {
            return size() > IDLE_KEPT;
        }
    };

    /** The configuration's cluster, counting one more open connection on it. */
    public synchronized Cluster open(Config config) {
        String key = config.clusterKey();
        Cluster cluster = active.get(key);
        if (cluster == null) {
            cluster = idle.remove(key);
            if (cluster == null) {
                cluster = new Cluster(config, this);
            }
            active.put(key, cluster);
            cluster.statistics().register();
        }
        cluster.connectionOpened();
        return cluster;
    }

    /** The configuration's cluster if one is kept (active or idle), or null; counts nothing. */
    public synchronized Cluster find(Config config) {
        Cluster cluster = active.get(config.clusterKey());
        return cluster != null ? cluster : idle.get(config.clusterKey());
    }

    /** One of the cluster's connections closed; after its last one, it becomes idle. */
    synchronized void closed(Cluster cluster, String key) {
        if (cluster.countClosed() && active.get(key) == cluster) {
            active.remove(key);
            cluster.statistics().unregister();
            idle.put(key, cluster);
        }
    }

    /** Configurations with open connections, and idle ones kept: for tests and diagnostics. */
    public synchronized int[] sizes() {
        return new int[] {active.size(), idle.size()};
    }
}
