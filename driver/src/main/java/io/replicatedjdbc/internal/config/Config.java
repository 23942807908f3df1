package io.replicatedjdbc.internal.config;

import io.replicatedjdbc.internal.classify.Dialect;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * One parsed configuration: the nodes, the options, and the properties handed to every node's driver.
 * Immutable. Two connections with equal {@link #clusterKey()} share one cluster state (health,
 * balancing, classification cache).
 */
public final class Config {

    /** How a logical connection picks its replica. */
    public enum Balance {
        ROUND_ROBIN,
        RANDOM,
        LEAST_CONNECTIONS,
        WEIGHTED,
        LOWEST_LAG
    }

    /** The read-your-writes rule. */
    public enum ReadYourWrites {
        LSN,
        WINDOW,
        CONNECTION,
        OFF
    }

    /** Whose writes a read must see, in {@code lsn} mode. */
    public enum Scope {
        CONNECTION,
        GLOBAL,
        CLUSTER
    }

    private final String displayUrl;
    private final Redaction redaction;
    private final Dialect dialect;
    private final NodeSpec primary;
    private final List<NodeSpec> replicas;
    private final Properties nodeProperties;
    private final Balance balance;
    private final ReadYourWrites readYourWrites;
    private final long readYourWritesWindowMillis;
    private final Scope readYourWritesScope;
    private final long readYourWritesWaitMillis;
    private final boolean readYourWritesTables;
    private final long replicaPollIntervalMillis;
    private final long maxReplicaLagMillis;
    private final long maxReplicaLagBytes;
    private final int primaryReadWeight;
    private final long failoverTimeoutMillis;
    private final long replicaSocketTimeoutMillis;
    private final List<Integer> replicaWeights;
    private final long replicaRetryIntervalMillis;
    private final long replicaConnectTimeoutMillis;
    private final boolean logRouting;
    private final Set<String> writeFunctions;
    private final Set<String> readFunctions;
    private final String clusterKey;
    private final boolean hasWalPositions;
    private final String name;
    private final PoolSettings pool;

    Config(
            String displayUrl,
            Redaction redaction,
            Dialect dialect,
            NodeSpec primary,
            List<NodeSpec> replicas,
            Properties nodeProperties,
            Balance balance,
            ReadYourWrites readYourWrites,
            long readYourWritesWindowMillis,
            Scope readYourWritesScope,
            long readYourWritesWaitMillis,
            boolean readYourWritesTables,
            long replicaPollIntervalMillis,
            long maxReplicaLagMillis,
            long maxReplicaLagBytes,
            int primaryReadWeight,
            List<Integer> replicaWeights,
            long failoverTimeoutMillis,
            long replicaSocketTimeoutMillis,
            long replicaRetryIntervalMillis,
            long replicaConnectTimeoutMillis,
            boolean logRouting,
            Set<String> writeFunctions,
            Set<String> readFunctions,
            String name,
            PoolSettings pool) {
        this.name = name;
        this.pool = pool;
        this.displayUrl = displayUrl;
        this.redaction = redaction;
        this.dialect = dialect;
        this.primary = primary;
        this.replicas = Collections.unmodifiableList(new ArrayList<>(replicas));
        this.nodeProperties = nodeProperties;
        this.balance = balance;
        this.readYourWrites = readYourWrites;
        this.readYourWritesWindowMillis = readYourWritesWindowMillis;
        this.readYourWritesScope = readYourWritesScope;
        this.readYourWritesWaitMillis = readYourWritesWaitMillis;
        this.readYourWritesTables = readYourWritesTables;
        this.replicaPollIntervalMillis = replicaPollIntervalMillis;
        this.maxReplicaLagMillis = maxReplicaLagMillis;
        this.maxReplicaLagBytes = maxReplicaLagBytes;
        this.primaryReadWeight = primaryReadWeight;
        this.failoverTimeoutMillis = failoverTimeoutMillis;
        this.replicaSocketTimeoutMillis = replicaSocketTimeoutMillis;
        this.replicaWeights = Collections.unmodifiableList(new ArrayList<>(replicaWeights));
        this.replicaRetryIntervalMillis = replicaRetryIntervalMillis;
        this.replicaConnectTimeoutMillis = replicaConnectTimeoutMillis;
        this.logRouting = logRouting;
        this.writeFunctions = Collections.unmodifiableSet(new TreeSet<>(writeFunctions));
        this.readFunctions = Collections.unmodifiableSet(new TreeSet<>(readFunctions));
        StringBuilder key = new StringBuilder(primary.jdbcUrl());
        for (NodeSpec replica : replicas) {
            key.append('\n').append(replica.jdbcUrl());
        }
        key.append('\n')
                .append(balance)
                .append(' ')
                .append(replicaRetryIntervalMillis)
                .append(' ')
                .append(replicaPollIntervalMillis)
                .append(' ')
                .append(maxReplicaLagMillis)
                .append(' ')
                .append(maxReplicaLagBytes)
                .append(' ')
                .append(primaryReadWeight)
                .append(' ')
                .append(replicaWeights)
                .append(' ')
                .append(replicaSocketTimeoutMillis)
                .append("\nwrite ")
                .append(this.writeFunctions)
                .append("\nread ")
                .append(this.readFunctions)
                .append("\nname ")
                .append(name)
                .append("\npool ")
                .append(pool)
                .append("\ntables ")
                .append(readYourWritesTables);
        this.clusterKey = key.toString();
        this.hasWalPositions =
                dialect == Dialect.POSTGRESQL && primary.jdbcUrl().startsWith("jdbc:postgresql:");
    }

