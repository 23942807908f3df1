package io.replicatedjdbc.benchmarks.load;

import io.replicatedjdbc.testing.PostgresCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL servers the suite runs against: a primary and its streaming replicas. Either a cluster the suite
 * starts on this machine (the project's test cluster), or servers given as PgJDBC URLs, for runs on separate hosts.
 */
final class Nodes implements AutoCloseable {

    /** One server: host:port, database, and the query string PgJDBC gets (credentials). */
    record Node(String hostPort, String database, String parameters) {

        static Node parse(String pgJdbcUrl) {
            String prefix = "jdbc:postgresql://";
            if (!pgJdbcUrl.startsWith(prefix)) {
                throw new IllegalArgumentException("not a PgJDBC URL: " + pgJdbcUrl);
            }
            String rest = pgJdbcUrl.substring(prefix.length());
            int slash = rest.indexOf('/');
            int question = rest.indexOf('?');
            String hostPort = rest.substring(0, slash);
            String database = question < 0 ? rest.substring(slash + 1) : rest.substring(slash + 1, question);
            return new Node(hostPort, database, question < 0 ? "" : rest.substring(question + 1));
        }

        String url() {
            return "jdbc:postgresql://" + hostPort + "/" + database + (parameters.isEmpty() ? "" : "?" + parameters);
        }
    }

    private final PostgresCluster local;
    final List<Node> nodes;

    private Nodes(PostgresCluster local, List<Node> nodes) {
        this.local = local;
        this.nodes = nodes;
    }

    /** Starts a primary and two replicas on this machine. */
    static Nodes startLocal() throws Exception {
        PostgresCluster cluster = PostgresCluster.start(2);
        List<Node> nodes = new ArrayList<>();
        for (int node = 0; node <= cluster.replicaCount(); node++) {
            nodes.add(Node.parse(cluster.nodeUrl(node)));
        }
        return new Nodes(cluster, nodes);
    }

    /** Servers given by URL: the primary first. */
    static Nodes external(List<String> urls) {
        List<Node> nodes = new ArrayList<>();
        for (String url : urls) {
            nodes.add(Node.parse(url));
        }
        return new Nodes(null, nodes);
    }

    boolean isLocal() {
        return local != null;
    }

    int replicaCount() {
        return nodes.size() - 1;
    }

    /** Plain PgJDBC to one node (0 is the primary). */
    String plainUrl(int node) {
        return nodes.get(node).url();
    }

    /** The replicated driver over the primary and the first {@code replicas} replicas, with options. */
    String replicatedUrl(int replicas, String... options) {
        Node primary = nodes.get(0);
        StringBuilder url = new StringBuilder("jdbc:replicated:postgresql://").append(primary.hostPort());
        for (int i = 1; i <= replicas; i++) {
            url.append(',').append(nodes.get(i).hostPort());
        }
        url.append('/').append(primary.database());
        String separator = "?";
        if (!primary.parameters().isEmpty()) {
            url.append(separator).append(primary.parameters());
            separator = "&";
        }
        for (String option : options) {
            url.append(separator).append(option);
            separator = "&";
        }
        return url.toString();
    }

    /** PgJDBC's own multi-host URL over every node, with PgJDBC's options. */
    String multiHostUrl(String options) {
        StringBuilder url = new StringBuilder("jdbc:postgresql://");
        for (int i = 0; i < nodes.size(); i++) {
            url.append(i == 0 ? "" : ",").append(nodes.get(i).hostPort());
        }
        url.append('/').append(nodes.get(0).database()).append('?');
        if (!nodes.get(0).parameters().isEmpty()) {
            url.append(nodes.get(0).parameters()).append('&');
        }
        return url.append(options).toString();
    }

    Connection connect(int node) throws SQLException {
        return DriverManager.getConnection(plainUrl(node));
    }

    /** Waits until every replica has replayed everything the primary has written so far. */
    void awaitReplicas() throws Exception {
        if (local != null) {
            local.awaitReplicas();
            return;
        }
        String target;
        try (Connection primary = connect(0);
                var statement = primary.createStatement();
                var rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
            rs.next();
            target = rs.getString(1);
        }
        for (int replica = 1; replica < nodes.size(); replica++) {
            try (Connection connection = connect(replica);
                    var statement = connection.createStatement()) {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (true) {
                    try (var rs =
                            statement.executeQuery("SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn")) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            break;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("replica " + replica + " did not catch up");
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
    }
}
