package io.replicatedjdbc.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The driver's cost on top of the wrapped driver, for a point query on a SQLite file: the same query through
 * {@code jdbc:sqlite:} and through {@code jdbc:replicated:sqlite:} (routed to a replica file). The difference is
 * the wrappers plus the routing decision; real replicas add the network, which this leaves out on purpose.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RoutingOverheadBenchmark {

    @Param({"plain", "replicated"})
    public String driver;

    private Path dir;
    private Connection connection;
    private PreparedStatement prepared;
    private Statement statement;
    private int id;

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("replicated-jdbc-bench");
        Path primary = dir.resolve("primary.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + primary);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
                    + " INSERT INTO items SELECT i, 'item ' || i FROM n");
        }
        Path replica = dir.resolve("replica.db");
        Files.copy(primary, replica, StandardCopyOption.REPLACE_EXISTING);
        String url = driver.equals("plain")
                ? "jdbc:sqlite:" + replica
                : "jdbc:replicated:sqlite:" + primary + "?replicas=" + replica;
        connection = DriverManager.getConnection(url);
        prepared = connection.prepareStatement("SELECT name FROM items WHERE id = ?");
        statement = connection.createStatement();
    }

    @Benchmark
    public String preparedPointQuery() throws SQLException {
        prepared.setInt(1, 1 + (id++ % 1000));
        try (ResultSet rs = prepared.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Benchmark
    public String statementPointQueryWithInlinedLiteral() throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT name FROM items WHERE id = " + (1 + (id++ % 1000)))) {
            rs.next();
            return rs.getString(1);
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        connection.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
