package io.replicatedjdbc.internal.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The physical connections of one node, for one set of connection properties, shared by every logical connection of
 * a configuration. At most {@code size} are open, each in a slot of its own. A borrower takes the idle one its thread
 * last gave back (warm caches; no other thread touches it), else the idle one in the lowest slot (so that the pool
 * uses as few connections as the load needs, and the others age out), opens a new one while the pool is below its
 * size, or waits for one to come back, at most the pool's timeout.
 *
 * <p>Taking and giving back take no lock and write no shared counter: an idle connection is claimed by one
 * compare-and-set of its own state. Only a borrower that must wait takes the lock, to sleep on its condition.
 * Connections are opened, checked and closed outside it.
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

        public Limits(
                int size,
                long timeoutMillis,
                long idleTimeoutMillis,
                long maxLifetimeMillis,
                long validateIdleMillis,
                long leakThresholdMillis) {
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
        private volatile long idleSince;
        private volatile long borrowedAt;
        /** IDLE, IN_USE or GONE: an idle one is claimed by one compare-and-set, so that two never get it. */
        private volatile int state = IN_USE;
        /** Its slot in the pool; -1 while it has none. */
        private int slot = -1;

        private volatile Throwable takenAt;
        private volatile boolean leakReported;
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

        /** Takes an idle entry for one borrower: false when another took it first, or it left the pool. */
        private boolean claim() {
            return state == IDLE && STATE.compareAndSet(this, IDLE, IN_USE);
        }

        private boolean move(int from, int to) {
            return STATE.compareAndSet(this, from, to);
        }

        private boolean retired(long now) {
            return retireAt != Long.MAX_VALUE && now - retireAt >= 0;
        }
    }

    private static final int IDLE = 0;
    private static final int IN_USE = 1;
    private static final int GONE = 2;
    private static final AtomicIntegerFieldUpdater<Entry> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Entry.class, "state");

    private final String node;
    private final String name;
    private final Opener opener;
    private final Limits limits;
    /** Every connection open (idle or in use), one per slot; a slot is null while it holds none. */
    private final AtomicReferenceArray<Entry> slots;
    /**
     * The slot of the connection each thread last gave back: tried first. An index, not the entry, so that a thread
     * keeps nothing of a closed pool alive.
     */
    private final ThreadLocal<int[]> lastSlot = ThreadLocal.withInitial(() -> new int[] {-1});
    /** Connections open or being opened. */
    private final AtomicInteger total = new AtomicInteger();
    /** Borrowers waiting; the lock and condition are only for them. */
    private final AtomicInteger waiting = new AtomicInteger();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private volatile int generation;
    /** Evictions may come from several threads at once (the monitor, failed statements): each one counts. */
    private static final AtomicIntegerFieldUpdater<NodePool> GENERATION =
            AtomicIntegerFieldUpdater.newUpdater(NodePool.class, "generation");

    private volatile boolean closed;
    private final LongAdder opened = new LongAdder();
    private final LongAdder closedCount = new LongAdder();
    private final WaitTimes waits = new WaitTimes();
    private final AtomicInteger pinned = new AtomicInteger();

    public NodePool(String node, Opener opener, Limits limits) {
        this(node, node, opener, limits);
    }

    /** {@code node}: as messages show it; {@code name}: as the statistics key it ({@code primary}, {@code replica1}). */
    public NodePool(String node, String name, Opener opener, Limits limits) {
        this.node = node;
        this.name = name;
        this.opener = opener;
        this.limits = limits;
        this.slots = new AtomicReferenceArray<>(limits.size);
    }

    /** The node's name, as messages show it. */
    public String node() {
        return node;
    }

    public int size() {
        return limits.size;
    }

    /** Whether the pool holds a connection (idle or in use): the node took its credentials. */
    public boolean hasConnections() {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * A physical connection for the caller alone until {@link #release} or {@link #discard}: an idle one (checked with
     * {@code isValid} when it was idle long), a new one, or one another borrower returns within the pool's timeout.
     * Taking an idle connection and giving it back take no lock; only a borrower that must wait does.
     *
     * @throws SQLTransientConnectionException when none is free in time, naming the node and the pool's size
     * @throws SQLException the driver's own error when a new connection cannot be opened; an interrupted wait ends at
     *                      once, with the thread's interrupt kept
     */
    public Entry borrow() throws SQLException {
        long deadline = 0;
        while (true) {
            Entry entry = takeIdleOrReserve();
            if (entry == NONE) {
                long start = System.nanoTime();
                if (deadline == 0) {
                    deadline = start + limits.timeoutNanos;
                }
                entry = waitForOne(deadline, start);
            } else {
                waits.immediate();
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
            entry.takenAt = limits.leakNanos > 0
                    ? new Throwable("taken here, by " + Thread.currentThread().getName())
                    : null;
            return entry;
        }
    }

    /** Waits for an idle entry (then in use) or a slot reserved to open one (then null), up to the deadline. */
    private Entry waitForOne(long deadline, long start) throws SQLException {
        Entry entry;
        waiting.incrementAndGet();
        lock.lock();
        try {
            while (true) {
                // Looked at again after counting itself as waiting: a connection given back since is found here, and
                // one given back later signals.
                entry = takeIdleOrReserve();
                if (entry != NONE) {
                    waits.record(System.nanoTime() - start);
                    return entry;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    waits.record(System.nanoTime() - start);
                    throw new Unavailable(
                            "No connection of " + node + " was free within "
                                    + limits.timeoutNanos / 1_000_000 + " ms: all " + limits.size
                                    + " of its pool are in use ("
                                    + (waiting.get() - 1)
                                    + " other statements waiting); raise the pool's size or poolTimeout, or"
                                    + " look for transactions or result sets left open",
                            "08001",
                            null);
                }
                try {
                    returned.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Unavailable("Interrupted while waiting for a connection of " + node, "08001", e);
                }
            }
        } finally {
            waiting.decrementAndGet();
            lock.unlock();
        }
    }

    /** Marks that neither an idle entry was taken nor a slot reserved. */
    private static final Entry NONE = new Entry(null, null, 0, 0, 0);

    /** An idle entry taken, null with a slot reserved, or {@link #NONE}. */
    private Entry takeIdleOrReserve() throws SQLException {
        if (closed) {
            throw new Unavailable("The pool of " + node + " is closed", "08003", null);
        }
        int last = lastSlot.get()[0];
        if (last >= 0) {
            Entry entry = slots.get(last);
            if (entry != null && entry.claim()) {
                return entry;
            }
        }
        while (true) {
            for (int i = 0; i < slots.length(); i++) {
                Entry entry = slots.get(i);
                if (entry != null && entry.claim()) {
                    return entry;
                }
            }
            int open = total.get();
            if (open >= limits.size) {
                return NONE;
            }
            if (total.compareAndSet(open, open + 1)) {
                return null;
            }
        }
    }

    /** Opens a connection in a slot reserved; the slot is given back if it cannot be opened. */
    private Entry openReserved(long now) throws SQLException {
        Connection connection;
        try {
            connection = opener.open();
        } catch (SQLException | RuntimeException | Error e) {
            total.decrementAndGet();
            signalWaiter();
            throw e;
        }
        long lifetime = limits.maxLifetimeNanos;
        if (lifetime > 0) {
            // Up to 2.5% less, so that connections opened together are not all renewed together.
            lifetime -= ThreadLocalRandom.current().nextLong(lifetime / 40 + 1);
        }
        Entry entry = new Entry(this, connection, now, lifetime, generation);
        opened.increment();
        place(entry);
        if (closed) {
            forget(entry);
            closeQuietly(connection);
            throw new Unavailable("The pool of " + node + " is closed", "08003", null);
        }
        return entry;
    }

    /** Puts a new entry (in use) in a free slot: there is one, since the pool reserved it before opening. */
    private void place(Entry entry) {
        for (int i = 0; ; i = (i + 1) % slots.length()) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, entry)) {
                entry.slot = i;
                return;
            }
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
        if (entry.state != IN_USE) {
            return;
        }
        long now = System.nanoTime();
        if (closed || entry.generation != generation || entry.retired(now)) {
            if (entry.move(IN_USE, GONE)) {
                forget(entry);
                closeQuietly(entry.connection);
            }
        } else {
            entry.idleSince = now;
            if (!entry.move(IN_USE, IDLE)) {
                return;
            }
            int[] last = lastSlot.get();
            if (last[0] != entry.slot) {
                last[0] = entry.slot;
            }
            if (closed) {
                // Closed meanwhile: close() may have emptied the idle connections before this one came back.
                closeIdle();
            }
        }
        signalWaiter();
    }

    /**
     * Runs {@code work} on an idle connection at once, no borrower getting it meanwhile, and leaves it idle; false when
     * it is in use (the caller then leaves the work for its next borrower). For closing a physical statement that a
     * logical statement left on a connection already given back: closed now, PgJDBC's statement cache gets its
     * prepared query back before the next borrower prepares the same SQL.
     */
    public boolean runIfIdle(Entry entry, Runnable work) {
        if (!entry.claim()) {
            return false;
        }
        try {
            work.run();
        } finally {
            entry.state = IDLE;
            if (closed) {
                closeIdle();
            }
            signalWaiter();
        }
        return true;
    }

    /** The connection is broken (or its state unknown): closed, and its slot freed for a new one. */
    public void discard(Entry entry) {
        if (!entry.move(IN_USE, GONE)) {
            return;
        }
        forget(entry);
        closeQuietly(entry.connection);
        signalWaiter();
    }

    /** An entry leaves the pool: its slot is free. */
    private void forget(Entry entry) {
        if (entry.slot >= 0 && slots.compareAndSet(entry.slot, entry, null)) {
            total.decrementAndGet();
            closedCount.increment();
        }
    }

    /** Wakes one borrower waiting for a connection, if any. */
    private void signalWaiter() {
        if (waiting.get() > 0) {
            lock.lock();
            try {
                returned.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Takes every idle connection out of the pool and closes it. */
    private void closeIdle() {
        for (int i = 0; i < slots.length(); i++) {
            Entry entry = slots.get(i);
            if (entry != null && entry.move(IDLE, GONE)) {
                forget(entry);
                closeQuietly(entry.connection);
            }
        }
    }

    /**
     * The node was found down: every idle connection is closed, and those in use are closed when they come back, so
     * that no borrower gets a connection from before.
     */
    public void evictAll() {
        GENERATION.incrementAndGet(this);
        closeIdle();
        signalAll();
    }

    private void signalAll() {
        lock.lock();
        try {
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes idle connections past the idle timeout or their lifetime, and logs (once each) connections held longer
     * than the leak threshold, with where they were taken. Called by the pools' house-keeping thread.
     */
    public void houseKeep(long now) {
        for (int i = 0; i < slots.length(); i++) {
            Entry entry = slots.get(i);
            if (entry == null || entry.state != IDLE) {
                continue;
            }
            boolean old = (limits.idleTimeoutNanos > 0 && now - entry.idleSince > limits.idleTimeoutNanos)
                    || entry.retired(now);
            if (old && entry.move(IDLE, GONE)) {
                forget(entry);
                closeQuietly(entry.connection);
            }
        }
        if (limits.leakNanos > 0) {
            for (int i = 0; i < slots.length(); i++) {
                Entry entry = slots.get(i);
                if (entry != null
                        && entry.state == IN_USE
                        && !entry.leakReported
                        && now - entry.borrowedAt > limits.leakNanos) {
                    entry.leakReported = true;
                    LOG.log(
                            Level.WARNING,
                            "A connection of " + node + " has been held for more than "
                                    + limits.leakNanos / 1_000_000
                                    + " ms (poolLeakThreshold): a transaction or result set"
                                    + " left open?",
                            entry.takenAt);
                }
            }
        }
        signalWaiter();
    }

    /** Closes the pool: idle connections now, borrowed ones when they come back; waiting borrowers fail. */
    public void close() {
        closed = true;
        closeIdle();
        signalAll();
    }

    /** A logical connection started ({@code +1}) or stopped ({@code -1}) keeping one of this pool's connections. */
    public void pinned(int change) {
        pinned.addAndGet(change);
    }

    /** What the pool holds and has done, at one moment. */
    public PoolStatistics statistics() {
        long[] wait = waits.summary();
        int inUse = 0;
        int open = 0;
        for (int i = 0; i < slots.length(); i++) {
            Entry entry = slots.get(i);
            if (entry != null) {
                open++;
                if (entry.state == IN_USE) {
                    inUse++;
                }
            }
        }
        return new PoolStatistics(
                node,
                name,
                limits.size,
                inUse,
                open - inUse,
                waiting.get(),
                opened.sum(),
                closedCount.sum(),
                wait[0],
                wait[1],
                wait[2],
                pinned.get());
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing a pooled connection: " + e.getMessage());
        }
    }

    /**
     * How long borrowers waited: a count of those that waited not at all (most, in a pool of the right size: counted
     * in stripes, so that borrowing threads share no counter), and the last 1,024 waits, in a ring written without a
     * lock. The median and 99th percentile are over every borrow, those that did not wait counting as 0.
     */
    private static final class WaitTimes {
        private final LongAdder immediate = new LongAdder();
        private final AtomicLongArray samples = new AtomicLongArray(1024);
        private final AtomicLong waits = new AtomicLong();
        private final AtomicLong max = new AtomicLong();

        void immediate() {
            immediate.increment();
        }

        void record(long nanos) {
            samples.set((int) (waits.getAndIncrement() & (samples.length() - 1)), nanos);
            long seen = max.get();
            while (nanos > seen && !max.compareAndSet(seen, nanos)) {
                seen = max.get();
            }
        }

        /** {p50, p99, max} in nanoseconds. */
        long[] summary() {
            long waited = waits.get();
            int count = (int) Math.min(waited, samples.length());
            long zeros = immediate.sum();
            if (count == 0) {
                return new long[] {0, 0, max.get()};
            }
            long[] sorted = new long[count];
            for (int i = 0; i < count; i++) {
                sorted[i] = samples.get(i);
            }
            Arrays.sort(sorted);
            return new long[] {
                percentile(sorted, zeros, waited, 0.5), percentile(sorted, zeros, waited, 0.99), max.get()
            };
        }

        /** The quantile of every borrow: {@code zeros} that did not wait, {@code waited} whose last ones are sorted. */
        private static long percentile(long[] sorted, long zeros, long waited, double quantile) {
            double rank = quantile * (zeros + waited);
            if (rank <= zeros) {
                return 0;
            }
            double share = (rank - zeros) / waited;
            return sorted[(int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))];
        }
    }
}
