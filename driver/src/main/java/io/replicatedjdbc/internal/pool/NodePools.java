package io.replicatedjdbc.internal.pool;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.config.PoolSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node pools of one configuration and one set of connection properties (user, password, driver options): one
 * per node, made on first use, shared by every logical connection that connects with those properties. One daemon
 * thread keeps them (idle timeout, lifetime, leaks) while they have users, and closes them once they have had none
 * for {@link #LINGER_NANOS}, as the replica monitor does.
 */
public final class NodePools {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc.pool");
    private static final long LINGER_NANOS = 2_000_000_000L;
    private static final AtomicLong THREADS = new AtomicLong();

    /** Opens a physical connection to a node, with the configuration's properties. */
    @FunctionalInterface
    public interface Opener {
        Connection open(NodeSpec node) throws SQLException;
    }

    private final Config config;
    private final Opener opener;
    private final Map<NodeSpec, NodePool> pools = new ConcurrentHashMap<>();
    private int users;
    private long unusedSince;
    private Thread keeper;
    private volatile boolean closed;

    public NodePools(Config config, Opener opener) {
        this.config = config;
        this.opener = opener;
    }

    /** The node's pool, made on first use; a promoted replica taking the writes is sized as the primary. */
    public NodePool pool(NodeSpec node) {
        NodePool pool = pools.get(node);
        return pool != null ? pool : pools.computeIfAbsent(node, this::create);
    }

    private NodePool create(NodeSpec node) {
        PoolSettings settings = config.pool();
        int index = config.replicas().indexOf(node);
        int size = node.isPrimary() || index < 0 ? settings.primarySize() : settings.replicaSize(index);
        NodePool pool = new NodePool(
                node.toString(),
                node.name(),
                () -> opener.open(node),
                new NodePool.Limits(
                        size,
                        settings.timeoutMillis(),
                        settings.idleTimeoutMillis(),
                        settings.maxLifetimeMillis(),
                        settings.validateIdleMillis(),
                        settings.leakThresholdMillis()));
        synchronized (this) {
            if (closed) {
                // Closed (a data source closed) while logical connections of it are still open: they get nothing more.
                pool.close();
            }
        }
        return pool;
    }

    /** The node was found down: its pool is emptied (connections in use are closed when they come back). */
    public void evict(NodeSpec node) {
        NodePool pool = pools.get(node);
        if (pool != null) {
            pool.evictAll();
        }
    }

    /** Every pool's statistics, the primary's first. */
    public List<PoolStatistics> statistics() {
        List<PoolStatistics> all = new ArrayList<>();
        for (Map.Entry<NodeSpec, NodePool> entry : pools.entrySet()) {
            if (entry.getKey().isPrimary()) {
                all.add(0, entry.getValue().statistics());
            } else {
                all.add(entry.getValue().statistics());
            }
        }
        return all;
    }

    /** A logical connection started using these pools: the keeper runs while there is one. */
    public synchronized void acquire() {
        users++;
        closed = false;
        if (keeper == null) {
            keeper = new Thread(this::keep, "replicated-jdbc-pool-" + THREADS.incrementAndGet());
            keeper.setDaemon(true);
            keeper.start();
        }
    }

    /** A logical connection closed. */
    public synchronized void release() {
        if (--users == 0) {
            unusedSince = System.nanoTime();
        }
    }

    /** Closes every pool at once (a data source closed). */
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = keeper;
            keeper = null;
        }
        if (running != null) {
            running.interrupt();
        }
        closePools(false);
    }

    /**
     * Closes every pool and forgets it; with {@code onlyIfUnused} (the keeper stopping), not when a logical connection
     * started using them meanwhile: the check and the taking are one step.
     */
    private void closePools(boolean onlyIfUnused) {
        List<NodePool> closing;
        synchronized (this) {
            if (onlyIfUnused && users > 0 && !closed) {
                return;
            }
            closing = new ArrayList<>(pools.values());
            pools.clear();
        }
        for (NodePool pool : closing) {
            pool.close();
        }
    }

    /** Whether the keeper should stop now: no users for the linger time, or closed. Forgets it if so. */
    private synchronized boolean stopIfUnused() {
        if (closed || (users == 0 && System.nanoTime() - unusedSince > LINGER_NANOS)) {
            keeper = null;
            return true;
        }
        return false;
    }

    private long period() {
        PoolSettings settings = config.pool();
        long shortest = 1_000;
        for (long limit :
                new long[] {settings.idleTimeoutMillis(), settings.maxLifetimeMillis(), settings.leakThresholdMillis()
                }) {
            if (limit > 0) {
                shortest = Math.min(shortest, limit / 4);
            }
        }
        return Math.max(10, shortest);
    }

    private void keep() {
        long period = period();
        try {
            while (!stopIfUnused()) {
                Thread.sleep(Math.min(period, LINGER_NANOS / 4_000_000));
                long now = System.nanoTime();
                for (NodePool pool : pools.values()) {
                    pool.houseKeep(now);
                }
            }
        } catch (InterruptedException e) {
            // closed: stop at once
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The pools' keeper stopped: " + e, e);
        } finally {
            closePools(true);
        }
    }
}
