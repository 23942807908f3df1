package io.replicatedjdbc.internal.cli;

import io.replicatedjdbc.ReplicatedProperty;
import io.replicatedjdbc.internal.Version;
import java.io.PrintStream;

/** {@code java -jar replicated-jdbc.jar [--help | --version]}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printHelp(out);
            return 0;
        }
        if (args[0].equals("--version") || args[0].equals("version")) {
            out.println("replicated-jdbc " + Version.text());
            return 0;
        }
        err.println("replicated-jdbc: unknown command '" + args[0] + "'. Try --help.");
        return 2;
    }

    private static void printHelp(PrintStream out) {
        out.println("replicated-jdbc " + Version.text() + ": a JDBC driver that sends reads to replicas and writes to the primary.");
        out.println();
        out.println("Use it as a JDBC driver: put this jar beside your database's JDBC driver and connect to");
        out.println("  jdbc:replicated:postgresql://primary:5432,replica1:5432,replica2:5432/app");
        out.println("  jdbc:replicated:sqlite:/data/app.db?replicas=/data/replica1.db,/data/replica2.db");
        out.println("Driver class: io.replicatedjdbc.ReplicatedDriver");
        out.println();
        out.println("Commands:");
        out.println("  --help       this text");
        out.println("  --version    the driver's version");
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
