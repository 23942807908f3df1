package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How far each replica of one configuration has replayed the WAL, shared by all its logical connections. One daemon
 * thread asks every replica ({@code pg_last_wal_replay_lsn()}) each {@code replicaPollInterval}, over connections
 * of its own (four times a second instead while no read has needed a position for a second). It starts when the first connection needs a position and stops, closing its connections, when the
 * last logical connection of the configuration has been closed for two seconds. Reads that check a replica directly report what they saw
 * too, so the known position only grows.
 */
public final class ReplicaPositions {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc.positions");
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** The replay position; NULL once the node is out of recovery (promoted), where the function would still answer. */
    static final String REPLAYED = "SELECT CASE WHEN pg_catalog.pg_is_in_recovery()"
            + " THEN pg_catalog.pg_last_wal_replay_lsn() END";
    /** The primary's write position; NULL when the configured primary is in recovery (it became a standby). */
    static final String WRITTEN = "SELECT CASE WHEN pg_catalog.pg_is_in_recovery() THEN NULL"
            + " ELSE pg_catalog.pg_current_wal_lsn() END";
    /** The primary is asked at most this often: lag limits are in seconds. */
    private static final long PRIMARY_INTERVAL_NANOS = 100_000_000L;
    /** The application_name of the monitor's connections, so that operators (and tests) can tell them apart. */
    public static final String MONITOR_NAME = "replicated-jdbc position monitor";

    private final Config config;
    private final NodeConnector connector;
    private final ConcurrentHashMap<NodeSpec, Long> replayed = new ConcurrentHashMap<>();
    private int users;
    private Thread monitor;
    private volatile boolean running;
    /** When a read last needed a position: without demand for a second, the monitor polls four times a second. */
    private volatile long lastDemand;
    private static final long IDLE_AFTER_NANOS = 1_000_000_000L;
    private static final long IDLE_INTERVAL_MILLIS = 250;
    private final java.util.concurrent.atomic.LongAdder polls = new java.util.concurrent.atomic.LongAdder();

    /** Positions for the configuration's replicas; the monitor opens its connections with the nodes' own drivers. */
    public ReplicaPositions(Config config) {
        this(config, new NodeConnector());
    }

    ReplicaPositions(Config config, NodeConnector connector) {
        this(config, connector, NodeListener.NONE);
    }

    ReplicaPositions(Config config, NodeConnector connector, NodeListener listener) {
        this.config = config;
        this.connector = connector;
        this.listener = listener;
    }

    /** What the monitor tells about a replica's health as it polls. */
    interface NodeListener {
        NodeListener NONE = new NodeListener() {
            @Override
            public void answered(NodeSpec replica) {
            }

            @Override
            public void failed(NodeSpec replica, String why) {
            }

            @Override
            public void stopped() {
            }

            @Override
            public void promoted(NodeSpec replica) {
            }

            @Override
            public void primaryAnswered(boolean asPrimary) {
            }

            @Override
            public void primaryFailed() {
            }
        };

        /** The replica answered as a replica. */
        void answered(NodeSpec replica);

        /** The replica did not answer in time, or answered as a primary. */
        void failed(NodeSpec replica, String why);

        /** The monitor stopped: what it alone knew is no longer being kept up to date. */
        void stopped();

        /** The replica answered as a primary: promoted. */
        void promoted(NodeSpec replica);

        /** The configured primary answered, as a primary or (false) as a standby. */
        void primaryAnswered(boolean asPrimary);

        /** The configured primary did not answer. */
        void primaryFailed();
    }

    private final NodeListener listener;

    /**
     * The primary's WAL positions over time, oldest first, one sample each time it moved: a replica replaying
     * position R has been behind since the first sample past R. An idle primary adds no samples, so a replica that has
     * replayed everything shows no lag however old its last replayed transaction is.
     */
    private final java.util.ArrayDeque<long[]> primarySamples = new java.util.ArrayDeque<>();

    /** A logical connection opened: the monitor may be needed. */
    public synchronized void acquire() {
        users++;
    }

    /**
     * A logical connection closed. The monitor stops (closing its connections) once the configuration has had no
     * connection for {@link #LINGER_NANOS}: an application that opens a connection per request, without a pool, does
     * not pay for a new monitor each time.
     */
    public synchronized void release() {
        if (--users == 0) {
            unusedSince = System.nanoTime();
        }
    }

    private static final long LINGER_NANOS = 2_000_000_000L;
    private long unusedSince;

