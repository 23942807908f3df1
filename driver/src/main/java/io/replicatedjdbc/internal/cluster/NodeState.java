package io.replicatedjdbc.internal.cluster;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a node says of itself, asked in one round trip by the monitor and by the status probe alike: whether it is
 * in recovery, its replay position (a standby) or write position (a primary), and the timeline it receives or writes.
 */
final class NodeState {

    /**
     * What a node says of itself in one round trip: whether it is in recovery; its replay position (a standby) or its
     * write position (a primary); the timeline it receives (a standby, when its WAL receiver runs and the role may
     * see it, else the timeline of its last restartpoint, a lower bound) or writes (a primary, from the name of its
     * current WAL file).
     */
    static final String QUERY = "SELECT s.r,"
            + " CASE WHEN s.r THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_lsn() END,"
            + " CASE WHEN s.r THEN (SELECT w.received_tli FROM pg_catalog.pg_stat_wal_receiver w LIMIT 1) END,"
            + " CASE WHEN NOT s.r THEN pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()) END"
            + " FROM (SELECT pg_catalog.pg_is_in_recovery() AS r) s";
    /** A standby's restartpoint timeline, where the role may read the control file (not granted to everyone). */
    private static final String CHECKPOINT_TIMELINE = "SELECT timeline_id FROM pg_catalog.pg_control_checkpoint()";

    final boolean inRecovery;
    final long position;
    /** 0 when not known. */
    final int timeline;

    private NodeState(boolean inRecovery, long position, int timeline) {
        this.inRecovery = inRecovery;
        this.position = position;
        this.timeline = timeline;
    }

    /** The answer to {@link #QUERY}. */
    static NodeState read(ResultSet rs) throws SQLException {
        rs.next();
        boolean inRecovery = rs.getBoolean(1);
        return new NodeState(
                inRecovery,
                WalPosition.parse(rs.getString(2)),
                inRecovery ? rs.getInt(3) : timelineOfWalFile(rs.getString(4)));
    }

    /** Asks the node once, taking the restartpoint's timeline when a standby shows none otherwise. */
    static NodeState ask(Connection connection) throws SQLException {
        NodeState state;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(QUERY)) {
            state = read(rs);
        }
        return state.lacksTimeline() ? state.withCheckpointTimeline(connection) : state;
    }

    /** A standby whose WAL receiver does not run (its upstream is gone), or whose receiver the role may not see. */
    boolean lacksTimeline() {
        return inRecovery && timeline <= 0;
    }

    /** This state with the standby's last restartpoint's timeline, a lower bound of the one it replays. */
    NodeState withCheckpointTimeline(Connection connection) {
        return new NodeState(inRecovery, position, checkpointTimeline(connection));
    }

    /** The timeline in a WAL file's name (its first eight hexadecimal digits); 0 when there is none. */
    static int timelineOfWalFile(String name) {
        if (name == null || name.length() < 8) {
            return 0;
        }
        try {
            return (int) Long.parseLong(name.substring(0, 8), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The standby's last restartpoint's timeline, or 0 where the role may not read it. */
    private static int checkpointTimeline(Connection connection) {
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
        } catch (SQLException e) {
            return 0;
        }
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(CHECKPOINT_TIMELINE)) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            if (!autoCommit) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the next poll finds out
                }
            }
            return 0;
        }
    }
}
