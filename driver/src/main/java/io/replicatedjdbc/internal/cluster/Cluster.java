package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.ReplicatedProperty;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.CachingClassifier;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.classify.FunctionRules;
import io.replicatedjdbc.internal.classify.SqlClassifier;
import io.replicatedjdbc.internal.classify.StatementClassifier;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.pool.NodePools;
import io.replicatedjdbc.internal.pool.PoolStatistics;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The state shared by every connection of one configuration: node health, the replica selector and the
 * classification cache. Later roadmap items (replica lag, failover, metrics) keep their state here too.
 */
public final class Cluster {

    private static final Logger LOG = Logger.getLogger("io.replicatedjdbc");
    private static final long MONITOR_MARK_NANOS = 3_000_000_000L;
    /** Replicas the monitor marked down (with a lease only it renews). */
    private final Set<NodeSpec> monitorMarkedDown = ConcurrentHashMap.newKeySet();

    private final Config config;
    private final NodeHealth health;
    private final ReplicaSelector selector;
    private final SqlClassifier classifier;
    private final NodeConnector connector = new NodeConnector();
    private final FunctionVolatility volatility;
    private final TableCatalog tables;
    private final ReplicaPositions positions;
    private final CommittedWrites committedWrites = new CommittedWrites();
    private final ReadYourWritesStatistics readYourWrites = new ReadYourWritesStatistics();
    private final ConfigurationStatistics statistics;

    private final ClusterRegistry registry;
    private int openConnections;

    Cluster(Config config, ClusterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.health = new NodeHealth(config.replicaRetryIntervalMillis());
        this.selector = ReplicaSelector.of(config.balance());
        this.election = new PrimaryElection(config.primary());
        this.writes = new Writes(config.primary(), config.primary(), null, 0);
        committedWrites.source(primarySampler::after);
        this.positions = new ReplicaPositions(config, connector, new ReplicaPositions.NodeListener() {
            @Override
            public void answered(NodeSpec node, boolean inRecovery, long position, int timeline) {
                election.answered(node, !inRecovery, timeline);
                if (!node.isPrimary()) {
                    if (inRecovery) {
                        positions.replicaTimeline(node, timeline);
                        positions.observed(node, position);
                        replicaAnswered(node);
                    } else {
                        // Not in recovery: a promoted node, which must not take reads as a replica.
                        replicaFailed(node, "it is not in recovery (promoted?)");
                    }
                }
                decidePrimary();
                Writes now = writes;
                if (!inRecovery && now.refusal == null && node.equals(now.source)) {
                    // Lag is measured against the node that takes the writes now, on its timeline.
                    positions.primaryTimeline(timeline);
                    positions.primarySample(System.nanoTime(), position);
                }
            }

            @Override
            public void failed(NodeSpec node, String why) {
                election.failed(node);
                if (!node.isPrimary()) {
                    replicaFailed(node, why);
                }
                decidePrimary();
            }

            @Override
            public void roundDone() {
                election.roundDone();
            }

            @Override
            public void stopped() {
                for (NodeSpec replica : monitorMarkedDown) {
                    health.markUp(replica);
                }
                monitorMarkedDown.clear();
                election.forget();
            }
        });
        this.statistics = new ConfigurationStatistics(config, this);
        FunctionRules rules = new FunctionRules(config.dialect(), config.writeFunctions(), config.readFunctions());
        this.classifier =
                new CachingClassifier(new StatementClassifier(config.dialect(), rules, config.readYourWritesTables()));
        this.volatility = new FunctionVolatility(classifier);
        this.tables = new TableCatalog(readYourWrites);
    }

    private void replicaAnswered(NodeSpec replica) {
        monitorMarkedDown.remove(replica);
        if (!health.isAvailable(replica, System.nanoTime())) {
            health.markUp(replica);
            LOG.log(Level.INFO, "Replica " + replica + " answers again: back in rotation");
        }
    }

    private void replicaFailed(NodeSpec replica, String why) {
        if (health.isAvailable(replica, System.nanoTime())) {
            LOG.log(Level.WARNING, "Replica " + replica + " taken out of rotation: " + why);
        }
        // A lease the monitor renews while the replica keeps failing; dropped when the monitor stops.
        health.markDownFor(replica, System.nanoTime(), MONITOR_MARK_NANOS);
        monitorMarkedDown.add(replica);
        abortReadsOn(replica);
        evictPools(replica);
    }

