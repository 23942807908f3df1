package io.replicatedjdbc.benchmarks.load;

import io.replicatedjdbc.ReplicatedConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many clients, each with a connection of its own that it keeps, and think time between requests (90% point reads,
 * 10% writes): plain PgJDBC, where each client is a backend of the primary, against the driver's per-node pools
 * (primary 4, each replica 8), where the clients share a dozen and a half. Requests/s, backends per node, and the
 * wait for a pooled connection.
 */
final class ManyClients {

    /** As many clients as plain PgJDBC can open on the test cluster (max_connections 200, less the suite's own). */
    static final int CLIENTS = 180;

    static final int THINK_MILLIS = 20;

    private ManyClients() {}

    static Table run(Nodes nodes, Settings settings) throws Exception {
        int clients = settings.smoke() ? 8 : CLIENTS;
        double seconds = settings.smoke() ? 0.3 : 5;
        Table table = new Table(
                "many-clients",
                clients + " clients, each with its own connection, " + THINK_MILLIS
                        + " ms of think time between requests (90% point reads, 10% writes)",
                "system",
                "clients",
                "requests/s",
                "p99 ms",
                "primary backends",
                "replica backends",
                "pool wait p99 ms");
        int run = 0;
        for (int round = 0; round < (settings.smoke() ? 1 : 2); round++) {
            for (boolean replicated : new boolean[] {false, true}) {
                String name = "many-" + (++run);
                String url = replicated
                        ? nodes.replicatedUrl(
                                nodes.replicaCount(),
                                "ApplicationName=" + name,
                                "primaryPoolSize=4",
                                "replicaPoolSize=8",
                                "readYourWrites=lsn")
                        : nodes.plainUrl(0) + (nodes.plainUrl(0).contains("?") ? "&" : "?") + "ApplicationName=" + name;
                List<Connection> open = new ArrayList<>(clients);
                try {
                    for (int i = 0; i < clients; i++) {
                        open.add(DriverManager.getConnection(url));
                    }
                    AtomicInteger next = new AtomicInteger();
                    ThreadLocal<Connection> mine = ThreadLocal.withInitial(() -> open.get(next.getAndIncrement()));
                    Load.Result result = Load.run(clients, seconds, run, (random, counts) -> {
                        Connection c = mine.get();
                        int id = random.nextInt(Overhead.ROWS) + 1;
                        boolean write = random.nextInt(100) < 10;
                        Connections.readOrWrite(c, id, write);
                        Thread.sleep(THINK_MILLIS);
                    });
                    int primary = Connections.backends(nodes, 0, name);
                    List<Integer> replicas = new ArrayList<>();
                    for (int replica = 1; replica <= nodes.replicaCount(); replica++) {
                        replicas.add(Connections.backends(nodes, replica, name));
                    }
                    String wait = "-";
                    if (replicated) {
                        wait = poolWaitP99(open.get(0));
                    }
                    table.row(
                            replicated ? "jdbc:replicated:, pooled (primary 4, replicas 8)" : "plain PgJDBC, primary",
                            clients,
                            result.requests() / result.seconds(),
                            result.p99Millis(),
                            primary,
                            replicated ? replicas.toString() : "-",
                            wait);
                } finally {
                    for (Connection connection : open) {
                        connection.close();
                    }
                }
                Thread.sleep(replicated && !settings.smoke() ? 2_500 : 300);
            }
        }
        table.note(
                "Requests/s of all clients together; the p99 includes the think time. Plain PgJDBC runs every request"
                        + " on the primary; the driver sends reads to the replicas. Backends are the clients' in pg_stat_activity"
                        + " (by ApplicationName), counted at the end of the run; the driver's monitor is not counted. The pool wait"
                        + " is each node pool's 99th percentile of the last 1,024 borrows (the largest of the nodes). The test"
                        + " cluster's max_connections (200) bounds the clients plain PgJDBC can have: " + CLIENTS
                        + ", not 1,000.");
        return table;
    }

    /** The largest of the node pools' 99th-percentile waits, from the configuration's statistics. */
    private static String poolWaitP99(Connection connection) throws SQLException {
        Map<String, String> pools = connection
                .unwrap(ReplicatedConnection.class)
                .configurationStatistics()
                .getPools();
        double worst = 0;
        Pattern p99 = Pattern.compile("p99 ([0-9.]+) ms");
        for (String line : pools.values()) {
            Matcher matcher = p99.matcher(line);
            while (matcher.find()) {
                worst = Math.max(worst, Double.parseDouble(matcher.group(1)));
            }
        }
        return String.format(Locale.ROOT, "%.2f", worst);
    }
}
