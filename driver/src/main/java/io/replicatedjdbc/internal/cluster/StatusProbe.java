package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Asks every node of a configuration, once, what an operator needs to know: whether it answers, its role, how far
 * it has written or replayed the WAL, and what the driver would do with it. For the {@code status} command and
 * readiness probes.
 */
public final class StatusProbe {

    /** One node's answer. */
    public static final class NodeStatus {
        public final NodeSpec node;
        public final boolean reachable;
        public final String role;
        public final long position;
        public final String verdict;

        NodeStatus(NodeSpec node, boolean reachable, String role, long position, String verdict) {
            this.node = node;
            this.reachable = reachable;
            this.role = role;
            this.position = position;
            this.verdict = verdict;
        }
    }

    private StatusProbe() {
    }

    /** Probes every node; a node that cannot be reached within the connect timeout is reported so. */
    public static List<NodeStatus> probe(Config config) {
        NodeConnector connector = new NodeConnector();
        List<NodeStatus> statuses = new ArrayList<>();
        List<NodeSpec> nodes = new ArrayList<>();
        nodes.add(config.primary());
        nodes.addAll(config.replicas());
        long primaryPosition = WalPosition.NONE;
        for (NodeSpec node : nodes) {
            Properties properties = Cluster.replicaProperties(node, config);
            try (Connection connection = connector.open(node, properties);
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_is_in_recovery(), CASE WHEN"
                         + " pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn()"
                         + " ELSE pg_catalog.pg_current_wal_lsn() END")) {
                rs.next();
                boolean standby = rs.getBoolean(1);
                long position = WalPosition.parse(rs.getString(2));
                String verdict;
                if (node.isPrimary()) {
                    primaryPosition = standby ? WalPosition.NONE : position;
                    verdict = standby ? "IN RECOVERY: writes would fail (a standby is configured as the primary)"
                            : "takes writes";
                } else if (!standby) {
                    verdict = "NOT IN RECOVERY: a primary (promoted?) listed as a replica; takes no reads";
                } else {
                    long behind = primaryPosition == WalPosition.NONE || WalPosition.covers(position, primaryPosition)
                            ? 0 : primaryPosition - position;
                    boolean tooFar = config.maxReplicaLagBytes() > 0 && behind > config.maxReplicaLagBytes();
                    verdict = (tooFar ? "too far behind, takes no reads" : "takes reads") + "; " + behind
                            + " bytes of WAL behind the primary";
                }
                statuses.add(new NodeStatus(node, true, standby ? "standby" : "primary", position, verdict));
            } catch (SQLException | RuntimeException e) {
                statuses.add(new NodeStatus(node, false, "-", WalPosition.NONE,
                        "UNREACHABLE: " + config.redact(e.getMessage())
                                + (node.isPrimary() ? "; writes fail, reads go to replicas" : "; takes no reads")));
            }
        }
        return statuses;
    }
}
