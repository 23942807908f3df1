package io.replicatedjdbc.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole measured suite, one command: routing overhead against plain PgJDBC, the classifier's micro benchmarks,
 * the backends a pool holds on each node,
 * why a standby scans slower, read scaling on equal CPU budgets, the mixed workload beside the alternatives, and a
 * TPC-B-like mix. Writes one CSV and one JSON file per scenario, PNG charts and {@code summary.md}.
 *
 * <p>Arguments: {@code --out DIR}, {@code --full} (the default) or {@code --smoke} (every scenario for a moment),
 * {@code --only overhead,classifier,scaling,mix,tables,tpcb,connections,clients}, and {@code --primary URL --replica URL --replica URL} to
 * run against servers elsewhere (PgJDBC URLs with credentials; no CPU budgets are set then).
 */
public final class Suite {

    private Suite() {}

    public static void main(String[] given) throws Exception {
        // Maven passes -Dsuite.args="--only scaling" as one argument: split it as a shell would.
        String[] args = String.join(" ", given).trim().split("\\s+");
        Path out = Paths.get("benchmarks/results");
        Settings settings = Settings.fullRun();
        List<String> external = new ArrayList<>();
        String only = "overhead,classifier,scaling,mix,tables,tpcb,connections,clients,front";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Paths.get(args[++i]);
                case "--full" -> settings = Settings.fullRun();
                case "--smoke" -> settings = Settings.smokeRun();
                case "--only" -> only = args[++i];
                case "--primary", "--replica" -> external.add(args[++i]);
                case "" -> {}
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + " (expected --out DIR, --full, --smoke, --only LIST, --primary URL, --replica URL)");
            }
        }
        run(out, settings, external, List.of(only.split(",")));
    }

    /** Runs the chosen scenarios and writes their results to {@code out}; returns the tables written. */
    static List<Table> run(Path out, Settings settings, List<String> external, List<String> only) throws Exception {
        Files.createDirectories(out);
        Instant started = Instant.now();
        List<Table> tables = new ArrayList<>();
        List<NamedChart> charts = new ArrayList<>();
        String budgetText = "none";
        try (Nodes nodes = external.isEmpty() ? Nodes.startLocal() : Nodes.external(external)) {
            log("servers: " + nodes.nodes.size() + (nodes.isLocal() ? " (started here)" : " (given)"));
            try (Connection primary = nodes.connect(0)) {
                Overhead.createTable(primary);
                ReadScaling.createTable(primary, settings.scanRows());
                SideBySide.createTable(primary);
                TableScopes.createTable(primary);
                TpcB.createTables(primary);
            }
            nodes.awaitReplicas();
            if (only.contains("overhead")) {
                StringBuilder why = new StringBuilder();
                try (AutoCloseable pinned = CpuBudget.pinApart(nodes, why)) {
                    String placement = pinned != null
                            ? "servers on the last CPU, the client on the others"
                            : "not pinned (" + why + ")";
                    log("routing overhead; " + placement);
                    Table overhead = Overhead.run(nodes, settings, charts);
                    overhead.note("CPU placement: " + placement + ".");
                    tables.add(overhead);
                }
            }
            if (only.contains("connections")) {
                log("backends per node for a pool");
                tables.add(Connections.run(nodes, settings));
            }
            if (only.contains("front")) {
                log("what to put in front of the driver");
                tables.add(FrontPool.run(nodes, settings));
            }
            if (only.contains("clients")) {
                log("many clients over per-node pools");
                tables.add(ManyClients.run(nodes, settings));
            }
            if (only.contains("scaling")) {
                log("standby scan cost");
                tables.add(ReadScaling.standbyScanCost(nodes, settings));
            }
            StringBuilder why = new StringBuilder();
            try (CpuBudget budget = CpuBudget.apply(nodes, settings.cpuQuota(), why)) {
                budgetText = budget != null ? budget.description : "none (" + why + ")";
                log("CPU budgets: " + budgetText);
                if (only.contains("scaling")) {
                    log("read scaling");
                    tables.add(ReadScaling.run(nodes, settings, budgetText, charts));
                }
                if (only.contains("mix")) {
                    log("side by side");
                    tables.add(SideBySide.run(nodes, settings, budgetText, charts));
                }
                if (only.contains("tables")) {
                    log("read-your-writes by table");
                    tables.add(TableScopes.run(nodes, settings, budgetText));
                }
                if (only.contains("tpcb")) {
                    log("TPC-B-like");
                    tables.add(TpcB.run(nodes, settings, budgetText, charts));
                }
            }
        }
        if (only.contains("classifier")) {
            log("classifier micro benchmarks");
            tables.add(Micro.run(settings, charts));
        }
        for (Table table : tables) {
            table.write(out);
        }
        for (NamedChart chart : charts) {
            chart.chart().write(out.resolve(chart.name() + ".png"));
        }
        Duration took = Duration.between(started, Instant.now());
        Files.write(
                out.resolve("summary.md"),
                summary(tables, charts, settings, took).getBytes(StandardCharsets.UTF_8));
        log("done in " + took.toSeconds() + " s; results in " + out.toAbsolutePath());
        return tables;
    }

    private static String summary(List<Table> tables, List<NamedChart> charts, Settings settings, Duration took) {
        StringBuilder md = new StringBuilder("# Measured results\n\n");
        Runtime runtime = Runtime.getRuntime();
        md.append("- Machine: ")
                .append(runtime.availableProcessors())
                .append(" cores, ")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.arch"))
                .append("; JDK ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.runtime.version"))
                .append('\n');
        md.append("- JVM arguments: ")
                .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))
                .append('\n');
        md.append("- Command: `mvn -B -q -DskipTests -Psuite -pl benchmarks -am verify`")
                .append(settings.smoke() ? " (smoke settings: these numbers mean nothing)" : "")
                .append('\n');
        md.append("- Took ").append(took.toSeconds()).append(" s\n\n");
        for (Table table : tables) {
            md.append(table.markdown());
        }
        for (NamedChart chart : charts) {
            md.append("![")
                    .append(chart.name())
                    .append("](")
                    .append(chart.name())
                    .append(".png)\n");
        }
        return md.toString();
    }

    private static void log(String message) {
        System.out.println("[suite] " + message);
        System.out.flush();
    }
}
