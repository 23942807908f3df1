package io.replicatedjdbc.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Equal CPU budgets for servers that share one machine: each server (its postmaster and every process it forks)
 * goes into its own Linux cgroup (v1 {@code cpu} controller) with a CPU quota, so that each emulates a separate host
 * of the same size. Needs a writable cgroup, which root has on these machines; otherwise {@link #apply} says why not
 * and the suite runs without budgets (and says so in its results).
 */
final class CpuBudget implements AutoCloseable {

    private static final Path CPU = Paths.get("/sys/fs/cgroup/cpu");
    private static final int PERIOD_US = 100_000;

    private final Path root;
    private final List<Path> groups = new ArrayList<>();
    final String description;

    private CpuBudget(Path root, String description) {
        this.root = root;
        this.description = description;
    }

    /** Puts each local server into a group of its own with {@code share} of one CPU; null when that cannot be done. */
    static CpuBudget apply(Nodes nodes, double share, StringBuilder why) {
        if (!nodes.isLocal()) {
            why.append("servers given by URL: their hosts set their budgets");
            return null;
        }
        Path root =
                CPU.resolve("replicated-jdbc-bench-" + ProcessHandle.current().pid());
        if (!Files.isWritable(CPU)) {
            why.append("no writable cgroup v1 cpu controller at ").append(CPU).append(" (run as root on Linux)");
            return null;
        }
        CpuBudget budget = new CpuBudget(root, Math.round(share * 100) + "% of one CPU per server (cgroup cpu quota)");
        try {
            Files.createDirectories(root);
            for (int node = 0; node < nodes.nodes.size(); node++) {
                Path group = root.resolve("node" + node);
                Files.createDirectories(group);
                budget.groups.add(group);
                write(group.resolve("cpu.cfs_period_us"), String.valueOf(PERIOD_US));
                write(group.resolve("cpu.cfs_quota_us"), String.valueOf(Math.round(share * PERIOD_US)));
                moveServer(nodes, node, group);
            }
            return budget;
        } catch (Exception e) {
            why.append("could not set up cgroups: ").append(e.getMessage());
            budget.close();
            return null;
        }
    }

    /**
     * Pins every server to the last CPU (a cpuset cgroup) and this JVM to the others ({@code taskset}), so that the
     * client's thread and a server process never take turns on one CPU: on a 2-core machine, whether a connection's
     * backend happened to share the client's CPU changed a statement's cost by more than the driver's whole overhead.
     * Null, with the reason in {@code why}, where that cannot be done.
     */
    static AutoCloseable pinApart(Nodes nodes, StringBuilder why) {
        int cpus = Runtime.getRuntime().availableProcessors();
        Path cpuset = Paths.get("/sys/fs/cgroup/cpuset");
        if (!nodes.isLocal() || cpus < 2 || !Files.isWritable(cpuset)) {
            why.append(!nodes.isLocal() ? "servers given by URL" : cpus < 2 ? "one CPU" : "no writable cpuset cgroup");
            return null;
        }
        long self = ProcessHandle.current().pid();
        Path group = cpuset.resolve("replicated-jdbc-bench-" + self + "-servers");
        String serverCpu = String.valueOf(cpus - 1);
        String clientCpus = cpus == 2 ? "0" : "0-" + (cpus - 2);
        try {
            Files.createDirectories(group);
            write(group.resolve("cpuset.cpus"), serverCpu);
            write(
                    group.resolve("cpuset.mems"),
                    Files.readString(cpuset.resolve("cpuset.mems")).trim());
            for (int node = 0; node < nodes.nodes.size(); node++) {
                moveServer(nodes, node, group);
            }
            taskset(clientCpus, self);
        } catch (Exception e) {
            why.append("could not pin: ").append(e.getMessage());
            unpin(cpuset, group, cpus, self);
            return null;
        }
        return () -> unpin(cpuset, group, cpus, self);
    }

    private static void taskset(String cpus, long pid) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (process.waitFor() != 0) {
            throw new IOException("taskset exited with " + process.exitValue());
        }
    }

    private static void unpin(Path cpuset, Path group, int cpus, long self) {
        try {
            taskset("0-" + (cpus - 1), self);
        } catch (Exception e) {
            System.err.println("could not unpin this JVM: " + e.getMessage());
        }
        empty(group, cpuset);
    }

    /**
     * Moves every process of {@code group} back to {@code parent} and removes the group. A server may fork a backend
     * into the group while its processes are being moved, so the moves repeat until it is empty.
     */
    private static void empty(Path group, Path parent) {
        if (!Files.isDirectory(group)) {
            return;
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                List<String> pids = Files.readAllLines(group.resolve("cgroup.procs"));
                if (pids.stream().allMatch(String::isBlank)) {
                    Files.deleteIfExists(group);
                    return;
                }
                for (String pid : pids) {
                    if (!pid.isBlank()) {
                        try {
                            write(parent.resolve("cgroup.procs"), pid.trim());
                        } catch (IOException gone) {
                            // ended meanwhile
                        }
                    }
                }
            } catch (IOException busy) {
                // a process arrived between the look and the removal: look again
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        System.err.println("could not remove " + group);
    }

    /**
     * Moves a server into {@code group}: its postmaster, so that backends forked later start there, and the processes
     * it has already (background workers, WAL replay, open backends).
     */
    private static void moveServer(Nodes nodes, int node, Path group) throws Exception {
        long postmaster = postmaster(nodes, node);
        write(group.resolve("cgroup.procs"), String.valueOf(postmaster));
        for (ProcessHandle child :
                ProcessHandle.of(postmaster).map(p -> p.descendants().toList()).orElse(List.of())) {
            try {
                write(group.resolve("cgroup.procs"), String.valueOf(child.pid()));
            } catch (IOException exited) {
                // a backend that ended meanwhile (the one that was asked for the data directory)
            }
        }
    }

    /** The postmaster of a node, from the postmaster.pid file in its data directory. */
    private static long postmaster(Nodes nodes, int node) throws Exception {
        String dataDirectory;
        try (Connection connection = nodes.connect(node);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW data_directory")) {
            rs.next();
            dataDirectory = rs.getString(1);
        }
        return Long.parseLong(Files.readAllLines(Paths.get(dataDirectory, "postmaster.pid"))
                .get(0)
                .trim());
    }

    private static void write(Path file, String value) throws IOException {
        Files.write(file, value.getBytes(StandardCharsets.US_ASCII));
    }

    /** Moves every process back to the root group and removes the groups. */
    @Override
    public void close() {
        for (Path group : groups) {
            empty(group, CPU);
        }
        try {
            if (Files.isDirectory(root)) {
                try (DirectoryStream<Path> left = Files.newDirectoryStream(root, p -> Files.isDirectory(p))) {
                    for (Path p : left) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(root);
            }
        } catch (IOException e) {
            System.err.println("could not remove " + root + ": " + e.getMessage());
        }
    }
}
