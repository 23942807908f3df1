package io.replicatedjdbc.benchmarks.load;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop load: {@code threads} threads each run requests back to back for a fixed time. Every request's wall
 * time is kept for percentiles; the client process's CPU time over the run is read from the JVM (it includes the
 * drivers' own background threads, such as a replica-position monitor).
 */
final class Load {

    /** One request; it counts what it saw in {@code counts} (reads on replicas, stale reads, ...). */
    @FunctionalInterface
    interface Request {
        void run(Random random, Counts counts) throws Exception;
    }

    /** Named counters shared by a run's threads. */
    static final class Counts {
        private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

        void add(String name) {
            counters.computeIfAbsent(name, n -> new LongAdder()).increment();
        }

        long get(String name) {
            LongAdder adder = counters.get(name);
            return adder == null ? 0 : adder.sum();
        }

        Map<String, LongAdder> all() {
            return counters;
        }

        private final Map<String, long[][]> timings = new ConcurrentHashMap<>();

        /** Records one duration of the kind {@code name} (a step of a request), in nanoseconds. */
        void time(String name, long nanos) {
            long[][] holder = timings.computeIfAbsent(name, n -> new long[][] {new long[1024], {0}});
            synchronized (holder) {
                int n = (int) holder[1][0];
                if (n == holder[0].length) {
                    holder[0] = java.util.Arrays.copyOf(holder[0], n * 2);
                }
                holder[0][n] = nanos;
                holder[1][0] = n + 1;
            }
        }

        /** The {@code quantile} (0 to 1) of the durations of {@code name}, in milliseconds; NaN when none. */
        double millis(String name, double quantile) {
            long[][] holder = timings.get(name);
            if (holder == null) {
                return Double.NaN;
            }
            long[] sorted;
            synchronized (holder) {
                sorted = java.util.Arrays.copyOf(holder[0], (int) holder[1][0]);
            }
            if (sorted.length == 0) {
                return Double.NaN;
            }
            java.util.Arrays.sort(sorted);
            int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
            return sorted[Math.max(index, 0)] / 1e6;
        }
    }

    record Result(
            long requests,
            double seconds,
            double p50Millis,
            double p99Millis,
            double clientCpuMicrosPerRequest,
            Counts counts) {
        double perSecond() {
            return requests / seconds;
        }
    }

    /** The rounds of one configuration, as lists: throughput, p50, p99, client CPU per request. */
    record Rounds(List<Double> perSecond, List<Double> p50, List<Double> p99, List<Double> cpu) {

        static Rounds of(List<Result> results) {
            Rounds rounds = new Rounds(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (Result result : results) {
                rounds.perSecond.add(result.perSecond());
                rounds.p50.add(result.p50Millis());
                rounds.p99.add(result.p99Millis());
                rounds.cpu.add(result.clientCpuMicrosPerRequest());
            }
            return rounds;
        }
    }

    private Load() {}

    static Result run(int threads, double seconds, long seed, Request request) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Counts counts = new Counts();
        long[][] latencies = new long[threads][];
        int[] done = new int[threads];
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = new Thread(
                    () -> {
                        Random random = new Random(seed * 31 + index);
                        long[] mine = new long[1 << 14];
                        int n = 0;
                        ready.countDown();
                        try {
                            go.await();
                            while (!stop.get()) {
                                long start = System.nanoTime();
                                request.run(random, counts);
                                if (n == mine.length) {
                                    mine = Arrays.copyOf(mine, n * 2);
                                }
                                mine[n++] = System.nanoTime() - start;
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                            stop.set(true);
                        }
                        latencies[index] = mine;
                        done[index] = n;
                    },
                    "load-" + t);
            workers[t].start();
        }
        ready.await();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long start = System.nanoTime();
        go.countDown();
        long deadline = start + (long) (seconds * 1e9);
        while (!stop.get() && System.nanoTime() < deadline) {
            Thread.sleep(Math.max(1, Math.min(50, (deadline - System.nanoTime()) / 1_000_000)));
        }
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        if (failure.get() != null) {
            throw new IllegalStateException("a request failed: " + failure.get(), failure.get());
        }
        int total = 0;
        for (int n : done) {
            total += n;
        }
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, done[t]);
            at += done[t];
        }
        return new Result(
                total,
                elapsed,
                Stats.percentileMillis(all, total, 50),
                Stats.percentileMillis(all, total, 99),
                total == 0 ? Double.NaN : cpu / 1e3 / total,
                counts);
    }
}
