package io.replicatedjdbc.benchmarks.load;

import com.zaxxer.hikari.HikariDataSource;
import io.replicatedjdbc.internal.cluster.ReplicaPositions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * How many backends each node holds for an application's pool, as an operator sizes {@code max_connections} by it:
 * HikariCP pools of several sizes over the driver and over plain PgJDBC, busy threads running reads only or 90% reads
 * and 10% writes, and then each node's client backends of that pool counted in {@code pg_stat_activity} (the
 * driver's monitor counted apart). The pool's connections are all open (HikariCP's minimum idle is its size), as a
 * long-running application's are.
 */
final class Connections {

    /** The largest pool plain PgJDBC can open: the test cluster's max_connections (200) less what the suite holds. */
    static final int LARGEST_POOL = 150;

    private Connections() {}

    /** The systems compared: plain PgJDBC, and the driver with per-node pools (its default) and dedicated. */
    private static final String[] SYSTEMS = {"plain", "pooled", "dedicated"};

    static Table run(Nodes nodes, Settings settings) throws Exception {
        int threads = settings.threads();
        Table table = new Table(
                "connections",
                "Backends held per node by a HikariCP pool of N connections, " + threads + " busy threads",
                "system",
                "pool size",
                "workload",
                "requests/s",
                "primary backends",
                "replica backends",
                "monitor backends",
                "statements on the primary");
        int[] sizes = settings.smoke() ? new int[] {4} : new int[] {20, 50, LARGEST_POOL, 200};
        double seconds = settings.smoke() ? 0.3 : 3;
        int run = 0;
        for (int size : sizes) {
            for (int writePercent : new int[] {0, 10}) {
                for (String system : SYSTEMS) {
                    if (size > LARGEST_POOL && !system.equals("pooled")) {
                        // Its pool's backends alone would exceed the cluster's max_connections: only pooled opens.
                        continue;
                    }
                    boolean replicated = !system.equals("plain");
                    String name = "connections-" + (++run);
                    String url = replicated
                            ? nodes.replicatedUrl(
                                    nodes.replicaCount(), "ApplicationName=" + name, "connectionMode=" + system)
                            : nodes.plainUrl(0) + (nodes.plainUrl(0).contains("?") ? "&" : "?") + "ApplicationName="
                                    + name;
                    long primaryBefore = statementsOn(nodes, 0);
                    Load.Result result;
                    int primary;
                    List<Integer> replicas = new ArrayList<>();
                    int monitor = 0;
                    try (HikariDataSource pool = Pools.pool(name, url, size)) {
                        awaitFull(pool, size);
                        result = Load.run(threads, seconds, run, request(pool, writePercent));
                        primary = backends(nodes, 0, name);
                        for (int replica = 1; replica <= nodes.replicaCount(); replica++) {
                            replicas.add(backends(nodes, replica, name));
                        }
                        for (int node = 0; node <= nodes.replicaCount(); node++) {
                            monitor += backends(nodes, node, ReplicaPositions.MONITOR_NAME);
                        }
                    }
                    // A closed session has reported its statements; a configuration's monitor and pools stop 2 s
                    // after its last connection closed, so that the next row counts only its own.
                    Thread.sleep(replicated && !settings.smoke() ? 2_500 : 300);
                    table.row(
                            system.equals("plain")
                                    ? "plain PgJDBC, primary"
                                    : system.equals("pooled")
                                            ? "jdbc:replicated:, pooled (primaryPoolSize 10, replicaPoolSize 20)"
                                            : "jdbc:replicated:, dedicated (a primary and a replica per connection)",
                            size,
                            writePercent == 0
                                    ? "100% reads"
                                    : (100 - writePercent) + "% reads, " + writePercent + "% writes",
                            result.requests() / result.seconds(),
                            primary,
                            replicas.toString(),
                            replicated ? monitor : "-",
                            statementsOn(nodes, 0) - primaryBefore);
                }
            }
        }
        table.note(
                "No CPU budgets here: client and servers share the machine's cores, so requests/s only shows the run"
                        + " was busy (read scaling measures throughput). Each pool is full (every connection open) before its run.");
        table.note(
                "Backends are the pool's client backends in pg_stat_activity (its ApplicationName), counted after the"
                        + " run while the pool is still open; the monitor's (one per node and configuration) are counted apart, on"
                        + " every node. Statements on the primary: xact_commit + xact_rollback of the database on the primary"
                        + " over the run, every session's (the suite's own few and the monitor's polls included). The cluster's"
                        + " max_connections is 200: a HikariCP pool of 200 opens only over the pooled driver (plain PgJDBC and the"
                        + " dedicated driver would need 200 primary backends and more), so that row has it alone.");
        return table;
    }

    /** HikariCP fills a pool in the background: the run starts once every connection is open. */
    private static void awaitFull(HikariDataSource pool, int size) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (pool.getHikariPoolMXBean().getTotalConnections() < size && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static Load.Request request(HikariDataSource pool, int writePercent) {
        return (random, counts) -> {
            int id = random.nextInt(Overhead.ROWS) + 1;
            boolean write = random.nextInt(100) < writePercent;
            try (Connection c = pool.getConnection()) {
                readOrWrite(c, id, write);
            }
        };
    }

    /** One request of the scenarios on the {@code bench} table: a point read, or a point update. */
    static void readOrWrite(Connection c, int id, boolean write) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                write ? "UPDATE bench SET v = v + 1 WHERE id = ?" : "SELECT v FROM bench WHERE id = ?")) {
            ps.setInt(1, id);
            if (write) {
                ps.executeUpdate();
            } else {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
        }
    }

    /** The client backends of one application (by its ApplicationName) on a node, as the node counts them. */
    static int backends(Nodes nodes, int node, String applicationName) throws SQLException {
        try (Connection c = nodes.connect(node);
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE backend_type = 'client backend' AND application_name = ?")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Transactions the primary has finished in this database: each autocommit statement is one. */
    private static long statementsOn(Nodes nodes, int node) throws SQLException {
        try (Connection c = nodes.connect(node);
                PreparedStatement ps = c.prepareStatement("SELECT xact_commit + xact_rollback FROM pg_stat_database"
                        + " WHERE datname = current_database()")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
