package io.replicatedjdbc.benchmarks.load;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 2, read scaling: a CPU-bound read (an aggregate over the whole {@code scan_data} table) from many threads
 * through HikariCP, with each server on an equal CPU budget. Each node alone through plain PgJDBC gives its capacity;
 * the driver over one replica, two replicas, and two replicas with the primary in the read rotation is judged
 * against the sum of the capacities of the nodes it reads from.
 */
final class ReadScaling {

    static final String QUERY = "SELECT sum(v), inet_server_port() FROM scan_data";

    private ReadScaling() {}

    static void createTable(Connection primary, int rows) throws SQLException {
        try (Statement statement = primary.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS scan_data");
            statement.execute("CREATE TABLE scan_data (id int PRIMARY KEY, v int NOT NULL, pad text NOT NULL)");
            statement.execute(
                    "INSERT INTO scan_data SELECT g, g % 97, repeat('x', 40) FROM generate_series(1, " + rows + ") g");
            statement.execute("VACUUM (FREEZE, ANALYZE) scan_data");
        }
    }

    private record Config(String label, String url, boolean ours, int[] readsFrom) {}

    static Table run(Nodes nodes, Settings settings, String budget, List<NamedChart> charts) throws Exception {
        List<Config> configs = new ArrayList<>();
        configs.add(new Config("primary alone, plain PgJDBC", nodes.plainUrl(0), false, new int[] {0}));
        for (int r = 1; r <= nodes.replicaCount(); r++) {
            configs.add(new Config("replica " + r + " alone, plain PgJDBC", nodes.plainUrl(r), false, new int[] {r}));
        }
        configs.add(new Config("driver, 1 replica", nodes.replicatedUrl(1), true, new int[] {1}));
        if (nodes.replicaCount() >= 2) {
            configs.add(new Config("driver, 2 replicas", nodes.replicatedUrl(2), true, new int[] {1, 2}));
            configs.add(new Config(
                    "driver, 2 replicas + primary (primaryReadWeight=1)",
                    nodes.replicatedUrl(2, "primaryReadWeight=1"),
                    true,
                    new int[] {0, 1, 2}));
        }
        Map<Config, HikariDataSource> pools = new LinkedHashMap<>();
        Map<Config, List<Load.Result>> results = new LinkedHashMap<>();
        try {
            for (Config config : configs) {
                pools.put(config, Pools.pool("scaling", config.url, settings.threads()));
                results.put(config, new ArrayList<>());
            }
            for (Config config : configs) {
                // warm-up: connections bound, plans cached, the table in each server's cache
                Load.run(settings.threads(), settings.smoke() ? 0.1 : 1.5, 1, request(pools.get(config)));
            }
            for (int round = 0; round < settings.rounds(); round++) {
                for (Config config : configs) {
                    results.get(config)
                            .add(Load.run(
                                    settings.threads(), settings.scalingSeconds(), round, request(pools.get(config))));
                }
            }
        } finally {
            pools.values().forEach(HikariDataSource::close);
        }

        Table table = new Table(
                "read_scaling",
                "Read scaling on equal CPU budgets (" + settings.threads()
                        + " threads through HikariCP, an aggregate over " + settings.scanRows() + " rows per read)",
                "configuration",
                "reads/s (median)",
                "min",
                "max",
                "limit: sum of its nodes alone, reads/s",
                "share of the limit",
                "p50 ms",
                "p99 ms",
                "client CPU per read, us",
                "reads per node");
        Map<Integer, Double> alone = new LinkedHashMap<>();
        Chart chart = new Chart("Read throughput by configuration", "reads per second");
        for (Config config : configs) {
            Load.Rounds r = Load.Rounds.of(results.get(config));
            List<Double> rates = r.perSecond();
            Map<String, Long> perNode = new LinkedHashMap<>();
            for (Load.Result result : results.get(config)) {
                result.counts().all().forEach((name, count) -> perNode.merge(name, count.sum(), Long::sum));
            }
            double median = Stats.median(rates);
            if (!config.ours && config.readsFrom.length == 1) {
                alone.put(config.readsFrom[0], median);
            }
            double limit = Double.NaN;
            if (config.ours) {
                limit = 0;
                for (int node : config.readsFrom) {
                    limit += alone.getOrDefault(node, Double.NaN);
                }
            }
            table.row(
                    config.label,
                    median,
                    Stats.min(rates),
                    Stats.max(rates),
                    limit,
                    median / limit,
                    Stats.median(r.p50()),
                    Stats.median(r.p99()),
                    Stats.median(r.cpu()),
                    split(nodes, perNode));
            chart.bar(config.label, rates, config.ours);
        }
        table.note("CPU budgets: " + budget + ".");
        table.note(
                "Rounds interleave the configurations (" + settings.rounds() + " rounds of " + settings.scalingSeconds()
                        + " s each); target: at least 95% of the limit for every driver configuration.");
        charts.add(new NamedChart("read_scaling", chart));
        return table;
    }

