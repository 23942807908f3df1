package io.replicatedjdbc.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole statement path in process, against a driver that does no I/O ({@link NoIoDriver}): the same statements
 * directly and through {@code jdbc:replicated:}. No network, no server, no scheduler between the two: the difference
 * is the driver's own CPU per statement, with JMH's error bars. (The wrapped driver here is not PgJDBC, so the
 * PostgreSQL-only session observation is not in it; the load suite measures that path against real servers.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StatementPathBenchmark {

    /** direct: the wrapped driver alone; replicated: through the driver, pooled (the default); dedicated: held for life. */
    @Param({"direct", "replicated", "dedicated"})
    public String driver;

    private Connection connection;
    private String url;
    private PreparedStatement prepared;
    private PreparedStatement update;
    private Statement statement;
    private int id;

    @Setup
    public void open() throws SQLException {
        NoIoDriver.register();
        url = driver.equals("direct")
                ? "jdbc:noio:replica1"
                : "jdbc:replicated:noio:primary?replicas=noio:replica1"
                        + (driver.equals("dedicated") ? "&connectionMode=dedicated" : "");
        connection = DriverManager.getConnection(url);
        prepared = connection.prepareStatement("SELECT v FROM bench WHERE id = ?");
        update = connection.prepareStatement("UPDATE bench SET v = v + 1 WHERE id = ?");
        statement = connection.createStatement();
    }

    @TearDown
    public void close() throws SQLException {
        connection.close();
    }

    @Benchmark
    public long preparedPointRead() throws SQLException {
        prepared.setInt(1, ++id & 1023);
        try (ResultSet rs = prepared.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Benchmark
    public long pointReadWithNewLiteral() throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT v FROM bench WHERE id = " + (++id & 1023))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Benchmark
    public int preparedWrite() throws SQLException {
        update.setInt(1, ++id & 1023);
        return update.executeUpdate();
    }

    /** A connection opened and closed, as an application without a pool of its own does per request. */
    @Benchmark
    public boolean openAndClose() throws SQLException {
        try (Connection opened = DriverManager.getConnection(url)) {
            return opened.getAutoCommit();
        }
    }
}