    /** Called by the monitor thread: whether it should stop now, and if so, forgets it. */
    private synchronized boolean stopIfUnused() {
        if (users == 0 && System.nanoTime() - unusedSince > LINGER_NANOS) {
            running = false;
            monitor = null;
            return true;
        }
        return false;
    }

    /** The last known replay position of the replica, starting the monitor if it is not running; NONE when unknown. */
    public long replayed(NodeSpec replica) {
        lastDemand = System.nanoTime();
        if (monitor == null) {
            start();
        }
        Long position = replayed.get(replica);
        return position == null ? WalPosition.NONE : position;
    }

    /**
     * Why the replica is too far behind to take reads ({@code maxReplicaLag}, {@code maxReplicaLagBytes}), or null when
     * it is not, or when its position is not known yet. Starts the monitor; does not make it poll faster.
     */
    public String tooFarBehind(NodeSpec replica) {
        if (!lagLimits()) {
            return null;
        }
        if (monitor == null) {
            start();
        }
        // Computed when positions arrive (by the monitor, or a read's own check), not on every read: a map look-up.
        return behind.get(replica);
    }

    private boolean lagLimits() {
        return config.hasWalPositions() && (config.maxReplicaLagMillis() > 0 || config.maxReplicaLagBytes() > 0);
    }

    /** Why each replica is too far behind, for the replicas that are; kept current as positions arrive. */
    private final ConcurrentHashMap<NodeSpec, String> behind = new ConcurrentHashMap<>();

    /** Recomputes whether the replica is too far behind, from the positions known now. */
    private void judge(NodeSpec replica) {
        if (!lagLimits()) {
            return;
        }
        String reason = computeBehind(replica);
        if (reason == null) {
            behind.remove(replica);
        } else {
            behind.put(replica, reason);
        }
    }

    private String computeBehind(NodeSpec replica) {
        Long replayedPosition = replayed.get(replica);
        if (replayedPosition == null) {
            return null;
        }
        long now = System.nanoTime();
        long behindSince = 0;
        long primary = WalPosition.NONE;
        synchronized (primarySamples) {
            for (long[] sample : primarySamples) {
                if (behindSince == 0 && !WalPosition.covers(replayedPosition, sample[1])) {
                    behindSince = sample[0];
                }
                primary = sample[1];
            }
        }
        long lagMillis = behindSince == 0 ? 0 : (now - behindSince) / 1_000_000L;
        if (config.maxReplicaLagMillis() > 0 && lagMillis > config.maxReplicaLagMillis()) {
            return replica + " is " + lagMillis + " ms behind the primary (maxReplicaLag=" + config.maxReplicaLagMillis()
                    + "ms)";
        }
        long lagBytes = primary == WalPosition.NONE || WalPosition.covers(replayedPosition, primary) ? 0
                : primary - replayedPosition;
        if (config.maxReplicaLagBytes() > 0 && lagBytes > config.maxReplicaLagBytes()) {
            return replica + " is " + lagBytes + " bytes of WAL behind the primary (maxReplicaLagBytes="
                    + config.maxReplicaLagBytes() + ")";
        }
        return null;
    }

    /** The primary was at {@code position} at {@code nanos}. */
    void primarySample(long nanos, long position) {
        synchronized (primarySamples) {
            long[] last = primarySamples.peekLast();
            if (last == null || last[1] != position) {
                primarySamples.addLast(new long[] {nanos, position});
            }
            // Keep enough history to tell a replica twice the limit behind; always keep the newest sample.
            long keep = Math.max(config.maxReplicaLagMillis(), 1_000) * 2_000_000L;
            while (primarySamples.size() > 1 && (nanos - primarySamples.peekFirst()[0] > keep || primarySamples.size() > 4_096)) {
                primarySamples.removeFirst();
            }
            // Samples every replica has replayed tell nothing about lag: dropped, so that judging a replica reads only
            // the few samples it has not replayed yet (under steady writes the history otherwise fills up, and every
            // position observed walked through thousands of samples).
            long everyoneReplayed = replayedByAll();
            while (everyoneReplayed != WalPosition.NONE && primarySamples.size() > 1
                    && WalPosition.covers(everyoneReplayed, primarySamples.peekFirst()[1])) {
                primarySamples.removeFirst();
            }
        }
        for (NodeSpec replica : config.replicas()) {
            judge(replica);
        }
    }

    /** The lowest position every replica is known to have replayed; NONE while one has not reported yet. */
    private long replayedByAll() {
        long lowest = WalPosition.NONE;
        for (NodeSpec replica : config.replicas()) {
            Long position = replayed.get(replica);
            if (position == null) {
                return WalPosition.NONE;
            }
            if (lowest == WalPosition.NONE || Long.compareUnsigned(position, lowest) < 0) {
                lowest = position;
            }
        }
        return lowest;
    }

