package io.replicatedjdbc.benchmarks.load;

import com.zaxxer.hikari.HikariDataSource;
import io.replicatedjdbc.ReadYourWritesCounters;
import io.replicatedjdbc.ReplicatedConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Scenario 3, the same mixed workload for every system: 90% of requests read one row; 10% update one row and then, as
 * the next step of the same request, read it back on a newly borrowed connection (what a service does when one call
 * writes and the next reads). A read-back that returns less than the update returned is a read-your-writes
 * violation. Every read says whether a standby answered ({@code pg_is_in_recovery()} in the same query).
 */
final class SideBySide {

    static final int ROWS = 10_000;

    private SideBySide() {}

    static void createTable(Connection primary) throws SQLException {
        try (Statement statement = primary.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS mix_data");
            statement.execute("CREATE TABLE mix_data (id int PRIMARY KEY, v bigint NOT NULL, pad text NOT NULL)");
            statement.execute(
                    "INSERT INTO mix_data SELECT g, 0, repeat('y', 60) FROM generate_series(1, " + ROWS + ") g");
            statement.execute("VACUUM ANALYZE mix_data");
        }
    }

    /** How one system does a request: which pool writes, which reads, and whether reads mark the connection read-only. */
    private record System(String label, boolean ours, DataSource writes, DataSource reads, boolean readOnlyForReads) {}

