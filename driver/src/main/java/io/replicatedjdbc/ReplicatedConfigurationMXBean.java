package io.replicatedjdbc;

import java.util.Map;

/**
 * What the driver does for one configuration (one URL's nodes and options) in this JVM, as a JMX MBean named
 * {@code io.replicatedjdbc:type=Configuration,id=N,url="..."} (visible in JConsole and VisualVM) and through
 * {@link ReplicatedConnection#configurationStatistics()}. Registered while the configuration has open connections.
 */
public interface ReplicatedConfigurationMXBean {

    /**
     * The configuration's name: the {@code name} option, or else its URL without secrets. The MBean is registered as
     * {@code io.replicatedjdbc:type=Configuration,name=<this, quoted>}, the same in every run.
     */
    String getName();

    /** The {@code jdbc:replicated:} URL, without secrets. */
    String getUrl();

    /**
     * Each node's state by its name ({@code primary}, {@code replica1}, ...): for the primary {@code up}, or
     * {@code refused} while writes are refused (two nodes claim to be the primary); for a replica {@code up},
     * {@code down} (it failed and is skipped) or {@code lagging} (too far behind, or not on the primary's timeline).
     */
    Map<String, String> getNodeStates();

    /** Each replica's distance behind the primary's last known WAL position, in bytes; -1 when unknown. */
    Map<String, Long> getReplicaLagBytes();

    /**
     * With {@code connectionMode=pooled}, one line per node pool, by node name ({@code primary}, {@code replica1}):
     * the node's address, its size, connections in use and idle,
     * statements waiting, connections opened and closed so far, the wait for a connection (median, 99th percentile,
     * maximum of the last 1,024 borrows) and the logical connections pinned to one of its connections. Empty when
     * dedicated.
     */
    Map<String, String> getPools();

    /** Pooled: each node pool's connections in use now, by node. */
    Map<String, Integer> getPoolActiveConnections();

    /** Pooled: each node pool's idle connections now, by node. */
    Map<String, Integer> getPoolIdleConnections();

    /** Pooled: statements waiting for a connection of each node now, by node. */
    Map<String, Integer> getPoolWaiting();

    /**
     * One line per node: its name and address, role, state ({@code up}, {@code down} after a failure,
     * {@code lagging} beyond {@code maxReplicaLag}), last known replay position, connections bound to it and
     * statements routed to it.
     */
    String[] getNodes();

    /** Statements routed to each node, by node name. */
    Map<String, Long> getStatementsByNode();

    /** Reads served by a replica. */
    long getReadsOnReplicas();

    /**
     * Reads served by the primary, by cause: CLASSIFICATION, HINT, TRANSACTION, PIN, READ_YOUR_WRITES, NO_REPLICAS,
     * SERIALIZABLE, FALLBACK (a replica failed, was unreachable or too far behind).
     */
    Map<String, Long> getReadsOnPrimaryByCause();

    /** Statements run again on another node after a replica failed. */
    long getRetries();

    /** Read-your-writes counters: see {@link ReadYourWritesCounters}. */
    String getReadYourWrites();
}
