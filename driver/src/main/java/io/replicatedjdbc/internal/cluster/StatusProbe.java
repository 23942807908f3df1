package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        /** Client backends of the configuration's user in its database on the node (the probe's own not counted); -1: unknown. */
        public int backends = -1;

        NodeStatus(NodeSpec node, boolean reachable, String role, long position, String verdict) {
            this.node = node;
            this.reachable = reachable;
            this.role = role;
            this.position = position;
            this.verdict = verdict;
        }
    }

    private StatusProbe() {}

    /** What one node said of itself, or why it could not be asked. */
    private static final class Answer {
        boolean standby;
        long position;
        int timeline;
        int backends = -1;
        String failure;
    }

    /** The node's client backends of this user and database, besides the probe's: what pools there hold. */
    private static final String BACKENDS = "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type ="
            + " 'client backend' AND usename = current_user AND datname = pg_catalog.current_database()"
            + " AND pid <> pg_catalog.pg_backend_pid()";

    /** The longest a probe watches replicas that are behind, to judge maxReplicaLag as the driver does. */
    static final long WATCH_MILLIS = 5_000;

    private static final long WATCH_STEP_MILLIS = 100;

    /**
     * Probes every node; a node that cannot be reached within the connect timeout is reported so. The primary is
     * the one the driver would elect ({@link PrimaryElection}: the node that answers as a primary on the newest
     * timeline), and each replica is judged against it: one on an older timeline does not follow it and takes no
     * reads; how far behind it is stays unknown while no primary answers. A replica behind the primary in bytes is
     * watched, with the primary, and judged by the driver's own rule ({@link ReplicaPositions#tooFarBehind}): until it
     * catches up, or has been behind for longer than {@code maxReplicaLag}, for at most {@link #WATCH_MILLIS}.
     */
    public static List<NodeStatus> probe(Config config) {
        NodeConnector connector = new NodeConnector();
        List<NodeSpec> nodes = new ArrayList<>();
        nodes.add(config.primary());
        nodes.addAll(config.replicas());
        Map<NodeSpec, Answer> answers = new LinkedHashMap<>();
        Map<NodeSpec, Connection> open = new HashMap<>();
        PrimaryElection election = new PrimaryElection(config.primary());
        try {
            for (NodeSpec node : nodes) {
                // The primary with the application's own timeouts, as the driver opens it; replicas with their bounds.
                Properties properties =
                        node.isPrimary() ? config.nodeProperties() : Cluster.replicaProperties(node, config);
                Answer answer = new Answer();
                try {
                    Connection connection = connector.open(node, properties);
                    open.put(node, connection);
                    ask(connection, answer);
                    election.answered(node, !answer.standby, answer.timeline);
                } catch (SQLException | RuntimeException e) {
                    answer.failure = config.redact(e.getMessage()) + timedOut(e, node, properties);
                    election.failed(node);
                }
                answers.put(node, answer);
            }
            PrimaryElection.Verdict verdict = election.decide();
            NodeSpec writes = verdict.refusal != null ? null : verdict.node != null ? verdict.node : config.primary();
            Answer primary = writes == null ? null : answers.get(writes);
            boolean primaryAnswers = primary != null && primary.failure == null && !primary.standby;
            Map<NodeSpec, String> lag = primaryAnswers ? watchLag(config, open, answers, writes) : Map.of();
            List<NodeStatus> statuses = verdicts(config, answers, verdict, writes, primaryAnswers, lag);
            for (NodeStatus status : statuses) {
                status.backends = answers.get(status.node).backends;
            }
            return statuses;
        } finally {
            for (Connection connection : open.values()) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // the probe is done with it
                }
            }
        }
    }

    /** Which bound ran out, when the node did not answer in time: the timeouts and where their values came from. */
    private static String timedOut(Throwable error, NodeSpec node, Properties properties) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message =
                    cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
            if (cause instanceof SocketTimeoutException || message.contains("timed out")) {
                return " (timed out: connectTimeout " + bound("connectTimeout", node, properties) + ", loginTimeout "
                        + bound("loginTimeout", node, properties) + ")";
            }
        }
        return "";
    }

    private static String bound(String name, NodeSpec node, Properties properties) {
        String value = properties.getProperty(name);
        if (node.jdbcUrl().contains(name + "=")) {
            return "as the URL sets it";
        }
        if (value == null) {
            return "the node driver's default";
        }
        return value + " s" + (node.isPrimary() ? "" : " (replicaConnectTimeout, unless the application set it)");
    }

    private static void ask(Connection connection, Answer answer) throws SQLException {
        NodeState state = NodeState.ask(connection);
        answer.standby = state.inRecovery;
        answer.position = state.position;
        answer.timeline = state.timeline;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(BACKENDS)) {
            if (rs.next()) {
                answer.backends = rs.getInt(1);
            }
        } catch (SQLException e) {
            // not shown: the role may not see others' sessions
        }
    }

    /**
     * For each replica behind the primary in bytes (on its timeline), what the driver's lag rule says after watching
     * both: "too far behind" with the driver's own reason, caught up, or still behind but for less than the limit.
     */
    private static Map<NodeSpec, String> watchLag(
            Config config, Map<NodeSpec, Connection> open, Map<NodeSpec, Answer> answers, NodeSpec writes) {
        Answer primary = answers.get(writes);
        List<NodeSpec> behind = new ArrayList<>();
        for (NodeSpec replica : config.replicas()) {
            Answer answer = answers.get(replica);
            if (answer.failure == null
                    && answer.standby
                    && answer.timeline >= primary.timeline
                    && !WalPosition.covers(answer.position, primary.position)) {
                behind.add(replica);
            }
        }
        if (behind.isEmpty() || config.maxReplicaLagMillis() <= 0) {
            return Map.of();
        }
        ReplicaPositions judge = new ReplicaPositions(config);
        long start = System.nanoTime();
        judge.primaryTimeline(primary.timeline);
        judge.primarySample(start, primary.position);
        for (NodeSpec replica : behind) {
            judge.observed(replica, answers.get(replica).position);
        }
        long until = start + Math.min(config.maxReplicaLagMillis() + 2 * WATCH_STEP_MILLIS, WATCH_MILLIS) * 1_000_000L;
        List<NodeSpec> watched = new ArrayList<>(behind);
        long previous = primary.position;
        try {
            while (!watched.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(WATCH_STEP_MILLIS);
                Answer now = new Answer();
                ask(open.get(writes), now);
                judge.primarySample(System.nanoTime(), now.position);
                for (Iterator<NodeSpec> it = watched.iterator(); it.hasNext(); ) {
                    NodeSpec replica = it.next();
                    Answer seen = new Answer();
                    ask(open.get(replica), seen);
                    judge.observed(replica, seen.position);
                    answers.get(replica).position = seen.position;
                    // Keeping up (less than a step behind, under steady writes), or judged too far behind: done.
                    if (WalPosition.covers(seen.position, previous) || judge.tooFarBehind(replica) != null) {
                        it.remove();
                    }
                }
                previous = now.position;
            }
        } catch (SQLException | RuntimeException e) {
            // judged with what was seen
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long watchedMillis = (System.nanoTime() - start) / 1_000_000L;
        Map<NodeSpec, String> verdicts = new HashMap<>();
        for (NodeSpec replica : behind) {
            String reason = judge.tooFarBehind(replica);
            long bytes = judge.lagBytes(replica);
            String verdict;
            if (reason != null) {
                verdict = "too far behind, takes no reads: " + reason;
            } else if (watched.contains(replica)) {
                // Still behind when the watch ended, before maxReplicaLag could run out: the driver lets it take
                // reads until then, and so does this verdict, saying that it could not see further.
                verdict = "takes reads for now; " + Math.max(bytes, 0) + " bytes of WAL behind the primary and behind"
                        + " for all " + watchedMillis + " ms watched, shorter than maxReplicaLag="
                        + config.maxReplicaLagMillis() + "ms: not judged further";
            } else {
                verdict =
                        "takes reads; " + Math.max(bytes, 0) + " bytes of WAL behind the primary, within maxReplicaLag="
                                + config.maxReplicaLagMillis() + "ms while watched for " + watchedMillis + " ms";
            }
            verdicts.put(replica, verdict);
        }
        return verdicts;
    }

    private static List<NodeStatus> verdicts(
            Config config,
            Map<NodeSpec, Answer> answers,
            PrimaryElection.Verdict verdict,
            NodeSpec writes,
            boolean primaryAnswers,
            Map<NodeSpec, String> lag) {
        Answer primary = writes == null ? null : answers.get(writes);
        List<NodeStatus> statuses = new ArrayList<>();
        for (Map.Entry<NodeSpec, Answer> entry : answers.entrySet()) {
            NodeSpec node = entry.getKey();
            Answer answer = entry.getValue();
            if (answer.failure != null) {
                statuses.add(new NodeStatus(
                        node,
                        false,
                        "-",
                        WalPosition.NONE,
                        "UNREACHABLE: " + answer.failure
                                + (node.isPrimary() ? "; writes fail, reads go to replicas" : "; takes no reads")));
                continue;
            }
            String what;
            if (node.equals(writes) && primaryAnswers) {
                what = "takes writes" + (node.isPrimary() ? "" : " (promoted)") + "; timeline " + answer.timeline;
            } else if (!answer.standby) {
                what = verdict.refusal != null
                        ? "NOT IN RECOVERY: writes refused: " + verdict.refusal
                        : "NOT IN RECOVERY on timeline " + answer.timeline + ", older than " + writes
                                + "'s: a stale primary; takes no writes and no reads";
            } else if (node.isPrimary()) {
                what = "IN RECOVERY: writes would fail (a standby is configured as the primary)";
            } else if (!primaryAnswers) {
                what = "takes reads; how far behind is unknown (no primary answers)";
            } else if (answer.timeline > 0 && answer.timeline < primary.timeline) {
                what = "on timeline " + answer.timeline + " while the primary writes timeline " + primary.timeline
                        + ": does not follow the primary; takes no reads";
            } else if (lag.containsKey(node)) {
                what = lag.get(node);
            } else {
                long behind =
                        WalPosition.covers(answer.position, primary.position) ? 0 : primary.position - answer.position;
                boolean tooFar = config.maxReplicaLagBytes() > 0 && behind > config.maxReplicaLagBytes();
                what = (tooFar ? "too far behind, takes no reads" : "takes reads") + "; " + behind
                        + " bytes of WAL behind the primary";
            }
            statuses.add(new NodeStatus(node, true, answer.standby ? "standby" : "primary", answer.position, what));
        }
        return statuses;
    }
}