    static Table run(Nodes nodes, Settings settings, String budget, List<NamedChart> charts) throws Exception {
        int size = settings.threads();
        List<HikariDataSource> pools = new ArrayList<>();
        List<System> systems = new ArrayList<>();
        try {
            HikariDataSource plain = add(pools, Pools.pool("plain", nodes.plainUrl(0), size));
            systems.add(new System("plain PgJDBC, primary only", false, plain, plain, false));

            HikariDataSource writers =
                    add(pools, Pools.pool("pgjdbc-primary", nodes.multiHostUrl("targetServerType=primary"), size));
            HikariDataSource readers = add(
                    pools,
                    Pools.pool(
                            "pgjdbc-secondary",
                            nodes.multiHostUrl("targetServerType=preferSecondary&loadBalanceHosts=true"),
                            size));
            systems.add(new System("PgJDBC multi-host, two pools (application picks)", false, writers, readers, false));

            String primary = nodes.nodes.get(0).hostPort();
            String replica = nodes.nodes.get(1).hostPort();
            String parameters = nodes.nodes.get(0).parameters();
            HikariDataSource srw = add(
                    pools,
                    Pools.pool(
                            "aws-srw",
                            "jdbc:aws-wrapper:postgresql://" + primary + "/"
                                    + nodes.nodes.get(0).database() + "?"
                                    + (parameters.isEmpty() ? "" : parameters + "&")
                                    + "wrapperPlugins=srw&srwWriteEndpoint=" + primary + "&srwReadEndpoint=" + replica,
                            size));
            systems.add(new System("AWS JDBC Wrapper 3.3, srw plugin (setReadOnly)", false, srw, srw, true));

            systems.add(ours(pools, nodes, size, "replicated"));
            // The same with each logical connection holding its own physical connections (before per-node pools).
            systems.add(ours(pools, nodes, size, "replicated-dedicated", "connectionMode=dedicated"));
            // An option, not the default: a read that must see a write waits up to 1 ms for its replica to replay it.
            systems.add(ours(pools, nodes, size, "replicated-wait", "readYourWritesWait=1ms"));
            systems.add(ours(pools, nodes, size, "replicated-global", "readYourWritesScope=global"));
            // Every read sees every commit before it began, from any process; with a short wait for the replica.
            systems.add(ours(
                    pools, nodes, size, "replicated-cluster", "readYourWritesScope=cluster", "readYourWritesWait=2ms"));
            // Not a choice to compare with the others: the same distribution without the guarantee, to show what
            // read-your-writes costs, at the level of staleness the alternatives above accept.
            systems.add(ours(pools, nodes, size, "replicated-off", "readYourWrites=off"));

            Map<System, List<Load.Result>> results = new LinkedHashMap<>();
            for (System system : systems) {
                results.put(system, new ArrayList<>());
                Load.run(settings.threads(), settings.smoke() ? 0.1 : 1.5, 7, request(system));
            }
            // The driver's read-your-writes counters belong to the cluster, which both of its rows use: what each row
            // did is the counters' change over its own rounds.
            Map<System, long[]> work = new LinkedHashMap<>();
            for (int round = 0; round < settings.rounds(); round++) {
                for (System system : systems) {
                    long[] before = system.ours ? rywCounters(system.reads) : null;
                    results.get(system)
                            .add(Load.run(settings.threads(), settings.mixSeconds(), round, request(system)));
                    if (system.ours) {
                        long[] after = rywCounters(system.reads);
                        long[] sum = work.computeIfAbsent(system, s -> new long[after.length]);
                        for (int i = 0; i < after.length; i++) {
                            sum[i] += after[i] - before[i];
                        }
                    }
                }
            }

            Table table = new Table(
                    "side_by_side",
                    "The 90/10 workload with read-backs, " + settings.threads()
                            + " threads through HikariCP, every system on the same servers",
                    "system",
                    "requests/s (median)",
                    "min",
                    "max",
                    "p50 ms",
                    "p99 ms",
                    "reads on replicas",
                    "read-backs on replicas",
                    "read-your-writes violations",
                    "read-backs",
                    "client CPU per request, us",
                    "read-back p99 ms");
            Chart chart =
                    new Chart("Mixed workload throughput (90% reads, 10% write + read-back)", "requests per second");
            for (System system : systems) {
                Load.Rounds r = Load.Rounds.of(results.get(system));
                Tally tally = Tally.of(results.get(system));
                List<Double> readBackP99 = new ArrayList<>();
                for (Load.Result result : results.get(system)) {
                    readBackP99.add(result.counts().millis("readBack", 0.99));
                }
                table.row(
                        system.label,
                        Stats.median(r.perSecond()),
                        Stats.min(r.perSecond()),
                        Stats.max(r.perSecond()),
                        Stats.median(r.p50()),
                        Stats.median(r.p99()),
                        tally.readsOnReplicas(),
                        tally.readBacksOnReplicasShare(),
                        tally.stale(),
                        tally.readBacks(),
                        Stats.median(r.cpu()),
                        Stats.median(readBackP99));
                chart.bar(system.label, r.perSecond(), system.ours);
            }
            for (Map.Entry<System, long[]> entry : work.entrySet()) {
                long requests = 0;
                for (Load.Result result : results.get(entry.getKey())) {
                    requests += result.requests();
                }
                double per = requests == 0 ? 0 : 1000.0 / requests;
                long[] c = entry.getValue();
                if (c[0] + c[1] + c[2] + c[3] + c[4] + c[5] == 0) {
                    continue; // readYourWrites=off: nothing to tell
                }
                table.note(String.format(
                        "%s, read-your-writes work per 1,000 requests: %.0f round trips added on the"
                                + " application's threads (%.0f position fetches on the primary, %.0f replay checks on a replica);"
                                + " %.0f positions and %.0f replay checks answered by the position samplers off those threads;"
                                + " %.0f positions taken from an earlier answer; %.0f reads kept on the primary.",
                        entry.getKey().label,
                        (c[0] + c[2]) * per,
                        c[0] * per,
                        c[2] * per,
                        c[4] * per,
                        c[5] * per,
                        c[1] * per,
                        c[3] * per));
            }
            table.note("CPU budgets: " + budget + ".");
            table.note("The srw plugin takes one read endpoint (a DNS or proxy name that balances replicas, on AWS);"
                    + " with none here, it reads from replica 1 only.");
            table.note("PgJDBC's answer needs the application to pick the pool per statement; the read-back goes to the"
                    + " read pool. HikariCP hands a thread back the connection it returned last, when it is free.");
            charts.add(new NamedChart("side_by_side", chart));
            return table;
        } finally {
            pools.forEach(HikariDataSource::close);
        }
    }

