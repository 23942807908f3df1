package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.NodeSpec;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which replicas are skipped, shared by every connection of one configuration: a replica that could not be
 * reached is skipped until its retry interval has passed, then tried again by the next connection that
 * needs it. Time comes from {@link System#nanoTime()}.
 */
public final class NodeHealth {

    private final long retryIntervalNanos;
    private final ConcurrentHashMap<NodeSpec, Long> downUntil = new ConcurrentHashMap<>();

    public NodeHealth(long retryIntervalMillis) {
        this.retryIntervalNanos = retryIntervalMillis * 1_000_000L;
    }

    public boolean isAvailable(NodeSpec node, long nowNanos) {
        Long until = downUntil.get(node);
        return until == null || nowNanos - until >= 0;
    }

    public void markDown(NodeSpec node, long nowNanos) {
        downUntil.put(node, nowNanos + retryIntervalNanos);
    }

    /**
     * Marks the node down for {@code forNanos} only, unless it is already down for longer: the monitor renews this
     * short mark at every poll that fails, so it lapses soon after the monitor stops asking.
     */
    public void markDownFor(NodeSpec node, long nowNanos, long forNanos) {
        downUntil.merge(node, nowNanos + forNanos, (old, fresh) -> old - fresh > 0 ? old : fresh);
    }

    public void markUp(NodeSpec node) {
        downUntil.remove(node);
    }
}
