package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.CachingClassifier;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.classify.FunctionRules;
import io.replicatedjdbc.internal.classify.SqlClassifier;
import io.replicatedjdbc.internal.classify.StatementClassifier;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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
    private final java.util.Set<NodeSpec> monitorMarkedDown = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Config config;
    private final NodeHealth health;
    private final ReplicaSelector selector;
    private final SqlClassifier classifier;
    private final NodeConnector connector = new NodeConnector();
    private final FunctionVolatility volatility = new FunctionVolatility();
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
        this.positions = new ReplicaPositions(config, connector, new ReplicaPositions.NodeListener() {
            @Override
            public void answered(NodeSpec replica) {
                monitorMarkedDown.remove(replica);
                if (promotedReplicas.remove(replica)) {
                    decidePrimary();
                }
                if (!health.isAvailable(replica, System.nanoTime())) {
                    health.markUp(replica);
                    LOG.log(Level.INFO, "Replica " + replica + " answers again: back in rotation");
                }
            }

            @Override
            public void failed(NodeSpec replica, String why) {
                if (health.isAvailable(replica, System.nanoTime())) {
                    LOG.log(Level.WARNING, "Replica " + replica + " taken out of rotation: " + why);
                }
                // A lease the monitor renews while the replica keeps failing; dropped when the monitor stops.
                health.markDownFor(replica, System.nanoTime(), MONITOR_MARK_NANOS);
                monitorMarkedDown.add(replica);
                abortReadsOn(replica);
            }

            @Override
            public void stopped() {
                for (NodeSpec replica : monitorMarkedDown) {
                    health.markUp(replica);
                }
                monitorMarkedDown.clear();
            }

            @Override
            public void promoted(NodeSpec replica) {
                promotedReplicas.add(replica);
                decidePrimary();
            }

            @Override
            public void primaryAnswered(boolean asPrimary) {
                configuredPrimaryIsPrimary = asPrimary;
                configuredPrimaryAnswers = true;
                decidePrimary();
            }

            @Override
            public void primaryFailed() {
                configuredPrimaryAnswers = false;
                decidePrimary();
            }
        });
        this.statistics = new ConfigurationStatistics(config, this);
        this.classifier = new CachingClassifier(new StatementClassifier(config.dialect(),
                new FunctionRules(config.dialect(), config.writeFunctions(), config.readFunctions())));
    }

    public SqlClassifier classifier() {
        return classifier;
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
        List<NodeSpec> candidates = new ArrayList<>(config.replicas().size());
        for (NodeSpec replica : config.replicas()) {
            if (!exclude.contains(replica) && health.isAvailable(replica, now) && positions.tooFarBehind(replica) == null) {
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
            if (java.util.concurrent.ThreadLocalRandom.current().nextLong(config.primaryReadWeight() + replicaWeight)
                    < config.primaryReadWeight()) {
                return config.primary();
            }
        }
        return selector.choose(candidates, facts);
    }

    /** Physical connections running an autocommit read on each replica now: aborted when the monitor finds it dead. */
    private final java.util.concurrent.ConcurrentHashMap<NodeSpec, java.util.Set<Connection>> reading =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** An autocommit read (which may run again elsewhere) starts on the replica's connection. */
    public void readStarted(NodeSpec replica, Connection connection) {
        reading.computeIfAbsent(replica, node -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(connection);
    }

    public void readEnded(NodeSpec replica, Connection connection) {
        java.util.Set<Connection> connections = reading.get(replica);
        if (connections != null) {
            connections.remove(connection);
        }
    }

    /**
     * The monitor found the replica dead or hung: reads waiting on it are aborted (their connections closed), so that
     * they fail at once and run again on another node instead of waiting for the host.
     */
    private void abortReadsOn(NodeSpec replica) {
        java.util.Set<Connection> connections = reading.get(replica);
        if (connections == null) {
            return;
        }
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

    private final java.util.concurrent.ConcurrentHashMap<NodeSpec, java.util.concurrent.atomic.AtomicInteger> bound =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** A logical connection bound ({@code +1}) or released ({@code -1}) a replica for its reads. */
    public void bound(NodeSpec replica, int change) {
        bound.computeIfAbsent(replica, node -> new java.util.concurrent.atomic.AtomicInteger()).addAndGet(change);
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
        if (config.balance() == Config.Balance.WEIGHTED || config.balance() == Config.Balance.LOWEST_LAG
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
            if (!replica.equals(current) && other < lightestLoad && health.isAvailable(replica, now)
                    && positions.tooFarBehind(replica) == null) {
                lightest = replica;
                lightestLoad = other;
            }
        }
        return lightest;
    }

    /** Logical connections of this JVM bound to the replica now. */
    public int boundConnections(NodeSpec replica) {
        java.util.concurrent.atomic.AtomicInteger count = bound.get(replica);
        return count == null ? 0 : count.get();
    }

    private final ReplicaSelector.Facts facts = new ReplicaSelector.Facts() {
        @Override
        public int weight(NodeSpec node) {
            return node.isPrimary() ? config.primaryReadWeight() : config.replicaWeight(config.replicas().indexOf(node));
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

    private final java.util.Set<NodeSpec> promotedReplicas = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean configuredPrimaryAnswers = true;
    private volatile boolean configuredPrimaryIsPrimary = true;
    private volatile NodeSpec actingPrimary;
    private volatile String splitBrain;

    /**
     * The node writes go to: the configured primary; or, when it does not answer (or answers as a standby) and
     * exactly one replica answers as a primary, that promoted replica. Two nodes that both claim to be the primary
     * refuse writes rather than guess.
     */
    public NodeSpec currentPrimary() throws SQLException {
        String refusal = splitBrain;
        if (refusal != null) {
            throw Errors.splitBrain(refusal);
        }
        NodeSpec acting = actingPrimary;
        return acting != null ? acting : config.primary();
    }

    private synchronized void decidePrimary() {
        boolean configuredIsPrimary = configuredPrimaryAnswers && configuredPrimaryIsPrimary;
        if (configuredIsPrimary && promotedReplicas.isEmpty()) {
            setPrimary(null, null);
        } else if (configuredIsPrimary || promotedReplicas.size() > 1) {
            java.util.List<String> claims = new java.util.ArrayList<>();
            if (configuredIsPrimary) {
                claims.add(config.primary().toString());
            }
            for (NodeSpec replica : promotedReplicas) {
                claims.add(replica.toString());
            }
            setPrimary(null, "several nodes claim to be the primary: " + String.join(", ", claims));
        } else if (promotedReplicas.size() == 1) {
            setPrimary(promotedReplicas.iterator().next().promoted(), null);
        } else {
            setPrimary(null, null);
        }
    }

    private void setPrimary(NodeSpec acting, String refusal) {
        if (!java.util.Objects.equals(refusal, splitBrain)) {
            LOG.log(refusal == null ? Level.INFO : Level.SEVERE,
                    refusal == null ? "Writes accepted again: one primary" : "Writes refused: " + refusal);
        }
        NodeSpec before = actingPrimary;
        if (!java.util.Objects.equals(acting, before)) {
            LOG.log(Level.WARNING, acting == null ? "Writes go to the configured primary " + config.primary() + " again"
                    : "Failover: " + config.primary() + " does not answer as the primary; writes go to " + acting);
        }
        actingPrimary = acting;
        splitBrain = refusal;
    }

    /**
     * A hung replica host accepts TCP connections but never answers the login: without a bound, the read waits
     * forever. PostgreSQL's driver takes the bound as connectTimeout and loginTimeout, unless the user set them.
     */
    static Properties replicaProperties(NodeSpec replica, Config config) {
        Properties properties = config.nodeProperties();
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
            // A wrong password or an unknown database says nothing about the node's health: only a failure to reach it does.
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