    // ---------------------------------------------------------------- per-node pools

    /** The pools of each set of connection properties (user, password, driver options) this configuration met. */
    private final ConcurrentHashMap<String, NodePools> pools = new ConcurrentHashMap<>();

    /**
     * The node pools for connections made with {@code connectionConfig}'s properties, counting one more user: a
     * logical connection calls this once when it opens ({@code connectionMode=pooled}) and {@link
     * NodePools#release()} when it closes.
     */
    public NodePools acquirePools(Config connectionConfig) {
        String key = propertiesKey(connectionConfig.nodeProperties());
        NodePools set = pools.computeIfAbsent(
                key,
                k -> new NodePools(
                        connectionConfig,
                        node -> node.isPrimary()
                                ? openPrimary(node, connectionConfig)
                                : openReplica(node, connectionConfig)));
        set.acquire();
        return set;
    }

    private static String propertiesKey(Properties properties) {
        StringBuilder key = new StringBuilder();
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            key.append(name).append('=').append(properties.getProperty(name)).append('\n');
        }
        return key.toString();
    }

    /** Every pool's statistics, for the MBean and the status command. */
    public List<PoolStatistics> poolStatistics() {
        List<PoolStatistics> all = new ArrayList<>();
        for (NodePools set : pools.values()) {
            all.addAll(set.statistics());
        }
        return all;
    }

    /** Closes every pool of this configuration now (a data source closed). */
    public void closePools() {
        for (NodePools set : pools.values()) {
            set.close();
        }
    }

    /** The node was found down: no pool of it lends a connection opened before. */
    public void evictPools(NodeSpec node) {
        for (NodePools set : pools.values()) {
            set.evict(node);
        }
    }

    /** Statements a replica refused as writes (25006), by exact text: they go to the primary from then on. */
    private final Map<String, String> refusedByReplica =
            Collections.synchronizedMap(new LinkedHashMap<String, String>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > 1_024;
                }
            });

    private volatile boolean anyRefusedByReplica;

    /** A replica refused {@code sql} as a write: remembered, with why, for every connection of the configuration. */
    public void refusedByReplica(String sql, String why) {
        if (sql != null) {
            refusedByReplica.put(sql, why);
            anyRefusedByReplica = true;
        }
    }

    /** Why {@code sql} goes to the primary although it looks like a read (a replica refused it), or null. */
    public String refusedByReplica(String sql) {
        return anyRefusedByReplica && sql != null ? refusedByReplica.get(sql) : null;
    }

    /**
     * Every node's URL is accepted by some JDBC driver on the class path, or this fails with 08001 naming the URL
     * built for the node (a {@code replicas} item with a typo, a wrong subprotocol): a configuration error, found at
     * connect. Drivers found are remembered, so this costs a look-up once per node.
     */
    public void checkDrivers() throws SQLException {
        connector.checkDriver(config.primary());
        for (NodeSpec replica : config.replicas()) {
            connector.checkDriver(replica);
        }
    }

    private final AtomicBoolean optionsChecked = new AtomicBoolean();

    /**
     * Once per configuration: an option that is neither this driver's nor one the node's driver publishes (a typo such
     * as {@code loadBalence}) would be ignored in silence by both; it is logged, with the nearest known option.
     */
    public void warnAboutUnknownOptions() {
        if (!optionsChecked.compareAndSet(false, true)) {
            return;
        }
        Set<String> known = connector.driverOptions(config.primary());
        if (known.isEmpty()) {
            return;
        }
        for (ReplicatedProperty property : ReplicatedProperty.values()) {
            known.add(property.getName());
        }
        known.add("user");
        known.add("password");
        for (String name : config.foreignOptionNames()) {
            if (!known.contains(name)) {
                String nearest = OptionNames.nearest(name, known);
                LOG.log(
                        Level.WARNING,
                        "Option '" + name + "' is known neither to replicated-jdbc nor to the driver of "
                                + config.primary() + ", so it has no effect"
                                + (nearest == null ? "" : "; did you mean '" + nearest + "'?"));
            }
        }
    }

    public SqlClassifier classifier() {
        return classifier;
    }

    /** What the primary's catalog says of the tables statements touch (readYourWritesTables). */
    public TableCatalog tables() {
        return tables;
    }

    /** PostgreSQL user-function volatility, looked up once per name for this cluster. */
    public FunctionVolatility volatility() {
        return volatility;
    }

    /** How far each replica has replayed, kept by one shared monitor. */
    public ReplicaPositions positions() {
        return positions;
    }

    /** The commits of every connection of this configuration, for readYourWritesScope=global. */
    public CommittedWrites committedWrites() {
        return committedWrites;
    }

    // ---------------------------------------------------------------- positions sampled off the application's threads

    /**
     * The samplers' own connection settings, over whatever the application's URL says: their name (operators and tests
     * tell their sessions apart in pg_stat_activity), and bounds, so that a frozen host cannot hold a read longer than
     * {@link PositionSampler#WAIT_NANOS}.
     */
    private static final Map<String, String> SAMPLER_SETTINGS = Map.of(
            "ApplicationName", PositionSampler.NAME, "socketTimeout", "1", "connectTimeout", "1", "loginTimeout", "1");

    private final PositionSampler primarySampler = PositionSampler.ofPrimary(
            this::writesNodeOrNull,
            this::openForSampler,
            (node, sent, position) -> committedWrites.fetched(sent, position));
    private final ConcurrentHashMap<NodeSpec, PositionSampler> replicaSamplers = new ConcurrentHashMap<>();

    private Connection openForSampler(NodeSpec node) throws SQLException {
        return connector.open(
                node, node.isPrimary() ? config.nodeProperties() : replicaProperties(node, config), SAMPLER_SETTINGS);
    }

    /** The insert position of the node that takes the writes, sampled for the reads that wait for one. */
    public PositionSampler primarySampler() {
        return primarySampler;
    }

    /** The replica's replay position, sampled for the reads that wait for one. */
    public PositionSampler replicaSampler(NodeSpec replica) {
        PositionSampler sampler = replicaSamplers.get(replica);
        return sampler != null
                ? sampler
                : replicaSamplers.computeIfAbsent(
                        replica,
                        node -> PositionSampler.ofReplica(
                                node,
                                this::openForSampler,
                                (asked, sent, position) -> positions.observed(asked, position)));
    }

    /** What the driver did for this configuration: counters, and the MBean. */
    public ConfigurationStatistics statistics() {
        return statistics;
    }

    public ReadYourWritesStatistics readYourWritesStatistics() {
        return readYourWrites;
    }

    /** A logical connection of this configuration opened (called by {@link ClusterRegistry#open}, under its lock). */
    void connectionOpened() {
        openConnections++;
        positions.acquire();
    }

    /** A logical connection of this configuration closed: the last one stops what runs in the background. */
    public void connectionClosed() {
        positions.release();
        if (registry != null) {
            registry.closed(this, config.clusterKey());
        }
    }

    /** Counts a closed connection (under the registry's lock); true when it was the last. */
    boolean countClosed() {
        return --openConnections == 0;
    }

    public NodeHealth health() {
        return health;
    }

    /**
     * A replica for a connection binding its replica now, skipping {@code exclude}, those marked down and those too
     * far behind the primary ({@code maxReplicaLag}); null when none is left.
     */
    public NodeSpec chooseReplica(List<NodeSpec> exclude) {
        long now = System.nanoTime();
        if (exclude.isEmpty() && config.primaryReadWeight() == 0 && allInRotation(now)) {
            // The common case, once per pooled read: every replica may take it, nothing to copy.
            return selector.choose(config.replicas(), facts);
        }
        List<NodeSpec> candidates = new ArrayList<>(config.replicas().size());
        for (NodeSpec replica : config.replicas()) {
            if (!exclude.contains(replica)
                    && health.isAvailable(replica, now)
                    && positions.tooFarBehind(replica) == null) {
                candidates.add(replica);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        // primaryReadWeight: the primary takes its share of the connections binding a read node, by weight.
        if (config.primaryReadWeight() > 0 && !exclude.contains(config.primary())) {
            long replicaWeight = 0;
            for (NodeSpec replica : candidates) {
                replicaWeight += facts.weight(replica);
            }
            if (ThreadLocalRandom.current().nextLong(config.primaryReadWeight() + replicaWeight)
                    < config.primaryReadWeight()) {
                return config.primary();
            }
        }
        return selector.choose(candidates, facts);
    }

    /** Why no replica may take a read now: the first replica's reason (too far behind), or that all are marked down. */
    public String whyNoReplica() {
        for (NodeSpec replica : config.replicas()) {
            String behind = health.isAvailable(replica, System.nanoTime()) ? positions.tooFarBehind(replica) : null;
            if (behind != null) {
                return behind;
            }
        }
        return "every replica is marked down for replicaRetryInterval";
    }

    private boolean allInRotation(long now) {
        List<NodeSpec> replicas = config.replicas();
        if (replicas.isEmpty()) {
            return false;
        }
        for (int i = 0; i < replicas.size(); i++) {
            NodeSpec replica = replicas.get(i);
            if (!health.isAvailable(replica, now) || positions.tooFarBehind(replica) != null) {
                return false;
            }
        }
        return true;
    }

    /** Physical connections running an autocommit read on each replica now: aborted when the monitor finds it dead. */
    private final ConcurrentHashMap<NodeSpec, RunningReads> reading = new ConcurrentHashMap<>();

    /**
     * An autocommit read (which may run again elsewhere) starts on the replica's connection; the token returned goes
     * to {@link #readEnded}.
     */
    public int readStarted(NodeSpec replica, Connection connection) {
        RunningReads reads = reading.get(replica);
        if (reads == null) {
            reads = reading.computeIfAbsent(replica, node -> new RunningReads());
        }
        return reads.started(connection);
    }

    public void readEnded(NodeSpec replica, Connection connection, int token) {
        RunningReads reads = reading.get(replica);
        if (reads != null) {
            reads.ended(connection, token);
        }
    }

    /**
     * The monitor found the replica dead or hung: reads waiting on it are aborted (their connections closed), so that
     * they fail at once and run again on another node instead of waiting for the host.
     */
    private void abortReadsOn(NodeSpec replica) {
        RunningReads reads = reading.get(replica);
        if (reads == null) {
            return;
        }
        List<Connection> connections = reads.now();
        for (Connection connection : connections) {
            try {
                connection.abort(command -> {
                    Thread thread = new Thread(command, "replicated-jdbc-abort");
                    thread.setDaemon(true);
                    thread.start();
                });
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.FINE, "Aborting a read on " + replica + ": " + e.getMessage());
            }
        }
    }

    private final ConcurrentHashMap<NodeSpec, AtomicInteger> bound = new ConcurrentHashMap<>();

    /** A logical connection bound ({@code +1}) or released ({@code -1}) a replica for its reads. */
    public void bound(NodeSpec replica, int change) {
        bound.computeIfAbsent(replica, node -> new AtomicInteger()).addAndGet(change);
    }

    private final Object moves = new Object();

    /**
     * Claims a move of one connection from {@code current} to a replica in rotation with at least two fewer
     * connections bound, or returns null. The counts change at once, under one lock: connections that ask at the same
     * time see the move already made, so that they do not all move together and back again. The caller then opens
     * the new replica, or gives the claim back with {@link #moveFailed}.
     */
    public NodeSpec claimMoveToLessLoaded(NodeSpec current) {
        if (!hasLessLoadedReplica(current)) {
            return null;
        }
        synchronized (moves) {
            NodeSpec lighter = lessLoadedReplica(current);
            if (lighter != null) {
                bound(current, -1);
                bound(lighter, 1);
            }
            return lighter;
        }
    }

    /** Whether a connection bound to {@code current} would move now (no claim, nothing changes): a cheap look first. */
    public boolean hasLessLoadedReplica(NodeSpec current) {
        return lessLoadedReplica(current) != null;
    }

    /** A claimed move could not be made: the connection stays where it was. */
    public void moveFailed(NodeSpec from, NodeSpec to) {
        bound(to, -1);
        bound(from, 1);
    }

    /**
     * A replica in rotation with at least two fewer connections bound than {@code current}, or null: a connection
     * bound to {@code current} moves there, so that load evens out after a replica comes back. Only for the balancing
     * strategies that spread connections evenly (roundRobin, random, leastConnections).
     */
    NodeSpec lessLoadedReplica(NodeSpec current) {
        if (config.balance() == Config.Balance.WEIGHTED
                || config.balance() == Config.Balance.LOWEST_LAG
                || config.replicas().size() < 2) {
            return null;
        }
        int load = boundConnections(current);
        if (load < 2) {
            return null;
        }
        long now = System.nanoTime();
        NodeSpec lightest = null;
        int lightestLoad = load - 1;
        for (NodeSpec replica : config.replicas()) {
            int other = boundConnections(replica);
            if (!replica.equals(current)
                    && other < lightestLoad
                    && health.isAvailable(replica, now)
                    && positions.tooFarBehind(replica) == null) {
                lightest = replica;
                lightestLoad = other;
            }
        }
        return lightest;
    }

    /** Logical connections of this JVM bound to the replica now. */
    public int boundConnections(NodeSpec replica) {
        AtomicInteger count = bound.get(replica);
        return count == null ? 0 : count.get();
    }

    private final ReplicaSelector.Facts facts = new ReplicaSelector.Facts() {
        @Override
        public int weight(NodeSpec node) {
            return node.isPrimary()
                    ? config.primaryReadWeight()
                    : config.replicaWeight(config.replicas().indexOf(node));
        }

        @Override
        public int boundConnections(NodeSpec node) {
            return Cluster.this.boundConnections(node);
        }

        @Override
        public long replayed(NodeSpec node) {
            return positions.replayed(node);
        }
    };

    /**
     * Opens the primary. A failure to reach it (SQLState class 08, or none) becomes 08001 naming the primary,
     * with the driver's exception as the cause; any other error of the driver (bad password, unknown
     * database) passes through unchanged.
     */
    public Connection openPrimary(Config connectionConfig) throws SQLException {
        return openPrimary(currentPrimary(), connectionConfig);
    }

    /** Opens the given primary (see {@link #currentPrimary()}), as {@link #openPrimary(Config)} does. */
    public Connection openPrimary(NodeSpec primary, Config connectionConfig) throws SQLException {
        try {
            return connector.open(primary, connectionConfig.nodeProperties());
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (e instanceof NodeConnector.NoDriverException || (state != null && !state.startsWith("08"))) {
                throw e;
            }
            // Is there a new primary? The monitor finds out (it may not run in a write-only workload).
            positions.ensureRunning();
            throw Errors.primaryUnreachable(primary.toString(), e);
        }
    }

    // ---------------------------------------------------------------- failover

    private final PrimaryElection election;
    /**
     * Where writes go, as one value so that a reader never sees the node of one decision with the refusal of another:
     * {@code source}, the node as configured (the primary, or the replica that was promoted); {@code node}, what
     * primary connections are opened to (a promoted replica in its primary role); {@code refusal}, why writes are
     * refused, or null; {@code epoch}, a number that changes with each new decision.
     */
    private static final class Writes {
        final NodeSpec source;
        final NodeSpec node;
        final String refusal;
        final int epoch;

        Writes(NodeSpec source, NodeSpec node, String refusal, int epoch) {
            this.source = source;
            this.node = node;
            this.refusal = refusal;
            this.epoch = epoch;
        }
    }

    private volatile Writes writes;
    /** How long the first connection of a configuration waits for the monitor to have asked every node once. */
    private static final long FIRST_ROUND_MILLIS = 10_000;

    /**
     * The node writes go to, as {@link PrimaryElection} decides from what the nodes say of themselves: the configured
     * primary, or a promoted replica on a newer timeline. Throws 08001 while writes are refused (two nodes claim to be
     * the primary on the same timeline, or only a stale one answers). A configuration's first call waits until every
     * node has been asked once, so that a configuration created after a promotion never writes to the old primary.
     */
    public NodeSpec currentPrimary() throws SQLException {
        if (!election.decided() && !config.replicas().isEmpty() && config.hasWalPositions()) {
            positions.ensureRunning();
            try {
                if (!election.awaitRound(FIRST_ROUND_MILLIS)) {
                    LOG.log(
                            Level.WARNING,
                            "The nodes' roles are not all known after " + FIRST_ROUND_MILLIS
                                    + " ms; writes go where what is known says");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Errors.interrupted("asking the nodes which one is the primary");
            }
        }
        Writes now = writes;
        if (now.refusal != null) {
            throw Errors.splitBrain(now.refusal);
        }
        return now.node;
    }

    /** The node writes go to now (as {@link #currentPrimary()} names it), or null while writes are refused. */
    public NodeSpec writesNodeOrNull() {
        Writes now = writes;
        return now.refusal != null ? null : now.node;
    }

    /**
     * A number that changes whenever {@link #currentPrimary()} would answer differently: a connection that opened its
     * primary under another number asks again before it sends anything there.
     */
    public int primaryEpoch() {
        return writes.epoch;
    }

    private synchronized void decidePrimary() {
        PrimaryElection.Verdict verdict = election.decide();
        NodeSpec source = verdict.node == null ? config.primary() : verdict.node;
        NodeSpec node = verdict.node == null ? config.primary() : verdict.node.promoted();
        Writes before = writes;
        if (Objects.equals(verdict.refusal, before.refusal) && node.equals(before.node)) {
            return;
        }
        if (!Objects.equals(verdict.refusal, before.refusal)) {
            LOG.log(
                    verdict.refusal == null ? Level.INFO : Level.SEVERE,
                    verdict.refusal == null
                            ? "Writes accepted again: one primary"
                            : "Writes refused: " + verdict.refusal);
        }
        if (!node.equals(before.node)) {
            LOG.log(
                    Level.WARNING,
                    verdict.node == null
                            ? "Writes go to the configured primary " + config.primary() + " again"
                            : "Failover: " + config.primary() + " is not the primary; writes go to " + node);
        }
        writes = new Writes(source, node, verdict.refusal, before.epoch + 1);
    }

    /** sqlite-jdbc's connection properties: its open flags (1: read-only, no create) and its busy timeout. */
    private static final String SQLITE_OPEN_MODE = "open_mode";

    private static final String SQLITE_READ_ONLY = "1";
    private static final String SQLITE_BUSY_TIMEOUT = "busy_timeout";
    static final int SQLITE_REPLICA_BUSY_MILLIS = 100;

    /**
     * A hung replica host accepts TCP connections but never answers the login: without a bound, the read waits
     * forever. PostgreSQL's driver takes the bound as connectTimeout and loginTimeout, unless the user set them.
     */
    static Properties replicaProperties(NodeSpec replica, Config config) {
        Properties properties = config.nodeProperties();
        if (config.dialect() == Dialect.SQLITE && !replica.isPrimary()) {
            // A replica file is only read: opened read-only, a missing file is an error at open (sqlite-jdbc would
            // otherwise create it empty, and every read there would fail with "no such table"); and a replica locked
            // by another process (a copy being published) answers SQLITE_BUSY at once, so that the read runs on
            // another node instead of waiting the primary's busy timeout.
            if (!properties.containsKey(SQLITE_OPEN_MODE) && !replica.jdbcUrl().contains(SQLITE_OPEN_MODE + "=")) {
                properties.setProperty(SQLITE_OPEN_MODE, SQLITE_READ_ONLY);
            }
            properties.setProperty(SQLITE_BUSY_TIMEOUT, String.valueOf(SQLITE_REPLICA_BUSY_MILLIS));
        }
        if (config.dialect() == Dialect.POSTGRESQL && config.replicaSocketTimeoutMillis() > 0 && !replica.isPrimary()) {
            properties.setProperty("socketTimeout", String.valueOf((config.replicaSocketTimeoutMillis() + 999) / 1000));
        }
        if (config.dialect() == Dialect.POSTGRESQL && config.replicaConnectTimeoutMillis() > 0) {
            String seconds = String.valueOf((config.replicaConnectTimeoutMillis() + 999) / 1000);
            for (String name : new String[] {"connectTimeout", "loginTimeout"}) {
                if (!properties.containsKey(name) && !replica.jdbcUrl().contains(name + "=")) {
                    properties.setProperty(name, seconds);
                }
            }
        }
        return properties;
    }

    /** Opens a replica; on failure marks it down for the retry interval and rethrows the driver's exception. */
    public Connection openReplica(NodeSpec replica, Config connectionConfig) throws SQLException {
        try {
            Connection connection = connector.open(replica, replicaProperties(replica, connectionConfig));
            health.markUp(replica);
            return connection;
        } catch (SQLException e) {
            // A wrong password or an unknown database says nothing about the node's health: only a failure to reach it
            // does.
            String state = e.getSQLState();
            if (state == null || state.startsWith("08")) {
                health.markDown(replica, System.nanoTime());
            }
            throw e;
        } catch (RuntimeException e) {
            health.markDown(replica, System.nanoTime());
            throw e;
        }
    }
}
