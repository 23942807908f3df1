package io.replicatedjdbc.examples;

import io.replicatedjdbc.ReplicatedConnection;
import io.replicatedjdbc.Route;
import io.replicatedjdbc.RoutingDecision;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A demo that needs no server: a primary SQLite file and two replicas (copies of it) in a temporary
 * directory, a small mixed workload through one {@code jdbc:replicated:sqlite:} URL, and a routing report.
 * Every file has a {@code node} table naming the file, so each query shows which file answered.
 */
public final class SqliteDemo {

    private final PrintStream out;
    private final Map<String, Integer> statementsPerNode = new TreeMap<>();
    private int pinnedReads;

    private SqliteDemo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("replicated-jdbc-demo");
        try {
            new SqliteDemo(System.out).run(dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    private void run(Path dir) throws SQLException, IOException {
        Path primary = dir.resolve("primary.db");
        Path replica1 = dir.resolve("replica1.db");
        Path replica2 = dir.resolve("replica2.db");
        String url = "jdbc:replicated:sqlite:" + primary + "?replicas=" + replica1 + "," + replica2;

        out.println("replicated-jdbc demo: one primary and two replica SQLite files in " + dir);
        out.println("URL: " + url);
        out.println();

        try (Connection connection = DriverManager.getConnection(url)) {
            step(connection, "CREATE TABLE node (name TEXT NOT NULL)");
            step(connection, "INSERT INTO node VALUES ('primary')");
            step(
                    connection,
                    "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER NOT NULL)");
            step(connection, "INSERT INTO accounts (owner, balance) VALUES ('ann', 100), ('bob', 50)");
        }
        // SQLite has no replication: copying the primary's file plays the part of a streaming replica catching up.
        copyAsReplica(primary, replica1, "replica1");
        copyAsReplica(primary, replica2, "replica2");
        out.println("(copied primary.db to replica1.db and replica2.db, each marked with its own name)");
        out.println();

        out.println("Autocommit reads from four connections, spread over the replicas:");
        for (int i = 0; i < 4; i++) {
            try (Connection connection = DriverManager.getConnection(url)) {
                query(connection, "SELECT name, (SELECT sum(balance) FROM accounts) FROM node");
            }
        }
        out.println();

        out.println("A write, then reads of the same connection (pinned to the primary: read-your-writes):");
        try (Connection connection = DriverManager.getConnection(url)) {
            query(connection, "SELECT name, (SELECT count(*) FROM accounts) FROM node");
            step(connection, "INSERT INTO accounts (owner, balance) VALUES ('cy', 75)");
            query(connection, "SELECT name, (SELECT count(*) FROM accounts) FROM node");
            try (PreparedStatement read = connection.prepareStatement(
                    "SELECT name, (SELECT balance FROM accounts WHERE owner = ?) FROM node")) {
                read.setString(1, "cy");
                show(connection, "SELECT ... WHERE owner = ? (prepared)", read.executeQuery());
            }
        }
        out.println();

        out.println("A read-only transaction (setReadOnly(true), autocommit off) runs on one replica:");
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            query(connection, "SELECT name, (SELECT count(*) FROM accounts) FROM node");
            query(connection, "SELECT name, (SELECT max(balance) FROM accounts) FROM node");
            connection.commit();
        }
        out.println();

        out.println("A read-write transaction runs wholly on the primary:");
        try (Connection connection = DriverManager.getConnection(url)) {
            connection.setAutoCommit(false);
            query(connection, "SELECT name, (SELECT balance FROM accounts WHERE owner = 'ann') FROM node");
            step(connection, "UPDATE accounts SET balance = balance - 10 WHERE owner = 'ann'");
            step(connection, "UPDATE accounts SET balance = balance + 10 WHERE owner = 'bob'");
            connection.commit();
        }
        out.println();

        out.println("Routing report");
        statementsPerNode.forEach((node, count) -> out.printf("  %-10s %d statements%n", node, count));
        out.printf("  reads kept on the primary by read-your-writes or a transaction: %d%n", pinnedReads);
    }

    private void step(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        record(connection, sql, "");
    }

    private void query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            show(connection, sql, statement.executeQuery(sql));
        }
    }

    private void show(Connection connection, String sql, ResultSet rs) throws SQLException {
        try (rs) {
            rs.next();
            record(connection, sql, "answered by " + rs.getString(1) + ": " + rs.getString(2));
        }
    }

    private void record(Connection connection, String sql, String answer) throws SQLException {
        RoutingDecision routing = connection.unwrap(ReplicatedConnection.class).lastRouting();
        String node = routing.node().substring(0, routing.node().indexOf(' '));
        statementsPerNode.merge(node, 1, Integer::sum);
        if (routing.route() == Route.PRIMARY && sql.startsWith("SELECT")) {
            pinnedReads++;
        }
        out.printf("  %-7s %-9s %-66s %s%n", routing.route(), node, abbreviate(sql), answer);
        out.printf("          why: %s%n", routing.reason());
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 66 ? sql : sql.substring(0, 63) + "...";
    }

    private static void copyAsReplica(Path primary, Path replica, String name) throws SQLException, IOException {
        Files.copy(primary, replica, StandardCopyOption.REPLACE_EXISTING);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + replica);
                Statement statement = connection.createStatement()) {
            statement.execute("UPDATE node SET name = '" + name + "'");
        }
    }
}
