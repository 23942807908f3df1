package io.replicatedjdbc.benchmarks.load;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * Two builds of the driver jar side by side in one process, each in its own class loader, run interleaved with
 * plain PgJDBC against the same replica: what a change costs or saves, with the drift of the machine cancelled out.
 * Giving the same jar twice shows the method's floor: two copies of one build differ by what JIT and cache placement
 * make of them.
 *
 * <p>Arguments: {@code A.jar B.jar [rounds]}. Starts the project's test cluster, pins the servers apart from the
 * client where it can, and prints, per statement shape, the CPU each build adds over plain PgJDBC and B minus A.
 */
public final class Builds {

    private Builds() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("expected A.jar B.jar [rounds]");
        }
        Driver a = load(Path.of(args[0]));
        Driver b = load(Path.of(args[1]));
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4_000;
        try (Nodes nodes = Nodes.startLocal()) {
            try (Connection primary = nodes.connect(0)) {
                Overhead.createTable(primary);
            }
            nodes.awaitReplicas();
            StringBuilder why = new StringBuilder();
            try (AutoCloseable pinned = CpuBudget.pinApart(nodes, why)) {
                System.out.println(
                        pinned != null ? "servers on the last CPU, the client on the others" : "not pinned: " + why);
                String url = nodes.replicatedUrl(1);
                try (Connection ca = a.connect(url, new Properties());
                        Connection cb = b.connect(url, new Properties())) {
                    int readNode = Overhead.readNode(nodes, ca);
                    try (Connection plainRead = nodes.connect(readNode);
                            Connection plainWrite = nodes.connect(0)) {
                        for (Overhead.Kind kind : Overhead.kinds()) {
                            compare(kind, kind.write() ? plainWrite : plainRead, ca, cb, rounds);
                        }
                    }
                }
            }
        }
    }

    private static void compare(Overhead.Kind kind, Connection plain, Connection ca, Connection cb, int rounds)
            throws Exception {
        try (Overhead.Runner rp = kind.open(plain);
                Overhead.Runner ra = kind.open(ca);
                Overhead.Runner rb = kind.open(cb)) {
            Overhead.Runner[] runners = {rp, ra, rb};
            Random random = new Random(42);
            int n = 10;
            for (int i = 0; i < 2_000; i++) {
                for (Overhead.Runner runner : runners) {
                    runner.run(random, n);
                }
            }
            int[][] orders = {{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {2, 0, 1}, {0, 2, 1}, {1, 2, 0}};
            List<Double> addedA = new ArrayList<>();
            List<Double> addedB = new ArrayList<>();
            List<Double> difference = new ArrayList<>();
            long[] cpu = new long[3];
            for (int round = 0; round < rounds; round++) {
                for (int index : orders[round % orders.length]) {
                    long start = Overhead.threadCpu();
                    runners[index].run(random, n);
                    cpu[index] = Overhead.threadCpu() - start;
                }
                addedA.add((cpu[1] - cpu[0]) / 1e3 / n);
                addedB.add((cpu[2] - cpu[0]) / 1e3 / n);
                difference.add((cpu[2] - cpu[1]) / 1e3 / n);
            }
            double[] ma = Overhead.trimmedMean(addedA, 0.05);
            double[] mb = Overhead.trimmedMean(addedB, 0.05);
            double[] md = Overhead.trimmedMean(difference, 0.05);
            System.out.printf(
                    "%-45s A adds %.2f +/- %.2f us, B adds %.2f +/- %.2f us, B - A %.2f +/- %.2f us%n",
                    kind.name(), ma[0], ma[1], mb[0], mb[1], md[0], md[1]);
        }
    }

    /** The driver of a jar, loaded first from the jar itself (the driver on this class path is not used). */
    static Driver load(Path jar) throws Exception {
        ClassLoader parent = Builds.class.getClassLoader();
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith("io.replicatedjdbc.")
                        || name.startsWith("io.replicatedjdbc.benchmarks.")
                        || name.startsWith("io.replicatedjdbc.testing.")) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null) {
                        loaded = findClass(name);
                    }
                    if (resolve) {
                        resolveClass(loaded);
                    }
                    return loaded;
                }
            }
        };
        try {
            return (Driver) Class.forName("io.replicatedjdbc.ReplicatedDriver", true, loader)
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new SQLException("no driver in " + jar, e);
        }
    }
}
