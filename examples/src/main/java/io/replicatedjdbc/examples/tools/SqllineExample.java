package io.replicatedjdbc.examples.tools;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import sqlline.SqlLine;

/**
 * sqlline, a real JDBC command-line client, driven by a script: connect, list tables, query, insert, query.
 *
 * <p>Run: {@code SqllineExample jdbc:replicated:postgresql://primary,replica1,replica2/db user password}
 */
public final class SqllineExample {

    static final String SCRIPT = String.join(
            "\n",
            "!tables",
            "SELECT 'port=' || inet_server_port() AS answered_by;",
            "CREATE TABLE IF NOT EXISTS cli_notes (id serial PRIMARY KEY, body text);",
            "INSERT INTO cli_notes (body) VALUES ('from sqlline');",
            "SELECT 'port=' || inet_server_port() || ' rows=' || count(*) AS answered_by FROM cli_notes;",
            "!quit",
            "");

    private SqllineExample() {}

    public static void main(String[] args) throws IOException {
        System.out.print(run(args[0], args.length > 1 ? args[1] : "", args.length > 2 ? args[2] : ""));
    }

    /** Everything sqlline printed. */
    public static String run(String url, String user, String password) throws IOException {
        Path script = Files.createTempFile("replicated-jdbc-sqlline", ".sql");
        try {
            Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
            SqlLine sqlLine = new SqlLine();
            sqlLine.setOutputStream(print);
            sqlLine.setErrorStream(print);
            SqlLine.Status status = sqlLine.begin(
                    new String[] {"-u", url, "-n", user, "-p", password, "--run=" + script, "--showWarnings=false"},
                    new ByteArrayInputStream(new byte[0]),
                    false);
            print.flush();
            return output.toString(StandardCharsets.UTF_8) + "\nstatus: " + status + "\n";
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
