package io.replicatedjdbc.internal.config;

import java.util.Collections;
import java.util.List;

/**
 * How a configuration holds its physical connections: pooled per node and shared by its logical connections (the
 * default), or dedicated, each logical connection holding its own for life. Immutable.
 */
public final class PoolSettings {

    /** Whether logical connections share per-node pools or hold their physical connections for life. */
    public enum Mode {
        POOLED,
        DEDICATED
    }

    private final Mode mode;
    private final int primarySize;
    private final List<Integer> replicaSizes;
    private final long timeoutMillis;
    private final long idleTimeoutMillis;
    private final long maxLifetimeMillis;
    private final long validateIdleMillis;
    private final long leakThresholdMillis;

    public PoolSettings(
            Mode mode,
            int primarySize,
            List<Integer> replicaSizes,
            long timeoutMillis,
            long idleTimeoutMillis,
            long maxLifetimeMillis,
            long validateIdleMillis,
            long leakThresholdMillis) {
        this.mode = mode;
        this.primarySize = primarySize;
        this.replicaSizes = Collections.unmodifiableList(replicaSizes);
        this.timeoutMillis = timeoutMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.maxLifetimeMillis = maxLifetimeMillis;
        this.validateIdleMillis = validateIdleMillis;
        this.leakThresholdMillis = leakThresholdMillis;
    }

    public Mode mode() {
        return mode;
    }

    public boolean pooled() {
        return mode == Mode.POOLED;
    }

    public int primarySize() {
        return primarySize;
    }

    /**
     * The pool size of replica number {@code index} (0-based): its own from {@code replicaPoolSize} when that lists
     * one per replica, the one size it gives for all, or twice the primary's.
     */
    public int replicaSize(int index) {
        if (replicaSizes.isEmpty()) {
            return 2 * primarySize;
        }
        return replicaSizes.size() == 1 ? replicaSizes.get(0) : replicaSizes.get(index);
    }

    /** How long a statement waits for a free physical connection. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** How long a physical connection may stay idle before it is closed; 0: never. */
    public long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    /** How long a physical connection lives at most (less a random part, so that a pool does not renew all at once). */
    public long maxLifetimeMillis() {
        return maxLifetimeMillis;
    }

    /** A physical connection idle for longer than this is checked with {@code isValid} before it is used. */
    public long validateIdleMillis() {
        return validateIdleMillis;
    }

    /** A physical connection held longer than this is logged once, with where it was taken; 0: off. */
    public long leakThresholdMillis() {
        return leakThresholdMillis;
    }

    @Override
    public String toString() {
        return mode + " " + primarySize + " " + replicaSizes + " " + timeoutMillis + " " + idleTimeoutMillis + " "
                + maxLifetimeMillis + " " + validateIdleMillis + " " + leakThresholdMillis;
    }
}
