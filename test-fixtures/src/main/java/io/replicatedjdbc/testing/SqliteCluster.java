package io.replicatedjdbc.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A primary SQLite file and replica files copied from it, in a directory the caller owns (a JUnit
 * {@code @TempDir}). Every file has a one-row table {@code node(name)} holding its own name
 * ({@code primary}, {@code replica1}, ...), so a query of that table shows which file answered.
 * {@link #replicate()} copies the primary over the replicas again, as replication would.
 */
public final class SqliteCluster {

    private final Path primary;
    private final List<Path> replicas = new ArrayList<>();

    private SqliteCluster(Path primary) {
        this.primary = primary;
    }

    /** Creates {@code primary.db} with the marker and an {@code items(id, name)} table, and {@code replicas} copies. */
    public static SqliteCluster create(Path directory, int replicaCount) throws SQLException, IOException {
        SqliteCluster cluster = new SqliteCluster(directory.resolve("primary.db"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + cluster.primary);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE node (name TEXT NOT NULL)");
            s.execute("INSERT INTO node VALUES ('primary')");
            s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
        }
        for (int i = 1; i <= replicaCount; i++) {
            cluster.replicas.add(directory.resolve("replica" + i + ".db"));
        }
        cluster.replicate();
        return cluster;
    }

    /** Copies the primary's file over every replica's and writes each replica's own marker into it. */
    public void replicate() throws SQLException, IOException {
        for (int i = 0; i < replicas.size(); i++) {
            Path replica = replicas.get(i);
            Files.copy(primary, replica, StandardCopyOption.REPLACE_EXISTING);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + replica);
                    Statement s = c.createStatement()) {
                s.execute("UPDATE node SET name = 'replica" + (i + 1) + "'");
            }
        }
    }

    public Path primary() {
        return primary;
    }

    /** Replica {@code number}, counted from 1. */
    public Path replica(int number) {
        return replicas.get(number - 1);
    }

    public int replicaCount() {
        return replicas.size();
    }

    /** {@code jdbc:replicated:sqlite:<primary>?replicas=<r1>,<r2>} plus the given options ({@code name=value}). */
    public String url(String... options) {
        StringBuilder url = new StringBuilder("jdbc:replicated:sqlite:").append(primary);
        String separator = "?";
        if (!replicas.isEmpty()) {
            url.append("?replicas=");
            for (int i = 0; i < replicas.size(); i++) {
                url.append(i == 0 ? "" : ",").append(replicas.get(i));
            }
            separator = "&";
        }
        for (String option : options) {
            url.append(separator).append(option);
            separator = "&";
        }
        return url.toString();
    }

    /** Runs a one-value query directly on one file, bypassing the driver under test. */
    public static String queryFile(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** How many rows a table has in one file. */
    public static int count(Path file, String table) throws SQLException {
        return Integer.parseInt(queryFile(file, "SELECT count(*) FROM " + table));
    }
}
