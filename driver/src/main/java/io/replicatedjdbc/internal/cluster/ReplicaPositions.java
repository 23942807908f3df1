package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
    private final LongAdder polls = new LongAdder();

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

    /** What the monitor tells about each node (the configured primary and the replicas) as it polls. */
    interface NodeListener {
        NodeListener NONE = new NodeListener() {
            @Override
            public void answered(NodeSpec node, boolean inRecovery, long position, int timeline) {}

            @Override
            public void failed(NodeSpec node, String why) {}

            @Override
            public void roundDone() {}

            @Override
            public void stopped() {}
        };

        /** The node answered: in recovery or not, its position, and its timeline (0 when not known). */
        void answered(NodeSpec node, boolean inRecovery, long position, int timeline);

        /** The node did not answer in time. */
        void failed(NodeSpec node, String why);

        /** Every node has been asked once since the monitor started. */
        void roundDone();

        /** The monitor stopped: what it alone knew is no longer being kept up to date. */
        void stopped();
    }

    private final NodeListener listener;

    /**
     * The primary's WAL positions over time, oldest first, one sample each time it moved: a replica replaying
     * position R has been behind since the first sample past R. An idle primary adds no samples, so a replica that has
     * replayed everything shows no lag however old its last replayed transaction is.
     */
    private final ArrayDeque<long[]> primarySamples = new ArrayDeque<>();

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
        if (!config.hasWalPositions()) {
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
        if (!config.hasWalPositions()) {
            return;
        }
        String reason = computeBehind(replica);
        String before = reason == null ? behind.remove(replica) : behind.put(replica, reason);
        // Each transition is logged once: trouble as a warning, with what was measured; recovery as information.
        if (before == null && reason != null) {
            LOG.log(Level.WARNING, "Replica " + replica + " takes no reads: " + reason);
        } else if (before != null && reason == null) {
            LOG.log(Level.INFO, "Replica " + replica + " takes reads again: it has caught up (" + before + " before)");
        }
    }

    private String computeBehind(NodeSpec replica) {
        String timeline = offTimeline(replica);
        if (timeline != null || !lagLimits()) {
            return timeline;
        }
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
            return replica + " is " + lagMillis + " ms behind the primary (maxReplicaLag="
                    + config.maxReplicaLagMillis() + "ms)";
        }
        long lagBytes = primary == WalPosition.NONE || WalPosition.covers(replayedPosition, primary)
                ? 0
                : primary - replayedPosition;
        if (config.maxReplicaLagBytes() > 0 && lagBytes > config.maxReplicaLagBytes()) {
            return replica + " is " + lagBytes + " bytes of WAL behind the primary (maxReplicaLagBytes="
                    + config.maxReplicaLagBytes() + ")";
        }
        return null;
    }

    // ---------------------------------------------------------------- timelines

    /** The timeline each replica receives, as far as known; it only grows (a standby follows newer timelines). */
    private final ConcurrentHashMap<NodeSpec, Integer> timelines = new ConcurrentHashMap<>();
    /** The timeline of the node that takes writes; 0 until known. */
    private volatile int primaryTimeline;
    /** Whether the primary's timeline changed while this configuration watched (a promotion). */
    private volatile boolean timelineChanged;

    /**
     * Why the replica cannot take reads whatever its position: it is on an older timeline than the primary writes, so
     * that its positions do not compare with the primary's (it may have replayed further on an abandoned history), or
     * its timeline is unknown after a promotion. Null when it follows the primary's timeline, or nothing is known.
     */
    private String offTimeline(NodeSpec replica) {
        int primary = primaryTimeline;
        if (primary == 0) {
            return null;
        }
        Integer own = timelines.get(replica);
        if (own == null) {
            return timelineChanged
                    ? replica + " has not shown its timeline since the primary moved to timeline " + primary
                            + " (the monitor's role needs pg_read_all_stats to see it)"
                    : null;
        }
        return own < primary
                ? replica + " is on timeline " + own + " while the primary writes timeline " + primary
                        + ": it does not follow the primary"
                : null;
    }

    /** The replica said which timeline it receives. */
    void replicaTimeline(NodeSpec replica, int timeline) {
        if (timeline > 0) {
            timelines.merge(replica, timeline, Math::max);
            judge(replica);
        }
    }

    /**
     * The node that takes writes writes {@code timeline}: a new one (a promotion) drops the samples of the old
     * primary, whose positions do not compare with the new one's.
     */
    void primaryTimeline(int timeline) {
        int before = primaryTimeline;
        if (timeline <= 0 || timeline == before) {
            return;
        }
        primaryTimeline = timeline;
        if (before != 0) {
            timelineChanged = true;
            synchronized (primarySamples) {
                primarySamples.clear();
            }
        }
        for (NodeSpec replica : config.replicas()) {
            judge(replica);
        }
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
            while (primarySamples.size() > 1
                    && (nanos - primarySamples.peekFirst()[0] > keep || primarySamples.size() > 4_096)) {
                primarySamples.removeFirst();
            }
            // Samples every replica has replayed tell nothing about lag: dropped, so that judging a replica reads only
            // the few samples it has not replayed yet (under steady writes the history otherwise fills up, and every
            // position observed walked through thousands of samples).
            long everyoneReplayed = replayedByAll();
            while (everyoneReplayed != WalPosition.NONE
                    && primarySamples.size() > 1
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

    /**
     * How many bytes of WAL the replica is behind the last position the primary was seen at, 0 when it has replayed
     * it, -1 when unknown (no position of either yet, or the replica is not on the primary's timeline).
     */
    public long lagBytes(NodeSpec replica) {
        Long replayedPosition = replayed.get(replica);
        long primary;
        synchronized (primarySamples) {
            long[] last = primarySamples.peekLast();
            primary = last == null ? WalPosition.NONE : last[1];
        }
        if (replayedPosition == null || primary == WalPosition.NONE || offTimeline(replica) != null) {
            return -1;
        }
        return WalPosition.covers(replayedPosition, primary) ? 0 : primary - replayedPosition;
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
        // One prepared statement per node: the server plans the query once, so a poll costs it little.
        Map<NodeSpec, PreparedStatement> queries = new HashMap<>();
        long interval = Math.max(1, config.replicaPollIntervalMillis());
        // Every node: the configured primary and the replicas, whatever they claim to be now. Whether each is in
        // recovery and on which timeline decides where writes go; the primary's positions measure lag.
        List<NodeSpec> nodes = new ArrayList<>();
        nodes.add(config.primary());
        nodes.addAll(config.replicas());
        // Nodes that answered as a primary are asked at most every PRIMARY_INTERVAL_NANOS: lag limits are in seconds.
        Map<NodeSpec, Long> primaryAskedAt = new HashMap<>();
        boolean firstRound = true;
        // Nodes whose control file the monitor's role may not read: not asked again.
        Set<NodeSpec> noControlFile = new HashSet<>();
        try {
            while (running && !stopIfUnused()) {
                for (NodeSpec node : nodes) {
                    Long askedAt = primaryAskedAt.get(node);
                    if (askedAt != null && System.nanoTime() - askedAt < PRIMARY_INTERVAL_NANOS) {
                        continue;
                    }
                    Connection connection = connections.get(node);
                    try {
                        PreparedStatement query = queries.get(node);
                        if (connection == null) {
                            connection = connector.open(
                                    node,
                                    node.isPrimary()
                                            ? config.nodeProperties()
                                            : Cluster.replicaProperties(node, config),
                                    MONITOR_SETTINGS);
                            connections.put(node, connection);
                            query = connection.prepareStatement(NodeState.QUERY);
                            queries.put(node, query);
                        }
                        NodeState state;
                        try (ResultSet rs = query.executeQuery()) {
                            state = NodeState.read(rs);
                            polls.increment();
                        }
                        if (state.lacksTimeline() && !noControlFile.contains(node)) {
                            state = state.withCheckpointTimeline(connection);
                            if (state.lacksTimeline()) {
                                noControlFile.add(node);
                            }
                        }
                        if (state.inRecovery) {
                            primaryAskedAt.remove(node);
                        } else {
                            primaryAskedAt.put(node, System.nanoTime());
                        }
                        listener.answered(node, state.inRecovery, state.position, state.timeline);
                    } catch (SQLException | RuntimeException e) {
                        LOG.log(Level.FINE, "State of " + node + " unknown: " + e.getMessage());
                        if (running && !Thread.currentThread().isInterrupted()) {
                            // (a poll cut short by stopping the monitor says nothing about the node)
                            listener.failed(node, e.getMessage());
                        }
                        primaryAskedAt.remove(node);
                        connections.remove(node);
                        queries.remove(node);
                        closeQuietly(connection);
                    }
                }
                if (firstRound) {
                    firstRound = false;
                    listener.roundDone();
                }
                Thread.sleep(
                        System.nanoTime() - lastDemand > IDLE_AFTER_NANOS
                                ? Math.max(interval, IDLE_INTERVAL_MILLIS)
                                : interval);
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

    /**
     * The monitor's own connection settings, over whatever the application's URL says: its name, so that operators
     * (and the tests) tell its sessions apart in pg_stat_activity; and bounds, so that a frozen host cannot stall it
     * (its answer is due within a second).
     */
    private static final Map<String, String> MONITOR_SETTINGS =
            Map.of("ApplicationName", MONITOR_NAME, "socketTimeout", "1", "connectTimeout", "1", "loginTimeout", "1");

    /** Closes a connection of the driver's own, ignoring failures: nothing more can be released. */
    static void closeQuietly(Connection connection) {
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
