package io.replicatedjdbc.internal.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The physical connections of one node, for one set of connection properties, shared by every logical connection of
 * a configuration. At most {@code size} are open; a borrower takes the most recently returned idle one (warm caches,
 * and the others age out), opens a new one while the pool is below its size, or waits for one to come back, at most
 * the pool's timeout.
 *
 * <p>One lock guards the idle stack and the counts; connections are opened, checked and closed outside it.
 */
public final class NodePool {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc.pool");

    /** Opens a physical connection to the node. */
    @FunctionalInterface
    public interface Opener {
        Connection open() throws SQLException;
    }

    /**
     * No connection of the pool was free in time, the wait was interrupted, or the pool is closed: the node may be well;
     * the statement fails without marking it down.
     */
    public static final class Unavailable extends SQLTransientConnectionException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, String state, Throwable cause) {
            super(message, state, cause);
        }
    }

    /** The pool's limits, in nanoseconds where they are durations (0: none, except for the timeout). */
    public static final class Limits {
        final int size;
        final long timeoutNanos;
        final long idleTimeoutNanos;
        final long maxLifetimeNanos;
        final long validateIdleNanos;
        final long leakNanos;

        public Limits(int size, long timeoutMillis, long idleTimeoutMillis, long maxLifetimeMillis,
                      long validateIdleMillis, long leakThresholdMillis) {
            this.size = size;
            this.timeoutNanos = timeoutMillis * 1_000_000L;
            this.idleTimeoutNanos = idleTimeoutMillis * 1_000_000L;
            this.maxLifetimeNanos = maxLifetimeMillis * 1_000_000L;
            this.validateIdleNanos = validateIdleMillis * 1_000_000L;
            this.leakNanos = leakThresholdMillis * 1_000_000L;
        }
    }

    /** One physical connection of the pool, and what its user attaches to it. */
    public static final class Entry {
        private final Connection connection;
        private final NodePool pool;
        private final long retireAt;
        private final int generation;
        private long idleSince;
        private long borrowedAt;
        private Throwable takenAt;
        private boolean leakReported;
        /** What the pool's user keeps with the connection (its session state, its statements): set once. */
        private Object attachment;

        Entry(NodePool pool, Connection connection, long now, long lifetime, int generation) {
            this.pool = pool;
            this.connection = connection;
            this.retireAt = lifetime == 0 ? Long.MAX_VALUE : now + lifetime;
            this.generation = generation;
        }

        public Connection connection() {
            return connection;
        }

        public NodePool pool() {
            return pool;
        }

        public Object attachment() {
            return attachment;
        }

        public void attach(Object value) {
            attachment = value;
        }

        private boolean retired(long now) {
            return retireAt != Long.MAX_VALUE && now - retireAt >= 0;
        }
    }

    private final String node;
    private final Opener opener;
    private final Limits limits;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    /** Idle connections, the most recently returned first. */
    private final ArrayDeque<Entry> idle = new ArrayDeque<>();
    private final Set<Entry> borrowed = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Connections open or being opened. */
    private int total;
    private int waiting;
    private int generation;
    private boolean closed;
    private long opened;
    private long closedCount;
    private final WaitTimes waits = new WaitTimes();
    private final AtomicInteger pinned = new AtomicInteger();

    public NodePool(String node, Opener opener, Limits limits) {
        this.node = node;
        this.opener = opener;
        this.limits = limits;
    }

    /** The node's name, as messages show it. */
    public String node() {
        return node;
    }

    public int size() {
        return limits.size;
    }

    /**
     * A physical connection for the caller alone until {@link #release} or {@link #discard}: an idle one (checked with
     * {@code isValid} when it was idle long), a new one, or one another borrower returns within the pool's timeout.
     *
     * @throws SQLTransientConnectionException when none is free in time, naming the node and the pool's size
     * @throws SQLException the driver's own error when a new connection cannot be opened; an interrupted wait ends at
     *                      once, with the thread's interrupt kept
     */
    public Entry borrow() throws SQLException {
        long start = System.nanoTime();
        long deadline = start + limits.timeoutNanos;
        while (true) {
            Entry entry;
            lock.lock();
            try {
                entry = takeOrReserve(deadline, start);
            } finally {
                lock.unlock();
            }
            long now = System.nanoTime();
            if (entry == null) {
                entry = openReserved(now);
            } else if (entry.retired(now) || (now - entry.idleSince > limits.validateIdleNanos && !valid(entry))) {
                discard(entry);
                continue;
            }
            entry.borrowedAt = now;
            entry.leakReported = false;
            entry.takenAt = limits.leakNanos > 0 ? new Throwable("taken here, by " + Thread.currentThread().getName()) : null;
            return entry;
        }
    }

    /** Under the lock: an idle entry (now borrowed), or null with a slot reserved to open one; waits for either. */
    private Entry takeOrReserve(long deadline, long start) throws SQLException {
        while (true) {
            if (closed) {
                throw new Unavailable("The pool of " + node + " is closed", "08003", null);
            }
            Entry entry = idle.pollFirst();
            if (entry != null) {
                borrowed.add(entry);
                waits.record(System.nanoTime() - start);
                return entry;
            }
            if (total < limits.size) {
                total++;
                waits.record(System.nanoTime() - start);
                return null;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                waits.record(System.nanoTime() - start);
                throw new Unavailable("No connection of " + node + " was free within "
                        + limits.timeoutNanos / 1_000_000 + " ms: all " + limits.size + " of its pool are in use ("
                        + waiting + " other statements waiting); raise the pool's size or poolTimeout, or look for "
                        + "transactions left open", "08001", null);
            }
            waiting++;
            try {
                returned.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("Interrupted while waiting for a connection of " + node,
                        "08001", e);
            } finally {
                waiting--;
            }
        }
    }

    /** Opens a connection in a slot reserved under the lock; the slot is given back if it cannot be opened. */
    private Entry openReserved(long now) throws SQLException {
        Connection connection;
        try {
            connection = opener.open();
        } catch (SQLException | RuntimeException | Error e) {
            lock.lock();
            try {
                total--;
                returned.signal();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        long lifetime = limits.maxLifetimeNanos;
        if (lifetime > 0) {
            // Up to 2.5% less, so that connections opened together are not all renewed together.
            lifetime -= ThreadLocalRandom.current().nextLong(lifetime / 40 + 1);
        }
        lock.lock();
        try {
            Entry entry = new Entry(this, connection, now, lifetime, generation);
            opened++;
            if (closed) {
                total--;
                closedCount++;
                closeQuietly(connection);
                throw new Unavailable("The pool of " + node + " is closed", "08003", null);
            }
            borrowed.add(entry);
            return entry;
        } finally {
            lock.unlock();
        }
    }

    private boolean valid(Entry entry) {
        try {
            return entry.connection.isValid(5);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** Gives a healthy connection back: idle for the next borrower, or closed if it is old or the pool was emptied. */
    public void release(Entry entry) {
        long now = System.nanoTime();
        boolean close;
        lock.lock();
        try {
            if (!borrowed.remove(entry)) {
                return;
            }
            close = closed || entry.generation != generation || entry.retired(now);
            if (close) {
                total--;
                closedCount++;
            } else {
                entry.idleSince = now;
                idle.addFirst(entry);
            }
            returned.signal();
        } finally {
            lock.unlock();
        }
        if (close) {
            closeQuietly(entry.connection);
        }
    }

    /** The connection is broken (or its state unknown): closed, and its slot freed for a new one. */
    public void discard(Entry entry) {
        lock.lock();
        try {
            if (!borrowed.remove(entry)) {
                return;
            }
            total--;
            closedCount++;
            returned.signal();
        } finally {
            lock.unlock();
        }
        closeQuietly(entry.connection);
    }

    /**
     * The node was found down: every idle connection is closed, and those in use are closed when they come back, so
     * that no borrower gets a connection from before.
     */
    public void evictAll() {
        List<Entry> closing;
        lock.lock();
        try {
            generation++;
            closing = new ArrayList<>(idle);
            idle.clear();
            total -= closing.size();
            closedCount += closing.size();
            returned.signalAll();
        } finally {
            lock.unlock();
        }
        for (Entry entry : closing) {
            closeQuietly(entry.connection);
        }
    }

    /**
     * Closes idle connections past the idle timeout or their lifetime, and logs (once each) connections held longer
     * than the leak threshold, with where they were taken. Called by the pools' house-keeping thread.
     */
    public void houseKeep(long now) {
        List<Entry> closing = new ArrayList<>();
        List<Entry> leaked = new ArrayList<>();
        lock.lock();
        try {
            idle.removeIf(entry -> {
                boolean old = (limits.idleTimeoutNanos > 0 && now - entry.idleSince > limits.idleTimeoutNanos)
                        || entry.retired(now);
                if (old) {
                    closing.add(entry);
                }
                return old;
            });
            total -= closing.size();
            closedCount += closing.size();
            if (limits.leakNanos > 0) {
                for (Entry entry : borrowed) {
                    if (!entry.leakReported && now - entry.borrowedAt > limits.leakNanos) {
                        entry.leakReported = true;
                        leaked.add(entry);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        for (Entry entry : closing) {
            closeQuietly(entry.connection);
        }
        for (Entry entry : leaked) {
            LOG.log(Level.WARNING, "A connection of " + node + " has been held for more than "
                    + limits.leakNanos / 1_000_000 + " ms (poolLeakThreshold): a transaction or result set left open?",
                    entry.takenAt);
        }
    }

    /** Closes the pool: idle connections now, borrowed ones when they come back; waiting borrowers fail. */
    public void close() {
        List<Entry> closing;
        lock.lock();
        try {
            closed = true;
            closing = new ArrayList<>(idle);
            idle.clear();
            total -= closing.size();
            closedCount += closing.size();
            returned.signalAll();
        } finally {
            lock.unlock();
        }
        for (Entry entry : closing) {
            closeQuietly(entry.connection);
        }
    }

    /** A logical connection started ({@code +1}) or stopped ({@code -1}) keeping one of this pool's connections. */
    public void pinned(int change) {
        pinned.addAndGet(change);
    }

    /** What the pool holds and has done, at one moment. */
    public PoolStatistics statistics() {
        lock.lock();
        try {
            long[] wait = waits.summary();
            return new PoolStatistics(node, limits.size, borrowed.size(), idle.size(), waiting, opened, closedCount,
                    wait[0], wait[1], wait[2], pinned.get());
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing a pooled connection: " + e.getMessage());
        }
    }

    /** The last borrows' waits, in a ring, for their median, 99th percentile and maximum. */
    private static final class WaitTimes {
        private final long[] samples = new long[1024];
        private int count;
        private int next;
        private long max;

        void record(long nanos) {
            samples[next] = nanos;
            next = (next + 1) & (samples.length - 1);
            if (count < samples.length) {
                count++;
            }
            if (nanos > max) {
                max = nanos;
            }
        }

        /** {p50, p99, max} in nanoseconds. */
        long[] summary() {
            if (count == 0) {
                return new long[] {0, 0, 0};
            }
            long[] sorted = java.util.Arrays.copyOf(samples, count);
            java.util.Arrays.sort(sorted);
            return new long[] {sorted[(count - 1) / 2], sorted[(int) Math.min(count - 1, Math.ceil(count * 0.99) - 1)], max};
        }
    }
}
