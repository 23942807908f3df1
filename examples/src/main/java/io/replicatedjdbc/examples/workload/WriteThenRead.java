package io.replicatedjdbc.examples.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a read that directly follows a write costs: one connection runs {@code UPDATE ... RETURNING} then
 * {@code SELECT} of the same row, through each URL in turn, in interleaved rounds (A B C A B C ...), and reports the
 * median wall time per write + read and the share of read-backs a standby answered. Every read-back is checked
 * against the value written. Also measures what the shared position monitor costs the replicas (their backends' CPU
 * time, from /proc: servers on this machine only).
 *
 * <p>Run: {@code WriteThenRead <rounds> <iterations> <label>=<url> ...}
 */
public final class WriteThenRead {

    private WriteThenRead() {}

    /** Median microseconds per write + read, and the share of read-backs on a replica, per label. */
    public static Map<String, double[]> run(Map<String, String> urls, int rounds, int iterations) throws SQLException {
        Map<String, List<Long>> nanos = new LinkedHashMap<>();
        Map<String, long[]> onReplica = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, String> url : urls.entrySet()) {
                try (Connection connection = DriverManager.getConnection(url.getValue())) {
                    createRow(connection);
                    loop(connection, Math.max(10, iterations / 10));
                    long[] result = loop(connection, iterations);
                    nanos.computeIfAbsent(url.getKey(), k -> new ArrayList<>()).add(result[0]);
                    long[] counts = onReplica.computeIfAbsent(url.getKey(), k -> new long[2]);
                    counts[0] += result[1];
                    counts[1] += iterations;
                }
            }
        }
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (Map.Entry<String, List<Long>> entry : nanos.entrySet()) {
            List<Long> values = entry.getValue();
            Collections.sort(values);
            long[] counts = onReplica.get(entry.getKey());
            medians.put(entry.getKey(), new double[] {
                values.get(values.size() / 2) / 1000.0,
                values.get(0) / 1000.0,
                values.get(values.size() - 1) / 1000.0,
                100.0 * counts[0] / counts[1]
            });
        }
        return medians;
    }

    private static void createRow(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS write_then_read (id int PRIMARY KEY, v bigint NOT NULL)");
            statement.execute("INSERT INTO write_then_read VALUES (1, 0) ON CONFLICT DO NOTHING");
        }
    }

    /** Nanoseconds per write + read, and how many read-backs a standby answered. */
    private static long[] loop(Connection connection, int iterations) throws SQLException {
        long onReplica = 0;
        try (PreparedStatement write =
                        connection.prepareStatement("UPDATE write_then_read SET v = v + 1 WHERE id = 1 RETURNING v");
                PreparedStatement read = connection.prepareStatement(
                        "SELECT v, pg_is_in_recovery() FROM write_then_read WHERE id = 1")) {
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                long written;
                try (ResultSet rs = write.executeQuery()) {
                    rs.next();
                    written = rs.getLong(1);
                }
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) < written) {
                        throw new IllegalStateException("stale read-back: " + rs.getLong(1) + " < " + written);
                    }
                    onReplica += rs.getBoolean(2) ? 1 : 0;
                }
            }
            return new long[] {(System.nanoTime() - start) / iterations, onReplica};
        }
    }

    /**
     * CPU milliseconds per second that the position monitor's backends used on the replicas over {@code millis}, while
     * a connection keeps needing positions (it wrote once, then reads every 5 ms). {@code replicaUrls} are plain URLs
     * of the replicas, to find the monitor's backends.
     */
    public static double monitorCpuMillisPerSecond(String replicatedUrl, List<String> replicaUrls, long millis)
            throws Exception {
        try (Connection connection = DriverManager.getConnection(replicatedUrl);
                Statement statement = connection.createStatement()) {
            createRow(connection);
            statement.execute("UPDATE write_then_read SET v = v + 1 WHERE id = 1");
            statement.executeQuery("SELECT v FROM write_then_read WHERE id = 1").close();
            Thread.sleep(300);
            List<Integer> pids = new ArrayList<>();
            for (String url : replicaUrls) {
                try (Connection replica = DriverManager.getConnection(url);
                        Statement query = replica.createStatement();
                        ResultSet rs = query.executeQuery("SELECT pid FROM pg_stat_activity"
                                + " WHERE application_name = 'replicated-jdbc position monitor'")) {
                    while (rs.next()) {
                        pids.add(rs.getInt(1));
                    }
                }
            }
            Map<Integer, Long> before = ticks(pids);
            long end = System.nanoTime() + millis * 1_000_000L;
            while (System.nanoTime() < end) {
                statement
                        .executeQuery("SELECT v FROM write_then_read WHERE id = 1")
                        .close();
                Thread.sleep(5);
            }
            // Linux clock ticks are 10 ms. Only backends alive at both ends count: a monitor of an earlier
            // configuration may stop meanwhile (it lingers 2 s after its last connection).
            Map<Integer, Long> after = ticks(pids);
            long used = 0;
            for (Map.Entry<Integer, Long> entry : after.entrySet()) {
                Long start = before.get(entry.getKey());
                if (start != null) {
                    used += entry.getValue() - start;
                }
            }
            return used * 10.0 / (millis / 1000.0);
        }
    }

    /** CPU ticks (user and system) of each process still running, by pid. */
    private static Map<Integer, Long> ticks(List<Integer> pids) throws IOException {
        Map<Integer, Long> ticks = new LinkedHashMap<>();
        for (int pid : pids) {
            String stat;
            try {
                stat = new String(Files.readAllBytes(Paths.get("/proc/" + pid + "/stat")));
            } catch (NoSuchFileException ended) {
                continue;
            }
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks.put(pid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        }
        return ticks;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> urls = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            urls.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        run(urls, Integer.parseInt(args[0]), Integer.parseInt(args[1]))
                .forEach((label, m) -> System.out.printf(
                        "%s: median %.0f us per write + read (min %.0f, max %.0f), read-backs on a replica %.1f%%%n",
                        label, m[0], m[1], m[2], m[3]));
    }
}