    private static String split(Nodes nodes, Map<String, Long> perNode) {
        long total = perNode.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < nodes.nodes.size(); i++) {
            long count =
                    perNode.getOrDefault("port:" + nodes.nodes.get(i).hostPort().replaceAll(".*:", ""), 0L);
            if (count > 0) {
                text.append(text.length() == 0 ? "" : " / ")
                        .append(i == 0 ? "primary " : "replica " + i + " ")
                        .append(Math.round(100.0 * count / total))
                        .append('%');
            }
        }
        return text.toString();
    }

    private static Load.Request request(HikariDataSource pool) {
        return (random, counts) -> {
            try (Connection connection = pool.getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(QUERY)) {
                rs.next();
                counts.add("port:" + rs.getInt(2));
            }
        };
    }

    /**
     * Why a hot standby serves a scan slower than the primary: per-query execution time on the server (EXPLAIN
     * ANALYZE), through plain PgJDBC, single-threaded and without budgets, for a sequential scan and an index-only scan
     * of the same frozen, all-visible table.
     */
    static Table standbyScanCost(Nodes nodes, Settings settings) throws Exception {
        Table table = new Table(
                "standby_scan_cost",
                "The same query on the primary and on a hot standby (plain PgJDBC,"
                        + " server execution time, one thread, no CPU budget)",
                "query",
                "primary ms (median)",
                "standby ms (median)",
                "standby / primary");
        String[][] queries = {
            {"sequential scan: SELECT sum(v) FROM scan_data", "SELECT sum(v) FROM scan_data", ""},
            {
                "index-only scan: SELECT count(id) FROM scan_data WHERE id > 0",
                "SELECT count(id) FROM scan_data WHERE id > 0",
                "SET enable_seqscan = off; SET enable_bitmapscan = off"
            },
        };
        int runs = settings.smoke() ? 3 : 40;
        try (Connection primary = nodes.connect(0);
                Connection standby = nodes.connect(1)) {
            for (String[] query : queries) {
                List<Double> onPrimary = new ArrayList<>();
                List<Double> onStandby = new ArrayList<>();
                for (Connection c : List.of(primary, standby)) {
                    try (Statement statement = c.createStatement()) {
                        statement.execute("RESET ALL");
                        if (!query[2].isEmpty()) {
                            statement.execute(query[2]);
                        }
                    }
                }
                for (int i = 0; i < runs; i++) {
                    onPrimary.add(executionMillis(primary, query[1]));
                    onStandby.add(executionMillis(standby, query[1]));
                }
                table.row(
                        query[0],
                        Stats.median(onPrimary),
                        Stats.median(onStandby),
                        Stats.median(onStandby) / Stats.median(onPrimary));
            }
        }
        table.note(
                "A scan on a standby checks every tuple's visibility: a snapshot taken during recovery does not trust"
                        + " the page-level all-visible flag (heapam.c). An index-only scan trusts the visibility map, which is"
                        + " WAL-logged, on both.");
        return table;
    }

    private static double executionMillis(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + query)) {
            rs.next();
            String json = rs.getString(1);
            int at = json.indexOf("\"Execution Time\":");
            String rest = json.substring(at + "\"Execution Time\":".length()).trim();
            int end = 0;
            while (end < rest.length() && (Character.isDigit(rest.charAt(end)) || rest.charAt(end) == '.')) {
                end++;
            }
            return Double.parseDouble(rest.substring(0, end));
        }
    }
}
