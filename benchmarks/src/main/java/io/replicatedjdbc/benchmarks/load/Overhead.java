package io.replicatedjdbc.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Scenario 1, the routing overhead: the same statements through plain PgJDBC and through the driver, against the same
 * server (the replica the driver's connection reads from, or the primary for writes), from one thread. Runs are
 * interleaved (A B, B A, A B, ...) so that drift hits both; each pair gives the client thread CPU the driver added per
 * statement and the ratio of wall times.
 */
final class Overhead {

    static final int ROWS = 10_000;

    /** One statement shape: {@link #open} makes what it needs on a connection once (a prepared statement, say). */
    interface Kind {
        String name();

        boolean write();

        Runner open(Connection connection) throws SQLException;
    }

    /** Runs the shape {@code n} times on the connection it was opened on. */
    interface Runner extends AutoCloseable {
        void run(Random random, int n) throws SQLException;

        @Override
        void close() throws SQLException;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Overhead() {}

    static void createTable(Connection primary) throws SQLException {
        try (Statement statement = primary.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS bench");
            statement.execute("CREATE TABLE bench (id int PRIMARY KEY, v bigint NOT NULL)");
            statement.execute("INSERT INTO bench SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
            statement.execute("VACUUM ANALYZE bench");
        }
    }

    private static Kind kind(String name, boolean write, SqlOpener opener) {
        return new Kind() {
            public String name() {
                return name;
            }

            public boolean write() {
                return write;
            }

            public Runner open(Connection connection) throws SQLException {
                return opener.open(connection);
            }
        };
    }

    @FunctionalInterface
    private interface SqlOpener {
        Runner open(Connection connection) throws SQLException;
    }

    static List<Kind> kinds() {
        List<Kind> kinds = new ArrayList<>();
        kinds.add(kind("prepared point read", false, c -> {
            PreparedStatement ps = c.prepareStatement("SELECT v FROM bench WHERE id = ?");
            return runner(ps, (r, n) -> {
                for (int i = 0; i < n; i++) {
                    ps.setInt(1, r.nextInt(ROWS) + 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        rs.getLong(1);
                    }
                }
            });
        }));
        kinds.add(kind("point read, new literal each time", false, c -> {
            Statement st = c.createStatement();
            return runner(st, (r, n) -> {
                for (int i = 0; i < n; i++) {
                    try (ResultSet rs = st.executeQuery("SELECT v FROM bench WHERE id = " + (r.nextInt(ROWS) + 1))) {
                        rs.next();
                        rs.getLong(1);
                    }
                }
            });
        }));
        kinds.add(kind("join read with literals", false, c -> {
            Statement st = c.createStatement();
            return runner(st, (r, n) -> {
                for (int i = 0; i < n; i++) {
                    int id = r.nextInt(ROWS - 1) + 1;
                    try (ResultSet rs = st.executeQuery("SELECT a.v, b.v FROM bench a JOIN bench b ON b.id = a.id + 1"
                            + " WHERE a.id = " + id + " AND b.v >= 0")) {
                        rs.next();
                        rs.getLong(2);
                    }
                }
            });
        }));
        kinds.add(kind("autocommit point write (prepared)", true, c -> {
            PreparedStatement ps = c.prepareStatement("UPDATE bench SET v = v + 1 WHERE id = ?");
            return runner(ps, (r, n) -> {
                for (int i = 0; i < n; i++) {
                    ps.setInt(1, r.nextInt(ROWS) + 1);
                    ps.executeUpdate();
                }
            });
        }));
        kinds.add(kind("small write transaction (2 updates, commit)", true, c -> {
            PreparedStatement ps = c.prepareStatement("UPDATE bench SET v = v + 1 WHERE id = ?");
            return runner(ps, (r, n) -> {
                c.setAutoCommit(false);
                try {
                    for (int i = 0; i < n; i++) {
                        int id = r.nextInt(ROWS - 1) + 1;
                        ps.setInt(1, id);
                        ps.executeUpdate();
                        ps.setInt(1, id + 1);
                        ps.executeUpdate();
                        c.commit();
                    }
                } finally {
                    c.setAutoCommit(true);
                }
            });
        }));
        return kinds;
    }

    @FunctionalInterface
    private interface Body {
        void run(Random random, int n) throws SQLException;
    }

    private static Runner runner(Statement statement, Body body) {
        return new Runner() {
            public void run(Random random, int n) throws SQLException {
                body.run(random, n);
            }

            public void close() throws SQLException {
                statement.close();
            }
        };
    }

    /** The node (index) a connection's reads run on, asked of the server. */
    static int readNode(Nodes nodes, Connection connection) throws SQLException {
        int port;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT inet_server_port()")) {
            rs.next();
            port = rs.getInt(1);
        }
        for (int i = 0; i < nodes.nodes.size(); i++) {
            if (nodes.nodes.get(i).hostPort().endsWith(":" + port)) {
                return i;
            }
        }
        throw new IllegalStateException("no node listens on port " + port);
    }

    /** The calling thread's CPU time, in nanoseconds. */
    static long threadCpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private record Sample(long cpu, long wall, long bytes) {}

    private static final com.sun.management.ThreadMXBean ALLOCATION = (com.sun.management.ThreadMXBean) THREADS;

    private static Sample measure(Runner kind, Random random, int n) throws SQLException {
        long id = Thread.currentThread().getId();
        long bytes = ALLOCATION.getThreadAllocatedBytes(id);
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        kind.run(random, n);
        long wallEnd = System.nanoTime();
        long cpuEnd = THREADS.getCurrentThreadCpuTime();
        return new Sample(cpuEnd - cpu, wallEnd - wall, ALLOCATION.getThreadAllocatedBytes(id) - bytes);
    }

    /**
     * The mean of the values without the lowest and highest {@code trim} share (a run hit by a GC pause or a context
     * switch says nothing about the driver), and the half-width of its 95% confidence interval.
     */
    static double[] trimmedMean(List<Double> values, double trim) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int drop = (int) Math.floor(sorted.length * trim);
        int n = sorted.length - 2 * drop;
        if (n <= 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double sum = 0;
        for (int i = drop; i < sorted.length - drop; i++) {
            sum += sorted[i];
        }
        double mean = sum / n;
        double squares = 0;
        for (int i = drop; i < sorted.length - drop; i++) {
            squares += (sorted[i] - mean) * (sorted[i] - mean);
        }
        double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        return new double[] {mean, 1.96 * sd / Math.sqrt(n)};
    }

    /** Interleaved runs of {@code kind} on both connections; one row of the table, and one bar when a chart is given. */
    private static void compare(
            Kind kind,
            String name,
            Connection plainConnection,
            Connection replicated,
            Settings settings,
            Table table,
            Chart chart)
            throws Exception {
        Random random = new Random(42);
        int n = settings.overheadStatements();
        try (Runner plain = kind.open(plainConnection);
                Runner ours = kind.open(replicated)) {
            // warm-up of both paths (JIT, statement caches, server plans)
            for (int i = 0; i < (settings.smoke() ? 1 : 2000); i++) {
                plain.run(random, n);
                ours.run(random, n);
            }
            List<Double> added = new ArrayList<>();
            List<Double> addedBytes = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> plainCpu = new ArrayList<>();
            List<Double> plainWall = new ArrayList<>();
            for (int round = 0; round < settings.overheadRounds(); round++) {
                Sample a;
                Sample b;
                if (round % 2 == 0) {
                    a = measure(plain, random, n);
                    b = measure(ours, random, n);
                } else {
                    b = measure(ours, random, n);
                    a = measure(plain, random, n);
                }
                added.add((b.cpu - a.cpu) / 1e3 / n);
                addedBytes.add((double) (b.bytes - a.bytes) / n);
                ratios.add((double) b.wall / a.wall);
                plainCpu.add(a.cpu / 1e3 / n);
                plainWall.add(a.wall / 1e3 / n);
            }
            double[] mean = trimmedMean(added, 0.05);
            table.row(
                    name,
                    mean[0],
                    mean[1],
                    Stats.median(added),
                    Stats.median(addedBytes),
                    Stats.median(ratios),
                    Stats.median(plainCpu),
                    Stats.median(plainWall),
                    added.size(),
                    n);
            if (chart != null) {
                // the chart's whisker: the 95% confidence interval of the mean
                chart.bar(name, List.of(mean[0], mean[0] - mean[1], mean[0] + mean[1]), true);
            }
        }
    }

    static Table run(Nodes nodes, Settings settings, List<NamedChart> charts) throws Exception {
        Table table = new Table(
                "overhead",
                "Routing overhead against plain PgJDBC on the same server (one thread)",
                "statement",
                "client CPU added per statement, us (trimmed mean)",
                "95% confidence, +/- us",
                "median of pairs, us",
                "bytes allocated added per statement",
                "wall time ratio driver/plain (median)",
                "plain CPU per statement, us",
                "plain wall per statement, us",
                "pairs",
                "statements per run");
        Chart chart = new Chart("Client CPU the driver adds per statement", "microseconds per statement");
        // -Dsuite.connectionMode=dedicated measures the driver holding its connections, for comparison with pooled.
        String mode = System.getProperty("suite.connectionMode", "pooled");
        table.note("The driver's connectionMode: " + mode + ".");
        try (Connection replicated =
                DriverManager.getConnection(nodes.replicatedUrl(nodes.replicaCount(), "connectionMode=" + mode))) {
            int readNode = readNode(nodes, replicated);
            try (Connection plainRead = nodes.connect(readNode);
                    Connection plainWrite = nodes.connect(0)) {
                for (Kind kind : kinds()) {
                    Connection plainConnection = kind.write() ? plainWrite : plainRead;
                    compare(kind, kind.name(), plainConnection, replicated, settings, table, chart);
                    if (!kind.write() && readNode(nodes, replicated) != readNode) {
                        table.note("The driver's connection moved to another replica during \"" + kind.name() + "\".");
                    }
                }
                // The control: plain PgJDBC against itself (a second connection to the same server), measured the same
                // way. What it shows is the method's own noise: JIT and cache placement differ between two connections.
                try (Connection plainAgain = nodes.connect(readNode)) {
                    Kind literal = kinds().get(1);
                    compare(
                            literal,
                            "control: plain PgJDBC against itself (" + literal.name() + ")",
                            plainRead,
                            plainAgain,
                            settings,
                            table,
                            null);
                }
            }
        }
        table.note(
                "Reads through the driver ran on the replica its connection is bound to; plain PgJDBC was connected to that same replica. Writes: both on the primary.");
        table.note("Client CPU is the calling thread's CPU time (ThreadMXBean), compared in thousands of short runs"
                + " interleaved A B, B A, ... on the same statement objects: the mean of the pairs' differences without"
                + " the 5% highest and lowest, with its 95% confidence interval. Allocation is the thread's allocated bytes,"
                + " which hardly vary from run to run. Targets: at most 1.0 us for a prepared statement, 2.0 us for any"
                + " other shape.");
        charts.add(new NamedChart("overhead", chart));
        return table;
    }
}
