package io.replicatedjdbc;

import io.replicatedjdbc.internal.cli.Main;

/**
 * The command line of the driver's jar: {@code java -jar replicated-jdbc.jar --help}. Commands: {@code explain}
 * (where statements would go, without a database) and {@code status} (what every node of a configuration is now, for
 * operators and readiness probes). {@code --driver JAR} before the command adds a node driver's jar (PgJDBC), which
 * {@code java -jar} would otherwise not see; {@code java -cp replicated-jdbc.jar:postgresql.jar io.replicatedjdbc.Cli}
 * does the same.
 */
public final class Cli {

    private Cli() {}

    /** Runs the command and exits with its status: 0 done, 2 bad arguments; {@code status}: 3 when no node takes writes. */
    public static void main(String[] args) {
        System.exit(Main.run(args, System.in, System.out, System.err));
    }
}
