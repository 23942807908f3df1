package io.replicatedjdbc.benchmarks.load;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 4, a TPC-B-like mix (pgbench's schema and its default transaction, written in Java): what routing costs
 * on a write-heavy workload, through the driver and directly to the primary.
 */
final class TpcB {

    static final int ACCOUNTS = 100_000;
    static final int TELLERS = 10;
    static final int BRANCHES = 1;

    private TpcB() {}

    static void createTables(Connection primary) throws SQLException {
        try (Statement s = primary.createStatement()) {
            s.execute("DROP TABLE IF EXISTS pgbench_history, pgbench_accounts, pgbench_tellers, pgbench_branches");
            s.execute("CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int NOT NULL, filler char(88))");
            s.execute(
                    "CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int NOT NULL, tbalance int NOT NULL, filler char(84))");
            s.execute(
                    "CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84))");
            s.execute(
                    "CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))");
            s.execute("INSERT INTO pgbench_branches SELECT g, 0 FROM generate_series(1, " + BRANCHES + ") g");
            s.execute("INSERT INTO pgbench_tellers SELECT g, (g - 1) / 10 + 1, 0 FROM generate_series(1, " + TELLERS
                    + ") g");
            s.execute("INSERT INTO pgbench_accounts SELECT g, (g - 1) / 100000 + 1, 0 FROM generate_series(1, "
                    + ACCOUNTS + ") g");
            s.execute("VACUUM ANALYZE pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history");
        }
    }

    static Table run(Nodes nodes, Settings settings, String budget, List<NamedChart> charts) throws Exception {
        int threads = Math.max(1, settings.threads() / 2);
        Table table = new Table(
                "tpcb",
                "A TPC-B-like transaction mix (pgbench's default transaction), " + threads
                        + " threads through HikariCP",
                "system",
                "transactions/s (median)",
                "min",
                "max",
                "p50 ms",
                "p99 ms",
                "client CPU per transaction, us");
        Chart chart = new Chart("TPC-B-like transactions", "transactions per second");
        try (HikariDataSource plain = Pools.pool("tpcb-plain", nodes.plainUrl(0), threads);
                HikariDataSource ours =
                        Pools.pool("tpcb-replicated", nodes.replicatedUrl(nodes.replicaCount()), threads)) {
            List<HikariDataSource> systems = List.of(plain, ours);
            List<List<Load.Result>> results = List.of(new ArrayList<>(), new ArrayList<>());
            for (HikariDataSource system : systems) {
                Load.run(threads, settings.smoke() ? 0.1 : 1.5, 3, request(system));
            }
            for (int round = 0; round < settings.rounds(); round++) {
                for (int i = 0; i < systems.size(); i++) {
                    results.get(i).add(Load.run(threads, settings.tpcbSeconds(), round, request(systems.get(i))));
                }
            }
            String[] labels = {"plain PgJDBC, primary", "jdbc:replicated: defaults"};
            for (int i = 0; i < systems.size(); i++) {
                Load.Rounds r = Load.Rounds.of(results.get(i));
                table.row(
                        labels[i],
                        Stats.median(r.perSecond()),
                        Stats.min(r.perSecond()),
                        Stats.max(r.perSecond()),
                        Stats.median(r.p50()),
                        Stats.median(r.p99()),
                        Stats.median(r.cpu()));
                chart.bar(labels[i], r.perSecond(), i == 1);
            }
        }
        table.note("CPU budgets: " + budget + ". Scale 1 (" + ACCOUNTS
                + " accounts, one branch): the branch row serialises" + " the transactions for both systems alike.");
        charts.add(new NamedChart("tpcb", chart));
        return table;
    }

    private static Load.Request request(HikariDataSource pool) {
        return (random, counts) -> {
            int aid = random.nextInt(ACCOUNTS) + 1;
            int tid = random.nextInt(TELLERS) + 1;
            int bid = random.nextInt(BRANCHES) + 1;
            int delta = random.nextInt(10_001) - 5_000;
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    try (PreparedStatement ps =
                            c.prepareStatement("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?")) {
                        ps.setInt(1, delta);
                        ps.setInt(2, aid);
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps =
                            c.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?")) {
                        ps.setInt(1, aid);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                        }
                    }
                    try (PreparedStatement ps =
                            c.prepareStatement("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?")) {
                        ps.setInt(1, delta);
                        ps.setInt(2, tid);
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps =
                            c.prepareStatement("UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?")) {
                        ps.setInt(1, delta);
                        ps.setInt(2, bid);
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps =
                            c.prepareStatement("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime)"
                                    + " VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
                        ps.setInt(1, tid);
                        ps.setInt(2, bid);
                        ps.setInt(3, aid);
                        ps.setInt(4, delta);
                        ps.executeUpdate();
                    }
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
        };
    }
}
