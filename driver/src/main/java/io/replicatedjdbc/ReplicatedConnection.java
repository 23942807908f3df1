package io.replicatedjdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connection returned by {@link ReplicatedDriver}: one logical connection over the primary and one
 * replica, each opened on first use. Reach it from any connection a pool hands out with
 * {@code connection.unwrap(ReplicatedConnection.class)}.
 *
 * <p>Routing, in short: reads run on a replica; writes, anything not provably a read and every statement
 * of a read-write transaction run on the primary; a transaction never moves between nodes; after a
 * write, reads return to the primary as the {@code readYourWrites} option says.
 */
public interface ReplicatedConnection extends Connection {

    /**
     * Where the last statement of this connection ran and why, or null when none has run yet.
     */
    RoutingDecision lastRouting();

    /**
     * Sends every later statement of this connection to the primary, until it is closed or the request ends
     * ({@link #endRequest()}, which pools that support JDBC 4.3 call at the end of a checkout): what
     * {@code acquireForWrite} gave users of a read/write pool. Takes effect at once, also for the statements of
     * an open read-only transaction once it ends.
     *
     * @throws SQLException with SQLState 08003 when the connection is closed
     */
    void pinToPrimary() throws SQLException;

    /**
     * Whether every later statement of this connection goes to the primary until it closes: after
     * {@link #pinToPrimary()}, or once the connection made something only the primary's session has (a
     * temporary table, {@code LISTEN}, a {@code PREPARE}d statement, a held cursor, a session advisory lock).
     */
    boolean isPinnedToPrimary();

    /**
     * Where the statement would go if it ran now on this connection, and why, without running it or
     * opening any connection. The node is named as it would be chosen now.
     *
     * @throws SQLException with SQLState 08003 when the connection is closed
     */
    RoutingDecision explain(String sql) throws SQLException;

    /**
     * An opaque token naming the WAL position that this connection's reads must see (its own writes, and tokens it was
     * given), or null when there is none. Hand it to another connection, in this process or another one (a cookie, a
     * header, a message), with {@link #readYourWrites(String)}: that connection's reads then run only on a replica
     * that has replayed it, or on the primary. May ask the primary for its position (one small query) when this
     * connection's writes have not been positioned yet.
     *
     * @throws SQLException 0A000 unless {@code readYourWrites=lsn} on PostgreSQL; 08003 when closed
     */
    String readYourWritesToken() throws SQLException;

    /**
     * From now on, this connection's reads see at least the writes the token names (see
     * {@link #readYourWritesToken()}). Positions only grow: an older token changes nothing.
     *
     * @throws SQLException 22023 for a string that is not such a token; 0A000 unless {@code readYourWrites=lsn} on
     *                      PostgreSQL; 08003 when closed
     */
    void readYourWrites(String token) throws SQLException;

    /**
     * What the driver does for this connection's configuration (its nodes and options) in this JVM: nodes, states,
     * statements routed, reads on replicas and on the primary by cause. The same object is the configuration's JMX
     * MBean while it has open connections.
     */
    ReplicatedConfigurationMXBean configurationStatistics();

    /** What read-your-writes did for every connection of this configuration in this JVM so far. */
    ReadYourWritesCounters readYourWritesCounters();
}
