package io.replicatedjdbc.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicatedjdbc.internal.pool.NodePool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Taking an idle connection from a pool and giving it back, with nothing run on it: HikariCP (what an application
 * puts in front of a driver, and the candidate for the per-node pool) against the driver's own per-node pool
 * ({@link NodePool}), over a driver that does no I/O. One thread, and four threads sharing a pool of four.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PoolBorrowBenchmark {

    @State(Scope.Benchmark)
    public static class Pools {
        /** hikari: HikariDataSource.getConnection() and close(); node: NodePool.borrow() and release(). */
        @Param({"hikari", "node"})
        public String pool;

        HikariDataSource hikari;
        NodePool node;

        @Setup
        public void open() throws SQLException {
            NoIoDriver.register();
            if (pool.equals("hikari")) {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl("jdbc:noio:pooled");
                config.setMaximumPoolSize(4);
                config.setMinimumIdle(4);
                config.setPoolName("borrow-benchmark");
                hikari = new HikariDataSource(config);
            } else {
                node = new NodePool(
                        "noio",
                        () -> DriverManager.getConnection("jdbc:noio:pooled"),
                        new NodePool.Limits(4, 30_000, 600_000, 1_800_000, 30_000, 0));
            }
        }

        @TearDown
        public void close() {
            if (hikari != null) {
                hikari.close();
            }
            if (node != null) {
                node.close();
            }
        }
    }

    private static int borrowAndReturn(Pools pools) throws SQLException {
        if (pools.hikari != null) {
            try (Connection connection = pools.hikari.getConnection()) {
                return System.identityHashCode(connection);
            }
        }
        NodePool.Entry entry = pools.node.borrow();
        int hash = System.identityHashCode(entry.connection());
        pools.node.release(entry);
        return hash;
    }

    @Benchmark
    @Threads(1)
    public int oneThread(Pools pools) throws SQLException {
        return borrowAndReturn(pools);
    }

    @Benchmark
    @Threads(4)
    public int fourThreadsPoolOfFour(Pools pools) throws SQLException {
        return borrowAndReturn(pools);
    }
}