    /** A read saw the replica's position itself. */
    public void observed(NodeSpec replica, long position) {
        replayed.merge(replica, position, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
        judge(replica);
    }

    /** How many times the monitor has asked a replica, for measurements. */
    public long polls() {
        return polls.sum();
    }

    /** Starts the monitor if a connection is open and it is not running (the primary failed: is there a new one?). */
    public void ensureRunning() {
        if (monitor == null || !running) {
            start();
        }
    }

    /** Whether the monitor thread runs, for tests. */
    public synchronized boolean running() {
        return monitor != null;
    }

    private synchronized void start() {
        if ((monitor != null && running) || users == 0 || config.replicas().isEmpty() || !config.hasWalPositions()) {
            return;
        }
        running = true;
        monitor = new Thread(this::poll, "replicated-jdbc-positions-" + THREADS.incrementAndGet());
        monitor.setDaemon(true);
        monitor.start();
    }

    private void poll() {
        Map<NodeSpec, Connection> connections = new HashMap<>();
        // One prepared statement per replica: the server plans the query once, so a poll costs it little.
        Map<NodeSpec, PreparedStatement> queries = new HashMap<>();
        long interval = Math.max(1, config.replicaPollIntervalMillis());
        // The primary too: its positions measure lag, and whether it answers decides failover.
        java.util.List<NodeSpec> nodes = new java.util.ArrayList<>();
        nodes.add(config.primary());
        nodes.addAll(config.replicas());
        long primaryAskedAt = 0;
        try {
            while (running && !stopIfUnused()) {
                for (NodeSpec replica : nodes) {
                    if (replica.isPrimary()) {
                        if (System.nanoTime() - primaryAskedAt < PRIMARY_INTERVAL_NANOS) {
                            continue;
                        }
                        primaryAskedAt = System.nanoTime();
                    }
                    Connection connection = connections.get(replica);
                    try {
                        PreparedStatement query = queries.get(replica);
                        if (connection == null) {
                            java.util.Properties properties = replica.isPrimary() ? config.nodeProperties()
                                    : Cluster.replicaProperties(replica, config);
                            if (config.dialect() == io.replicatedjdbc.internal.classify.Dialect.POSTGRESQL) {
                                properties.setProperty("ApplicationName", MONITOR_NAME);
                                // A frozen host must not stall the monitor: its answer is due within a second.
                                properties.setProperty("socketTimeout", "1");
                                properties.setProperty("connectTimeout", "1");
                                properties.setProperty("loginTimeout", "1");
                            }
                            connection = connector.open(replica, properties);
                            connections.put(replica, connection);
                            query = connection.prepareStatement(replica.isPrimary() ? WRITTEN : REPLAYED);
                            queries.put(replica, query);
                        }
                        try (ResultSet rs = query.executeQuery()) {
                            rs.next();
                            polls.increment();
                            long position = WalPosition.parse(rs.getString(1));
                            if (replica.isPrimary()) {
                                if (position != WalPosition.NONE) {
                                    primarySample(System.nanoTime(), position);
                                }
                                listener.primaryAnswered(position != WalPosition.NONE);
                            } else if (position != WalPosition.NONE) {
                                observed(replica, position);
                                listener.answered(replica);
                            } else {
                                // Not in recovery: a promoted node, which must not take reads as a replica.
                                listener.failed(replica, "it is not in recovery (promoted?)");
                                listener.promoted(replica);
                            }
                        }
                    } catch (SQLException | RuntimeException e) {
                        LOG.log(Level.FINE, "Replay position of " + replica + " unknown: " + e.getMessage());
                        if (running && !Thread.currentThread().isInterrupted()) {
                            // (a poll cut short by stopping the monitor says nothing about the node)
                            if (replica.isPrimary()) {
                                listener.primaryFailed();
                            } else {
                                listener.failed(replica, e.getMessage());
                            }
                        }
                        connections.remove(replica);
                        queries.remove(replica);
                        closeQuietly(connection);
                    }
                }
                Thread.sleep(System.nanoTime() - lastDemand > IDLE_AFTER_NANOS ? Math.max(interval, IDLE_INTERVAL_MILLIS) : interval);
            }
        } catch (InterruptedException e) {
            // interrupted: stop at once
        } finally {
            for (Connection connection : connections.values()) {
                closeQuietly(connection);
            }
            listener.stopped();
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing more to release
        }
    }
}
