package io.replicatedjdbc.benchmarks.load;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What read-your-writes by table ({@code readYourWritesTables=true}) buys, A/B against the same scope without it, in
 * interleaved rounds, the driver only. Two workloads of 90% reads and 10% writes each followed by a read-back on a newly
 * borrowed connection: "same table" is the mixed workload of {@link SideBySide} (the read-back and the other reads read
 * the table that is written); "other table" writes and reads back a second table ({@code mix_log}, as an application
 * writes its orders or sessions) while the other reads read {@code mix_data}. A read-back older than its write is a
 * violation.
 */
final class TableScopes {

    static final int LOG_ROWS = 1_000;

    private TableScopes() {}

    static void createTable(Connection primary) throws SQLException {
        try (Statement statement = primary.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS mix_log");
            statement.execute("CREATE TABLE mix_log (id int PRIMARY KEY, v bigint NOT NULL)");
            statement.execute("INSERT INTO mix_log SELECT g, 0 FROM generate_series(1, " + LOG_ROWS + ") g");
            statement.execute("VACUUM ANALYZE mix_log");
        }
    }

    private record Row(String label, DataSource pool, boolean otherTable) {}

    static Table run(Nodes nodes, Settings settings, String budget) throws Exception {
        int size = settings.threads();
        List<HikariDataSource> pools = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        try {
            for (String scope : List.of("connection", "global")) {
                for (boolean tables : List.of(false, true)) {
                    HikariDataSource pool = Pools.pool(
                            "tables-" + scope + "-" + tables,
                            nodes.replicatedUrl(
                                    nodes.replicaCount(),
                                    "readYourWritesScope=" + scope,
                                    "readYourWritesTables=" + tables,
                                    // a configuration of its own per row: global scope counts a configuration's commits
                                    "ApplicationName=tables-" + scope + "-" + tables),
                            size);
                    pools.add(pool);
                    String label = "readYourWritesScope=" + scope + (tables ? ", readYourWritesTables=true" : "");
                    rows.add(new Row("other table, " + label, pool, true));
                    rows.add(new Row("same table, " + label, pool, false));
                }
            }
            Map<Row, List<Load.Result>> results = new LinkedHashMap<>();
            for (Row row : rows) {
                results.put(row, new ArrayList<>());
                Load.run(settings.threads(), settings.smoke() ? 0.1 : 1.5, 11, request(row));
            }
            // Each row's share of its configuration's read-your-writes counters: their change over its own rounds.
            Map<Row, long[]> work = new LinkedHashMap<>();
            for (int round = 0; round < settings.rounds(); round++) {
                for (Row row : rows) {
                    long[] before = SideBySide.rywCounters(row.pool);
                    results.get(row).add(Load.run(settings.threads(), settings.mixSeconds(), round, request(row)));
                    long[] after = SideBySide.rywCounters(row.pool);
                    long[] sum = work.computeIfAbsent(row, r -> new long[after.length]);
                    for (int i = 0; i < after.length; i++) {
                        sum[i] += after[i] - before[i];
                    }
                }
            }
            Table table = new Table(
                    "table_scopes",
                    "Read-your-writes by table, " + settings.threads()
                            + " threads through HikariCP, rounds interleaved",
                    "workload and options",
                    "requests/s (median)",
                    "min",
                    "max",
                    "p99 ms",
                    "reads on replicas",
                    "read-backs on replicas",
                    "read-your-writes violations",
                    "client CPU per request, us");
            for (Row row : rows) {
                Load.Rounds r = Load.Rounds.of(results.get(row));
                SideBySide.Tally tally = SideBySide.Tally.of(results.get(row));
                table.row(
                        row.label,
                        Stats.median(r.perSecond()),
                        Stats.min(r.perSecond()),
                        Stats.max(r.perSecond()),
                        Stats.median(r.p99()),
                        tally.readsOnReplicas(),
                        tally.readBacksOnReplicasShare(),
                        tally.stale(),
                        Stats.median(r.cpu()));
            }
            for (Row row : rows) {
                long requests = 0;
                for (Load.Result result : results.get(row)) {
                    requests += result.requests();
                }
                double per = requests == 0 ? 0 : 1000.0 / requests;
                long[] c = work.get(row);
                table.note(String.format(
                        "%s, per 1,000 requests: %.1f round trips added on the application's threads (%.1f position"
                                + " fetches, %.1f replay checks, %.1f questions to the catalog); %.0f reads narrowed"
                                + " by table; %.0f reads kept on the primary.",
                        row.label,
                        (c[0] + c[2] + c[6]) * per,
                        c[0] * per,
                        c[2] * per,
                        c[6] * per,
                        c[7] * per,
                        c[3] * per));
            }
            table.note("CPU budgets: " + budget + ".");
            return table;
        } finally {
            pools.forEach(HikariDataSource::close);
        }
    }

    private static Load.Request request(Row row) {
        String written = row.otherTable ? "mix_log" : "mix_data";
        int writtenRows = row.otherTable ? LOG_ROWS : SideBySide.ROWS;
        return (random, counts) -> {
            if (random.nextInt(10) != 0) {
                SideBySide.readRow(row.pool, "mix_data", random.nextInt(SideBySide.ROWS) + 1, counts, -1, false);
                return;
            }
            int id = random.nextInt(writtenRows) + 1;
            long value;
            try (Connection connection = row.pool.getConnection();
                    PreparedStatement update = connection.prepareStatement(
                            "UPDATE " + written + " SET v = v + 1 WHERE id = ? RETURNING v")) {
                update.setInt(1, id);
                try (ResultSet rs = update.executeQuery()) {
                    rs.next();
                    value = rs.getLong(1);
                }
            }
            SideBySide.readRow(row.pool, written, id, counts, value, false);
        };
    }
}
