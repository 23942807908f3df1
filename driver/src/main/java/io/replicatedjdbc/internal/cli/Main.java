package io.replicatedjdbc.internal.cli;

import io.replicatedjdbc.ReplicatedProperty;
import io.replicatedjdbc.internal.Version;
import io.replicatedjdbc.internal.classify.CachingClassifier;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.classify.SqlClassifier;
import io.replicatedjdbc.internal.classify.StatementClassifier;
import io.replicatedjdbc.internal.cluster.StatusProbe;
import io.replicatedjdbc.internal.cluster.WalPosition;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.ConfigParser;
import io.replicatedjdbc.internal.config.PoolSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/** {@code java -jar replicated-jdbc.jar [--help | --version | explain [--dialect postgresql|sqlite]]}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one command; {@code --driver JAR} options first add node drivers' jars. Public for {@code io.replicatedjdbc.Cli}. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        List<URL> jars = new ArrayList<>();
        int first = 0;
        while (first + 1 < args.length && args[first].equals("--driver")) {
            Path jar = Paths.get(args[first + 1]);
            if (!Files.isRegularFile(jar)) {
                err.println("replicated-jdbc: --driver " + args[first + 1] + ": no such file (the node driver's jar,"
                        + " for example postgresql-42.7.11.jar)");
                return 2;
            }
            try {
                jars.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                err.println("replicated-jdbc: --driver " + args[first + 1] + ": " + e.getMessage());
                return 2;
            }
            first += 2;
        }
        String[] command = Arrays.copyOfRange(args, first, args.length);
        if (jars.isEmpty()) {
            return command(command, in, out, err);
        }
        // The node's driver is found through the service files of the thread's class loader (NodeConnector).
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        URLClassLoader drivers = new URLClassLoader(jars.toArray(new URL[0]), Main.class.getClassLoader());
        try {
            thread.setContextClassLoader(drivers);
            return command(command, in, out, err);
        } finally {
            thread.setContextClassLoader(before);
            try {
                drivers.close();
            } catch (IOException e) {
                // the command has run; nothing is left to release that matters
            }
        }
    }

    private static int command(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printHelp(out);
            return 0;
        }
        if (args[0].equals("--version") || args[0].equals("version")) {
            out.println("replicated-jdbc " + Version.text());
            return 0;
        }
        if (args[0].equals("explain")) {
            return explain(args, in, out, err);
        }
        if (args[0].equals("status")) {
            return status(args, out, err);
        }
        err.println("replicated-jdbc: unknown command '" + args[0] + "'. Try --help.");
        return 2;
    }

    /** Reads one statement per line and prints its route, a tab and the reason, as the driver would decide it. */
    private static int explain(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Dialect dialect = Dialect.POSTGRESQL;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--dialect") && i + 1 < args.length) {
                String name = args[++i].toLowerCase(Locale.ROOT);
                if (!name.equals("postgresql") && !name.equals("sqlite")) {
                    err.println("replicated-jdbc explain: unknown dialect '" + args[i]
                            + "': expected postgresql or sqlite");
                    return 2;
                }
                dialect = Dialect.forSubprotocol(name);
            } else {
                err.println("replicated-jdbc explain: unknown argument '" + args[i]
                        + "'. Usage: explain [--dialect postgresql|sqlite]");
                return 2;
            }
        }
        SqlClassifier classifier = new CachingClassifier(new StatementClassifier(dialect));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                Classification c = classifier.classify(line);
                out.println(c.route() + "\t" + c.reason());
            }
        } catch (IOException e) {
            err.println("replicated-jdbc explain: cannot read standard input: " + e.getMessage());
            return 1;
        }
        out.flush();
        return 0;
    }

    /**
     * Prints each node's address, reachability, role, WAL position and what the driver would do with it. Exits 0 when
     * the primary answers as a primary, 3 when it does not (writes would fail), 2 for a bad URL.
     */
    private static int status(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("replicated-jdbc status: usage: status '<jdbc:replicated:... URL>'");
            return 2;
        }
        Config config;
        try {
            config = ConfigParser.parse(args[1], new Properties());
        } catch (SQLException e) {
            err.println("replicated-jdbc status: " + e.getMessage());
            return 2;
        }
        if (!config.hasWalPositions()) {
            err.println(
                    "replicated-jdbc status: only PostgreSQL configurations (jdbc:replicated:postgresql:...) can be asked");
            return 2;
        }
        boolean primaryUp = false;
        out.println("node\treachable\trole\tWAL position\twhat the driver does\tpool (this user's backends there)");
        for (StatusProbe.NodeStatus status : StatusProbe.probe(config)) {
            out.println(status.node + "\t" + (status.reachable ? "yes" : "no") + "\t" + status.role + "\t"
                    + (status.reachable ? WalPosition.format(status.position) : "-")
                    + "\t" + status.verdict + "\t" + pool(config, status));
            if (status.reachable && status.verdict.startsWith("takes writes")) {
                primaryUp = true;
            }
        }
        out.flush();
        return primaryUp ? 0 : 3;
    }

    /**
     * The node's pool as configured, and the client backends of the configuration's user there now (all of its
     * applications', which a pool's size bounds per JVM): what an operator sizes max_connections by.
     */
    private static String pool(Config config, StatusProbe.NodeStatus status) {
        PoolSettings settings = config.pool();
        int index = config.replicas().indexOf(status.node);
        String size = !settings.pooled()
                ? "dedicated"
                : "size " + (index < 0 ? settings.primarySize() : settings.replicaSize(index));
        return size + (status.backends < 0 ? "" : " (" + status.backends + " backends)");
    }

    private static void printHelp(PrintStream out) {
        out.println("replicated-jdbc " + Version.text()
                + ": a JDBC driver that sends reads to replicas and writes to the primary.");
        out.println();
        out.println("Use it as a JDBC driver: put this jar beside your database's JDBC driver and connect to");
        out.println("  jdbc:replicated:postgresql://primary:5432,replica1:5432,replica2:5432/app");
        out.println("  jdbc:replicated:sqlite:/data/app.db?replicas=/data/replica1.db,/data/replica2.db");
        out.println("Driver class: io.replicatedjdbc.ReplicatedDriver");
        out.println();
        out.println("Commands:");
        out.println("  --help       this text");
        out.println("  --version    the driver's version");
        out.println("  explain [--dialect postgresql|sqlite]");
        out.println("               read one SQL statement per line from standard input and print where the driver");
        out.println(
                "               would send it on a fresh connection, and why: ROUTE<tab>reason. Without a database,");
        out.println("               PostgreSQL user functions are not checked for volatility.");
        out.println("  status '<url>'");
        out.println(
                "               ask every node of a PostgreSQL configuration whether it answers, its role, how far");
        out.println("               it has written or replayed the WAL, and what the driver would do with it. Exits 0");
        out.println("               when a node takes writes (the configured primary, or a promoted replica), 3 when");
        out.println(
                "               none does. PgJDBC must be given: java -jar replicated-jdbc.jar --driver postgresql.jar");
        out.println(
                "               status ..., or java -cp replicated-jdbc.jar:postgresql.jar io.replicatedjdbc.Cli status ...");
        out.println();
        out.println("Options (in the URL's query string or the connection properties):");
        for (ReplicatedProperty property : ReplicatedProperty.values()) {
            String value = property.getChoices().isEmpty()
                    ? (property.getDefaultValue() == null ? "" : " (default " + property.getDefaultValue() + ")")
                    : " " + String.join("|", property.getChoices()) + " (default " + property.getDefaultValue() + ")";
            out.println("  " + property.getName() + value);
            out.println("      " + property.getDescription());
        }
    }
}