    /** The {@code jdbc:replicated:} URL without secrets. */
    /** The name operators see this configuration by: the {@code name} option, else the URL without secrets. */
    public String name() {
        return name != null && !name.isBlank() ? name : displayUrl;
    }

    /** Masks this configuration's secrets (in every encoding) in text that may carry them, such as a driver's error. */
    public String redact(String text) {
        return redaction.apply(text);
    }

    public String displayUrl() {
        return displayUrl;
    }

    public Dialect dialect() {
        return dialect;
    }

    public NodeSpec primary() {
        return primary;
    }

    public List<NodeSpec> replicas() {
        return replicas;
    }

    /** A fresh copy of the properties every node's driver receives (user, password, driver options). */
    /**
     * The names of the options that are not this driver's, from the connection properties and the primary's query
     * string: what the nodes' driver gets.
     */
    public Set<String> foreignOptionNames() {
        Set<String> names = new TreeSet<>(nodeProperties.stringPropertyNames());
        String url = primary.jdbcUrl();
        int question = url.indexOf('?');
        if (question >= 0) {
            for (String pair : url.substring(question + 1).split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    public Properties nodeProperties() {
        Properties copy = new Properties();
        copy.putAll(nodeProperties);
        return copy;
    }

    public Balance balance() {
        return balance;
    }

    public ReadYourWrites readYourWrites() {
        return readYourWrites;
    }

    public long readYourWritesWindowMillis() {
        return readYourWritesWindowMillis;
    }

    /** The read-your-writes rule in effect: {@code lsn} needs WAL positions, which only PostgreSQL has. */
    public ReadYourWrites effectiveReadYourWrites() {
        return readYourWrites == ReadYourWrites.LSN && !hasWalPositions() ? ReadYourWrites.WINDOW : readYourWrites;
    }

    /** Whether the nodes are PostgreSQL servers reached with PgJDBC, which can be asked for their WAL positions. */
    public boolean hasWalPositions() {
        return hasWalPositions;
    }

    public Scope readYourWritesScope() {
        return readYourWritesScope;
    }

    /**
     * Whether reads wait only for the writes that changed the tables they read ({@code readYourWritesTables}); only with
     * positions on PostgreSQL.
     */
    public boolean readYourWritesTables() {
        return readYourWritesTables && dialect == Dialect.POSTGRESQL && effectiveReadYourWrites() == ReadYourWrites.LSN;
    }

    public long readYourWritesWaitMillis() {
        return readYourWritesWaitMillis;
    }

    /** How far behind, in time, a replica may be and take reads; 0 for no limit. */
    public long maxReplicaLagMillis() {
        return maxReplicaLagMillis;
    }

    /** How far behind, in WAL bytes, a replica may be and take reads; 0 for no limit. */
    public long maxReplicaLagBytes() {
        return maxReplicaLagBytes;
    }

    /** How long a write waits for a new primary when the primary cannot be reached ({@code failoverTimeout}). */
    public long failoverTimeoutMillis() {
        return failoverTimeoutMillis;
    }

    /** The socket bound of replica connections ({@code replicaSocketTimeout}); 0 for none. */
    public long replicaSocketTimeoutMillis() {
        return replicaSocketTimeoutMillis;
    }

    /** Whether a socket timeout on a replica is the driver's own bound rather than one the application set. */
    public boolean replicaSocketTimeoutIsOurs() {
        return replicaSocketTimeoutMillis > 0
                && !nodeProperties.containsKey("socketTimeout")
                && !primary.jdbcUrl().contains("socketTimeout=");
    }

    /** The primary's weight among read nodes ({@code primaryReadWeight}); 0 keeps reads off it. */
    public int primaryReadWeight() {
        return primaryReadWeight;
    }

    /** The weight of replica number {@code index} (0-based), 1 unless {@code replicaWeights} says otherwise. */
    public int replicaWeight(int index) {
        return index < replicaWeights.size() ? replicaWeights.get(index) : 1;
    }

    public long replicaPollIntervalMillis() {
        return replicaPollIntervalMillis;
    }

    public long replicaRetryIntervalMillis() {
        return replicaRetryIntervalMillis;
    }

    /** How long a replica may take to accept a new connection ({@code replicaConnectTimeout}). */
    public long replicaConnectTimeoutMillis() {
        return replicaConnectTimeoutMillis;
    }

    public boolean logRouting() {
        return logRouting;
    }

    /** Functions that send a statement to the primary, besides the built-in list ({@code writeFunctions}). */
    public Set<String> writeFunctions() {
        return writeFunctions;
    }

    /** Functions that never send a statement to the primary ({@code readFunctions}). */
    public Set<String> readFunctions() {
        return readFunctions;
    }

    /** How physical connections are held: pooled per node (and the pools' sizes and timeouts), or dedicated. */
    public PoolSettings pool() {
        return pool;
    }

    /** Identifies the cluster: equal for configurations that must share health and balancing state. */
    public String clusterKey() {
        return clusterKey;
    }

    @Override
    public String toString() {
        return Objects.toString(displayUrl);
    }
}
