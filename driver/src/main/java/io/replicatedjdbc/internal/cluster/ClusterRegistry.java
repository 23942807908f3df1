package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.Config;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link Cluster} per configuration, held by the driver instance (no static state). */
public final class ClusterRegistry {

    private final ConcurrentHashMap<String, Cluster> clusters = new ConcurrentHashMap<>();

    public Cluster clusterFor(Config config) {
        return clusters.computeIfAbsent(config.clusterKey(), key -> new Cluster(config));
    }
}
