package io.replicatedjdbc.benchmarks.load;

import com.zaxxer.hikari.HikariDataSource;
import io.replicatedjdbc.ReplicatedDataSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What to put in front of the driver: a HikariCP pool of 20 logical connections over the pooled driver, the driver's
 * {@link ReplicatedDataSource} alone (a logical connection opened and closed per request: the per-node pools are the
 * application's pool), and HikariCP over the dedicated driver; busy threads, point reads, rounds interleaved so that
 * the machine's drift falls on every set-up alike.
 */
final class FrontPool {

    private FrontPool() {}

    static Table run(Nodes nodes, Settings settings) throws Exception {
        int threads = settings.threads();
        double seconds = settings.smoke() ? 0.3 : 3;
        int rounds = settings.smoke() ? 1 : 4;
        Table table = new Table(
                "front-pool",
                "What to put in front of the driver: " + threads + " busy threads, point reads, " + rounds
                        + " interleaved rounds of " + seconds + " s after one to warm up",
                "set-up",
                "requests/s per round",
                "median requests/s",
                "p99 ms (median of rounds)",
                "primary backends",
                "replica backends");
        Map<String, List<Load.Result>> results = new LinkedHashMap<>();
        Map<String, String> backends = new LinkedHashMap<>();
        int run = 0;
        // Round 0 warms the JIT up for every set-up alike; it is not reported.
        for (int round = settings.smoke() ? 1 : 0; round <= rounds; round++) {
            for (String setup : new String[] {
                "HikariCP (20) over the pooled driver",
                "ReplicatedDataSource alone",
                "HikariCP (20) over the dedicated driver"
            }) {
                String name = "front-" + (++run);
                boolean dedicated = setup.contains("dedicated");
                String url = nodes.replicatedUrl(
                        nodes.replicaCount(),
                        "ApplicationName=" + name,
                        "connectionMode=" + (dedicated ? "dedicated" : "pooled"));
                AutoCloseable closer;
                DataSource source;
                if (setup.startsWith("HikariCP")) {
                    HikariDataSource pool = Pools.pool(name, url, 20);
                    closer = pool;
                    source = pool;
                } else {
                    ReplicatedDataSource alone = new ReplicatedDataSource();
                    alone.setUrl(url);
                    closer = alone;
                    source = alone;
                }
                try (AutoCloseable ignored = closer) {
                    // Warmed: the first requests open the backends.
                    Load.run(threads, settings.smoke() ? 0.1 : 1, run, request(source));
                    Load.Result result = Load.run(threads, seconds, run, request(source));
                    if (round > 0) {
                        results.computeIfAbsent(setup, key -> new ArrayList<>()).add(result);
                    }
                    backends.put(
                            setup,
                            Connections.backends(nodes, 0, name) + " | " + Connections.backends(nodes, 1, name) + ", "
                                    + Connections.backends(nodes, 2, name));
                }
                Thread.sleep(settings.smoke() ? 300 : 2_500);
            }
        }
        for (Map.Entry<String, List<Load.Result>> entry : results.entrySet()) {
            Load.Rounds of = Load.Rounds.of(entry.getValue());
            List<String> perRound = new ArrayList<>();
            for (double value : of.perSecond()) {
                perRound.add(String.valueOf(Math.round(value)));
            }
            String[] counts = backends.get(entry.getKey()).split(" \\| ");
            table.row(
                    entry.getKey(),
                    String.join(" / ", perRound),
                    Math.round(median(of.perSecond())),
                    median(of.p99()),
                    counts[0],
                    counts[1]);
        }
        table.note(
                "No CPU budgets: client and servers share the machine's cores. Backends: the set-up's client backends"
                        + " on the primary and on each replica, counted at the end of its last round.");
        return table;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Load.Request request(DataSource source) {
        return (random, counts) -> {
            int id = random.nextInt(Overhead.ROWS) + 1;
            try (Connection c = source.getConnection()) {
                Connections.readOrWrite(c, id, false);
            }
        };
    }
}
