package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One node's WAL position, asked off the application's threads: the primary's insert position, or a replica's replay
 * position. A read that needs a position newer than any known waits for the sampler's next answer instead of sending
 * a question of its own, and every read waiting when a question is sent shares its answer: a hundred reads that
 * follow a hundred commits in the same moment cost the node one question, and no application thread a round trip.
 *
 * <p>It asks only while a read waits, so an idle configuration sends nothing. One daemon thread and one connection
 * per node, opened on first need and closed after {@link #IDLE_NANOS} without a question.
 */
public final class PositionSampler {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc.positions");
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** The application_name of the samplers' connections, so that operators (and tests) can tell them apart. */
    public static final String NAME = "replicated-jdbc position sampler";

    /** The primary's insert position, which covers every commit that returned before it was asked. */
    public static final String INSERT_POSITION = "SELECT pg_catalog.pg_current_wal_insert_lsn()";

    static final String REPLAY_POSITION = "SELECT pg_catalog.pg_last_wal_replay_lsn()";

    /** Without a question for this long, the thread ends and its connection closes. */
    static final long IDLE_NANOS = 1_000_000_000L;
    /** After a failed question, waits end at once for this long (the caller asks itself, or reads on the primary). */
    static final long RETRY_NANOS = 100_000_000L;

    /** Opens the sampler's connection to a node. */
    @FunctionalInterface
    public interface Opener {
        Connection open(NodeSpec node) throws SQLException;
    }

    /** Told every answer, with the time its question was sent. */
    @FunctionalInterface
    public interface Listener {
        void answered(NodeSpec node, long sentNanos, long position);
    }

    private final String query;
    /** The node to ask; the primary's may change (a promotion), and is null while writes are refused. */
    private final Supplier<NodeSpec> node;

    private final Opener opener;
    private final Listener listener;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition demand = lock.newCondition();
    private final Condition answer = lock.newCondition();
    // guarded by lock
    private boolean wanted;
    private long wantedAfter;
    private boolean sampled;
    private long lastSent;
    private long lastPosition = WalPosition.NONE;
    private boolean failed;
    private long failedAt;
    private Thread thread;
    private boolean closed;

    private PositionSampler(String query, Supplier<NodeSpec> node, Opener opener, Listener listener) {
        this.query = query;
        this.node = node;
        this.opener = opener;
        this.listener = listener;
    }

    /** The insert position of whichever node takes the writes ({@code primary}). */
    public static PositionSampler ofPrimary(Supplier<NodeSpec> primary, Opener opener, Listener listener) {
        return new PositionSampler(INSERT_POSITION, primary, opener, listener);
    }

    /** A replica's replay position. */
    public static PositionSampler ofReplica(NodeSpec replica, Opener opener, Listener listener) {
        return new PositionSampler(REPLAY_POSITION, () -> replica, opener, listener);
    }

    /**
     * The position answered to a question sent after {@code nanos} (a {@link System#nanoTime()} reading), waiting up
     * to {@code waitNanos} for the next question to be answered; NONE when none came in time or the node cannot be
     * asked now.
     */
    public long after(long nanos, long waitNanos) throws InterruptedException {
        lock.lock();
        try {
            if (sampled && lastSent - nanos > 0) {
                return lastPosition;
            }
            if (closed || (failed && System.nanoTime() - failedAt < RETRY_NANOS)) {
                return WalPosition.NONE;
            }
            if (!wanted || nanos - wantedAfter > 0) {
                wantedAfter = nanos;
            }
            wanted = true;
            if (thread == null) {
                start();
            }
            demand.signal();
            long left = waitNanos;
            while (!(sampled && lastSent - nanos > 0)) {
                if (left <= 0 || closed || (failed && failedAt - nanos > 0)) {
                    return WalPosition.NONE;
                }
                left = answer.awaitNanos(left);
            }
            return lastPosition;
        } finally {
            lock.unlock();
        }
    }

    /** Whether its thread runs now, for tests. */
    boolean running() {
        lock.lock();
        try {
            return thread != null;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread and closes the connection; later calls of {@link #after} answer NONE at once. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            demand.signalAll();
            answer.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void start() {
        Thread started = new Thread(this::run, "replicated-jdbc-positions-sampler-" + THREADS.incrementAndGet());
        started.setDaemon(true);
        thread = started;
        started.start();
    }

    /** Waits for a read that needs a newer answer than the last; false when the thread should end. */
    private boolean awaitDemand() throws InterruptedException {
        lock.lock();
        try {
            long idleSince = System.nanoTime();
            while (!(wanted && (!sampled || wantedAfter - lastSent >= 0))) {
                wanted = false;
                if (closed || System.nanoTime() - idleSince > IDLE_NANOS) {
                    thread = null;
                    return false;
                }
                demand.awaitNanos(IDLE_NANOS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        Connection connection = null;
        NodeSpec asked = null;
        PreparedStatement statement = null;
        try {
            while (awaitDemand()) {
                NodeSpec target = node.get();
                long sent = System.nanoTime();
                long position;
                try {
                    if (target == null) {
                        throw new SQLException("no node takes the writes now", "08001");
                    }
                    if (connection == null || !target.equals(asked)) {
                        ReplicaPositions.closeQuietly(connection);
                        connection = null;
                        asked = target;
                        connection = opener.open(target);
                        statement = connection.prepareStatement(query);
                        // (the question is sent after the connection opened: only then does an answer cover the wait)
                        sent = System.nanoTime();
                    }
                    try (ResultSet rs = statement.executeQuery()) {
                        rs.next();
                        position = WalPosition.parse(rs.getString(1));
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.log(
                            Level.FINE,
                            "Position of " + (target == null ? "the primary" : target) + " not sampled: "
                                    + e.getMessage());
                    ReplicaPositions.closeQuietly(connection);
                    connection = null;
                    failedAnswer();
                    continue;
                }
                if (position != WalPosition.NONE) {
                    listener.answered(target, sent, position);
                }
                answered(sent, position);
            }
        } catch (InterruptedException e) {
            // stop at once
        } finally {
            ReplicaPositions.closeQuietly(connection);
            lock.lock();
            try {
                if (thread == Thread.currentThread()) {
                    thread = null;
                }
                answer.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void answered(long sent, long position) {
        lock.lock();
        try {
            sampled = true;
            lastSent = sent;
            lastPosition = position;
            failed = false;
            answer.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failedAnswer() {
        lock.lock();
        try {
            failed = true;
            failedAt = System.nanoTime();
            wanted = false;
            answer.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The wait a read allows a sampler before it asks itself (or reads on the primary): a slow node, not a lost read. */
    public static final long WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
}
