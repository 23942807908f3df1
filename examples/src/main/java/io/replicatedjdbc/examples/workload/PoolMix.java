package io.replicatedjdbc.examples.workload;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * The read-your-writes workload of a web application behind a pool: threads borrow a pooled connection per request;
 * 90% of requests read one row, 10% update one row and then read it back. Each read says whether a standby answered
 * ({@code pg_is_in_recovery()}, in the same query), and each read-back is checked against the value the update
 * returned.
 *
 * <p>Run: {@code PoolMix <jdbc url> [threads] [requests] [sameConnection|otherConnection]}
 */
public final class PoolMix {

    /** What a run measured. */
    public static final class Result {
        public final long reads;
        public final long readsOnReplicas;
        public final long readBacks;
        public final long readBacksOnReplicas;
        public final long staleReadBacks;
        public final double seconds;

        Result(
                long reads,
                long readsOnReplicas,
                long readBacks,
                long readBacksOnReplicas,
                long staleReadBacks,
                double seconds) {
            this.reads = reads;
            this.readsOnReplicas = readsOnReplicas;
            this.readBacks = readBacks;
            this.readBacksOnReplicas = readBacksOnReplicas;
            this.staleReadBacks = staleReadBacks;
            this.seconds = seconds;
        }

        public double replicaShare() {
            return reads == 0 ? 0 : (double) readsOnReplicas / reads;
        }

        @Override
        public String toString() {
            return String.format(
                    "%d reads, %.1f%% on replicas (read-backs after a write: %d, %.1f%% on replicas),"
                            + " %d stale read-backs, %.0f requests/s",
                    reads,
                    100 * replicaShare(),
                    readBacks,
                    readBacks == 0 ? 0 : 100.0 * readBacksOnReplicas / readBacks,
                    staleReadBacks,
                    (reads - readBacks) / 0.9 / seconds);
        }
    }

    private static final int ROWS = 1_000;

    private PoolMix() {}

    public static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }

    public static void createTable(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS pool_mix (id int PRIMARY KEY, v bigint NOT NULL)");
            statement.execute(
                    "INSERT INTO pool_mix SELECT g, 0 FROM generate_series(1, " + ROWS + ") g ON CONFLICT DO NOTHING");
        }
    }

    /**
     * Runs {@code requests} requests over {@code threads} threads. With {@code readBackOnAnotherConnection}, the read
     * after an update borrows a connection of its own, as the next HTTP request of the same user would.
     */
    public static Result run(
            DataSource dataSource, int threads, int requests, boolean readBackOnAnotherConnection, long seed)
            throws Exception {
        LongAdder reads = new LongAdder();
        LongAdder onReplicas = new LongAdder();
        LongAdder readBacks = new LongAdder();
        LongAdder readBacksOnReplicas = new LongAdder();
        LongAdder stale = new LongAdder();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Random random = new Random(seed + t);
                int share = requests / threads;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        int id = 1 + random.nextInt(ROWS);
                        if (random.nextInt(10) != 0) {
                            try (Connection connection = dataSource.getConnection()) {
                                long[] row = read(connection, id);
                                reads.increment();
                                onReplicas.add(row[1]);
                            }
                            continue;
                        }
                        long written;
                        long[] row;
                        if (readBackOnAnotherConnection) {
                            try (Connection connection = dataSource.getConnection()) {
                                written = update(connection, id);
                            }
                            try (Connection connection = dataSource.getConnection()) {
                                row = read(connection, id);
                            }
                        } else {
                            try (Connection connection = dataSource.getConnection()) {
                                written = update(connection, id);
                                row = read(connection, id);
                            }
                        }
                        reads.increment();
                        readBacks.increment();
                        onReplicas.add(row[1]);
                        readBacksOnReplicas.add(row[1]);
                        if (row[0] < written) {
                            stale.increment();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(
                reads.sum(), onReplicas.sum(), readBacks.sum(), readBacksOnReplicas.sum(), stale.sum(), seconds);
    }

    private static long update(Connection connection, int id) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("UPDATE pool_mix SET v = v + 1 WHERE id = ? RETURNING v")) {
            statement.setInt(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long[] read(Connection connection, int id) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT v, pg_is_in_recovery() FROM pool_mix WHERE id = ?")) {
            statement.setInt(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getBoolean(2) ? 1 : 0};
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        boolean other = args.length > 3 && args[3].equals("otherConnection");
        try (HikariDataSource dataSource = pool(args[0], threads)) {
            createTable(dataSource);
            System.out.println(run(dataSource, threads, requests, other, 1));
        }
    }
}