    /**
     * The driver's read-your-writes counters now: position fetches, shared positions, replay checks, kept on primary,
     * positions and replay checks from the samplers, the catalog's questions and the reads narrowed by table.
     */
    static long[] rywCounters(DataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            ReadYourWritesCounters c =
                    connection.unwrap(ReplicatedConnection.class).readYourWritesCounters();
            return new long[] {
                c.positionFetches(),
                c.sharedPositions(),
                c.directChecks(),
                c.readsKeptOnPrimary(),
                c.sampledPositions(),
                c.sampledChecks(),
                c.catalogQuestions(),
                c.readsByTable()
            };
        }
    }

    static String percent(long part, long whole) {
        return whole == 0 ? "" : String.format("%.1f%%", 100.0 * part / whole);
    }

    /**
     * A row of this driver: a pool over the replicated URL with these options (none: the defaults), labelled with them.
     */
    private static System ours(List<HikariDataSource> pools, Nodes nodes, int size, String name, String... options) {
        HikariDataSource pool = add(pools, Pools.pool(name, nodes.replicatedUrl(nodes.replicaCount(), options), size));
        String label = "jdbc:replicated: " + (options.length == 0 ? "defaults" : String.join(", ", options))
                + (Arrays.asList(options).contains("readYourWrites=off") ? " (may read stale data)" : "");
        return new System(label, true, pool, pool, false);
    }

    private static HikariDataSource add(List<HikariDataSource> pools, HikariDataSource pool) {
        pools.add(pool);
        return pool;
    }

    private static Load.Request request(System system) {
        return (random, counts) -> {
            int id = random.nextInt(ROWS) + 1;
            if (random.nextInt(10) != 0) {
                read(system, id, counts, -1);
                return;
            }
            long written;
            try (Connection connection = system.writes.getConnection();
                    PreparedStatement update =
                            connection.prepareStatement("UPDATE mix_data SET v = v + 1 WHERE id = ? RETURNING v")) {
                update.setInt(1, id);
                try (ResultSet rs = update.executeQuery()) {
                    rs.next();
                    written = rs.getLong(1);
                }
            }
            long readBack = java.lang.System.nanoTime();
            read(system, id, counts, written);
            counts.time("readBack", java.lang.System.nanoTime() - readBack);
        };
    }

    private static void read(System system, int id, Load.Counts counts, long mustSee) throws SQLException {
        readRow(system.reads, "mix_data", id, counts, mustSee, system.readOnlyForReads);
    }

    /**
     * Reads one row of {@code table} on a newly borrowed connection and counts where it ran; {@code mustSee} >= 0 makes
     * it a read-back, stale when it returns less.
     */
    static void readRow(DataSource pool, String table, int id, Load.Counts counts, long mustSee, boolean readOnly)
            throws SQLException {
        try (Connection connection = pool.getConnection()) {
            if (readOnly) {
                connection.setReadOnly(true);
            }
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT v, pg_is_in_recovery() FROM " + table + " WHERE id = ?")) {
                select.setInt(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    boolean replica = rs.getBoolean(2);
                    counts.add("read");
                    if (replica) {
                        counts.add("readOnReplica");
                    }
                    if (mustSee >= 0) {
                        counts.add("readBack");
                        if (replica) {
                            counts.add("readBackOnReplica");
                        }
                        if (rs.getLong(1) < mustSee) {
                            counts.add("stale");
                        }
                    }
                }
            } finally {
                if (readOnly) {
                    connection.setReadOnly(false);
                }
            }
        }
    }

    /** What the rounds of one system counted: reads, read-backs, where they ran, and the stale ones. */
    record Tally(long reads, long onReplicas, long readBacks, long readBacksOnReplicas, long stale) {
        static Tally of(List<Load.Result> results) {
            long reads = 0;
            long onReplicas = 0;
            long readBacks = 0;
            long readBacksOnReplicas = 0;
            long stale = 0;
            for (Load.Result result : results) {
                reads += result.counts().get("read");
                onReplicas += result.counts().get("readOnReplica");
                readBacks += result.counts().get("readBack");
                readBacksOnReplicas += result.counts().get("readBackOnReplica");
                stale += result.counts().get("stale");
            }
            return new Tally(reads, onReplicas, readBacks, readBacksOnReplicas, stale);
        }

        String readsOnReplicas() {
            return percent(onReplicas, reads);
        }

        String readBacksOnReplicasShare() {
            return percent(readBacksOnReplicas, readBacks);
        }
    }
}
