package io.replicatedjdbc;

import java.sql.DriverPropertyInfo;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * Every option of the driver, with its default, its meaning and its allowed values.
 *
 * <p>Options are read from the URL's query string and from the {@link Properties} given to
 * {@code connect}; when both set an option, the URL wins. Any option not named here is not
 * ours: it is passed unchanged to the driver of every node.
 *
 * <p>{@link java.sql.Driver#getPropertyInfo} and the README's option table are both generated
 * from (or checked against) this enum, so the documentation cannot drift from the code.
 */
public enum ReplicatedProperty {

    /** Whether logical connections share per-node pools of physical connections or hold their own. */
    CONNECTION_MODE(
            "connectionMode",
            "pooled",
            "pooled: the logical connections of one configuration share one pool of physical connections per node "
                    + "(primaryPoolSize, replicaPoolSize), and each statement borrows one from the node it runs on; a "
                    + "transaction keeps its one until it ends, an open result set until it is closed, and session "
                    + "objects (temporary tables, session locks, LISTEN, PREPARE, holdable cursors) keep the primary's "
                    + "until the logical connection closes. dedicated: each logical connection holds its own primary "
                    + "and replica connections for life, as before pools.",
            "pooled",
            "dedicated"),

    /** How long a write waits for a new primary when the primary cannot be reached. */
    FAILOVER_TIMEOUT(
            "failoverTimeout",
            "0",
            "How long a write (or connect) waits, when the primary cannot be reached, for the monitor to find a "
                    + "promoted replica to send it to instead (PostgreSQL); 0 fails at once with 08001. A duration: 500ms, "
                    + "5s, 1m, or plain milliseconds."),

    /** How a logical connection picks its replica. */
    LOAD_BALANCE(
            "loadBalance",
            "roundRobin",
            "How a connection picks its replica when it binds one: roundRobin takes the healthy replicas in turn, "
                    + "random picks one at random, leastConnections the one with the fewest connections bound in this "
                    + "JVM, weighted picks at random in proportion to replicaWeights, lowestLag the one that has "
                    + "replayed the most WAL (PostgreSQL).",
            "roundRobin",
            "random",
            "leastConnections",
            "weighted",
            "lowestLag"),

    /** Logs the route and reason of every statement. */
    LOG_ROUTING(
            "logRouting",
            "false",
            "Log every statement at INFO on the java.util.logging logger io.replicatedjdbc.routing (when false "
                    + "at FINE), one line each: the logical connection's id, the route, the node (with its server "
                    + "process id on PostgreSQL, as log_line_prefix %p shows it), the reason, and the statement's shape "
                    + "(literals and lists masked, as the classification cache keys it).",
            "true",
            "false"),

    /** How far behind a replica may be and still take reads. */
    MAX_REPLICA_LAG(
            "maxReplicaLag",
            "30s",
            "A replica that has not replayed WAL the primary wrote this long ago takes no reads until it catches up "
                    + "(PostgreSQL; measured against the primary's WAL positions, so an idle primary shows no lag); 0 "
                    + "sets no limit. A duration: 500ms, 5s, 1m, or plain milliseconds."),

    /** How many bytes of WAL a replica may be behind and still take reads. */
    MAX_REPLICA_LAG_BYTES(
            "maxReplicaLagBytes",
            "0",
            "A replica more than this many bytes of WAL behind the primary takes no reads until it catches up "
                    + "(PostgreSQL); 0 sets no limit. A number of bytes, or with kB, MB or GB."),

    /** The configuration's name in JMX and logs. */
    NAME(
            "name",
            null,
            "A name for this configuration where operators see it: the MBean io.replicatedjdbc:type=Configuration,"
                    + "name=... and the statistics. Unset: the URL, without its password. The same name for the same "
                    + "URL in every run, so that dashboards keep their keys."),

    /** How long an idle pooled connection is kept. */
    POOL_IDLE_TIMEOUT(
            "poolIdleTimeout",
            "10m",
            "With connectionMode=pooled: a physical connection idle this long is closed; 0 keeps idle connections. A "
                    + "duration: 500ms, 5s, 1m, or plain milliseconds."),

    /** A physical connection held this long is logged once, with where it was taken. */
    POOL_LEAK_THRESHOLD(
            "poolLeakThreshold",
            "0",
            "With connectionMode=pooled: a physical connection that one logical connection holds for longer than this "
                    + "(an open transaction or result set left behind) is logged once at WARNING on io.replicatedjdbc.pool, "
                    + "with the stack of the call that took it; 0 turns this off. A duration: 500ms, 5s, 1m, or plain "
                    + "milliseconds."),

    /** How long a pooled connection lives at most. */
    POOL_MAX_LIFETIME(
            "poolMaxLifetime",
            "30m",
            "With connectionMode=pooled: a physical connection is closed when it is next idle after this long, less a "
                    + "random part of up to 2.5% so that a pool does not renew every connection at once; 0 sets no "
                    + "limit. A duration: 500ms, 5s, 1m, or plain milliseconds."),

    /** How long a statement waits for a free pooled connection. */
    POOL_TIMEOUT(
            "poolTimeout",
            "30s",
            "With connectionMode=pooled: how long a statement (or connect) waits for a free physical connection of the "
                    + "node it runs on before it fails with a SQLTransientConnectionException naming the node and its pool "
                    + "size. A duration: 500ms, 5s, 1m, or plain milliseconds."),

    /** Idle connections older than this are checked before use. */
    POOL_VALIDATE_IDLE(
            "poolValidateIdle",
            "30s",
            "With connectionMode=pooled: a physical connection idle for longer than this is checked with isValid (one "
                    + "round trip) before a statement uses it, and replaced if it is broken. Each statement borrows a "
                    + "connection, so a short value costs a quiet application a round trip per statement; 30s is "
                    + "PgBouncer's server_check_delay. A connection its driver knows to be closed is never lent. A "
                    + "duration: 500ms, 5s, 1m, or plain milliseconds."),

    /** The primary's pool size. */
    PRIMARY_POOL_SIZE(
            "primaryPoolSize",
            "10",
            "With connectionMode=pooled: how many physical connections the primary's pool holds at most, shared by "
                    + "every logical connection of the configuration in this JVM. A whole number from 1 to 1000."),

    /** The primary's share of reads. */
    PRIMARY_READ_WEIGHT(
            "primaryReadWeight",
            "0",
            "The primary's weight among the read nodes when a connection binds one: 0 keeps reads off the primary; with "
                    + "1 and two replicas of weight 1, a third of connections read from the primary. A whole number."),

    /** Functions that never send a statement to the primary. */
    READ_FUNCTIONS(
            "readFunctions",
            null,
            "Comma-separated function names that do not write, so a SELECT calling them may run on a replica even "
                    + "where the built-in list or the PostgreSQL volatility check says otherwise. Unquoted names "
                    + "ignore case; write \"Name\" for a quoted one."),

    /** The read-your-writes rule. */
    READ_YOUR_WRITES(
            "readYourWrites",
            "lsn",
            "After a write, where reads go: lsn sends a read to a replica only once that replica has replayed the "
                    + "WAL position of the writes it must see (PostgreSQL; on SQLite, which has no position, lsn works "
                    + "as window), window keeps them on the primary for readYourWritesWindow after the last write, "
                    + "connection keeps them there until the connection closes, off sends them to replicas at once.",
            "lsn",
            "window",
            "connection",
            "off"),

    /** Whose writes a read must see. */
    READ_YOUR_WRITES_SCOPE(
            "readYourWritesScope",
            "connection",
            "Whose writes a read must see when readYourWrites=lsn: connection, the writes of its own logical "
                    + "connection; global, every write that any connection of the same configuration in this JVM "
                    + "committed before the read began (what a web application behind a pool needs); cluster, every "
                    + "write committed on the primary before the read began, by any process (linearizable reads).",
            "connection",
            "global",
            "cluster"),

    /** Whether a read waits only for the writes that changed the tables it reads. */
    READ_YOUR_WRITES_TABLES(
            "readYourWritesTables",
            "false",
            "With readYourWrites=lsn on PostgreSQL: true makes a read wait only for the writes that changed the tables "
                    + "it reads, in connection and global scope (JSqlParser finds the tables; the primary's catalog must "
                    + "show that nothing behind them, such as a view, trigger, rule, cascading foreign key, inheritance "
                    + "or a function of the user's, reaches further; anything not proven counts as every table). false "
                    + "waits for every write.",
            "false",
            "true"),

    /** How long a read may wait for a replica to catch up. */
    READ_YOUR_WRITES_WAIT(
            "readYourWritesWait",
            "0",
            "How long a read may wait for a replica to replay the writes it must see before it goes to the "
                    + "primary, when readYourWrites=lsn; 0 does not wait. A duration: 500ms, 5s, 1m, or plain "
                    + "milliseconds."),

    /** How long reads stay on the primary after a write, in {@code window} mode. */
    READ_YOUR_WRITES_WINDOW(
            "readYourWritesWindow",
            "5s",
            "How long this connection's reads stay on the primary after its last write, when "
                    + "readYourWrites=window. A duration: 500ms, 5s, 1m, or plain milliseconds."),

    /** How long a replica may take to accept a new connection. */
    REPLICA_CONNECT_TIMEOUT(
            "replicaConnectTimeout",
            "1s",
            "How long a replica may take to accept a new connection before the read moves on to another replica "
                    + "or the primary, so that a hung replica host cannot stall reads. Applied to PostgreSQL replicas as "
                    + "connectTimeout and loginTimeout (whole seconds, rounded up) unless those are set; 0 leaves the "
                    + "driver's own timeouts. A duration: 500ms, 5s, 1m, or plain milliseconds."),

    /** How often the shared monitor asks each replica how far it has replayed. */
    REPLICA_POLL_INTERVAL(
            "replicaPollInterval",
            "10ms",
            "How often one shared monitor per configuration asks each replica how far it has replayed the WAL "
                    + "(pg_last_wal_replay_lsn), for readYourWrites=lsn. A read that finds the last answer too old "
                    + "asks its replica directly. A duration: 500ms, 5s, 1m, or plain milliseconds."),

    /** Each replica pool's size. */
    REPLICA_POOL_SIZE(
            "replicaPoolSize",
            null,
            "With connectionMode=pooled: how many physical connections each replica's pool holds at most; one number "
                    + "for all, or comma-separated, one per replica in the order they are listed (for example 20,5 where "
                    + "weights differ). Unset: twice primaryPoolSize."),

    /** How long a failed replica is skipped. */
    REPLICA_RETRY_INTERVAL(
            "replicaRetryInterval",
            "30s",
            "How long a replica that could not be reached is skipped by every connection of the same "
                    + "configuration before it is tried again. A duration: 500ms, 5s, 1m, or plain milliseconds."),

    /** The replicas, for URLs that do not list them as hosts. */
    REPLICAS(
            "replicas",
            null,
            "Comma-separated replicas. Each item replaces the primary's target: a host[:port] for "
                    + "URLs with //host, a file path for SQLite. An item that starts with jdbc: is a whole "
                    + "JDBC URL. Added to the replicas listed as hosts."),

    /** A socket bound for replica connections only. */
    REPLICA_SOCKET_TIMEOUT(
            "replicaSocketTimeout",
            "0",
            "A bound on how long a replica connection waits for an answer (PostgreSQL socketTimeout, whole seconds, "
                    + "rounded up), for replicas only: the primary keeps the application's. When it runs out during an "
                    + "autocommit read, the replica is taken for hung and the read runs on another node; a timeout "
                    + "the application set itself is reported as such. 0 sets none. A duration: 500ms, 5s, 1m, or plain "
                    + "milliseconds."),

    /** Relative weights of the replicas. */
    REPLICA_WEIGHTS(
            "replicaWeights",
            null,
            "Comma-separated whole-number weights of the replicas, in the order they are listed (for example 3,1): "
                    + "with loadBalance=weighted, and for primaryReadWeight, each replica takes reads in proportion to its "
                    + "weight. Unset: every replica weighs 1."),

    /** Functions that always send a statement to the primary. */
    WRITE_FUNCTIONS(
            "writeFunctions",
            null,
            "Comma-separated function names with side effects: a SELECT calling one runs on the primary, in "
                    + "addition to the built-in list (nextval, pg_advisory_lock, ...). Unquoted names ignore case; "
                    + "write \"Name\" for a quoted one.");

    private final String propertyName;
    private final String defaultValue;
    private final String description;
    private final List<String> choices;

    ReplicatedProperty(String propertyName, String defaultValue, String description, String... choices) {
        this.propertyName = propertyName;
        this.defaultValue = defaultValue;
        this.description = description;
        this.choices = Collections.unmodifiableList(Arrays.asList(choices));
    }

    /** The option's name, as written in the URL or the Properties. */
    public String getName() {
        return propertyName;
    }

    /** The value used when the option is not set, or null when it has none. */
    public String getDefaultValue() {
        return defaultValue;
    }

    /** What the option does, in one or two sentences. */
    public String getDescription() {
        return description;
    }

    /** The allowed values, or an empty list when the option takes free text, a number or a duration. */
    public List<String> getChoices() {
        return choices;
    }

    /** The option's value in the given properties, or its default. */
    public String get(Properties properties) {
        return properties.getProperty(propertyName, defaultValue);
    }

    /** The option's entry for {@link java.sql.Driver#getPropertyInfo}, showing the value in effect. */
    public DriverPropertyInfo toDriverPropertyInfo(Properties properties) {
        DriverPropertyInfo info = new DriverPropertyInfo(propertyName, get(properties));
        info.description = description;
        info.required = false;
        if (!choices.isEmpty()) {
            info.choices = choices.toArray(new String[0]);
        }
        return info;
    }

    /** The option with this exact name, or null when the name is not one of ours. */
    public static ReplicatedProperty forName(String name) {
        for (ReplicatedProperty property : values()) {
            if (property.propertyName.equals(name)) {
                return property;
            }
        }
        return null;
    }
}
