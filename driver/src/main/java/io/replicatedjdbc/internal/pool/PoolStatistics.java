package io.replicatedjdbc.internal.pool;

import java.util.Locale;

/** One node pool at one moment: its connections in use and idle, borrowers waiting, totals and waits. */
public final class PoolStatistics {

    /** The node as messages show it ({@code replica1 (db2:5432)}). */
    public final String node;
    /** The node's name ({@code primary}, {@code replica1}): the key of the statistics' maps. */
    public final String name;

    public final int size;
    public final int active;
    public final int idle;
    public final int waiting;
    public final long opened;
    public final long closed;
    public final long waitP50Nanos;
    public final long waitP99Nanos;
    public final long waitMaxNanos;
    public final int pinned;

    PoolStatistics(
            String node,
            String name,
            int size,
            int active,
            int idle,
            int waiting,
            long opened,
            long closed,
            long waitP50Nanos,
            long waitP99Nanos,
            long waitMaxNanos,
            int pinned) {
        this.node = node;
        this.name = name;
        this.size = size;
        this.active = active;
        this.idle = idle;
        this.waiting = waiting;
        this.opened = opened;
        this.closed = closed;
        this.waitP50Nanos = waitP50Nanos;
        this.waitP99Nanos = waitP99Nanos;
        this.waitMaxNanos = waitMaxNanos;
        this.pinned = pinned;
    }

    /** One line, as the status command and logs show it. */
    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "pool %d: %d active, %d idle, %d waiting, %d opened, %d closed, wait p50 %.2f ms p99 %.2f ms max %.2f ms, "
                        + "%d pinned",
                size,
                active,
                idle,
                waiting,
                opened,
                closed,
                waitP50Nanos / 1e6,
                waitP99Nanos / 1e6,
                waitMaxNanos / 1e6,
                pinned);
    }
}
