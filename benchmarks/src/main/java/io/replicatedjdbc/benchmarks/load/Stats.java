package io.replicatedjdbc.benchmarks.load;

import java.util.Arrays;
import java.util.List;

/** Medians and spreads of repeated measurements, and percentiles of latencies. */
final class Stats {

    private Stats() {}

    static double median(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** The {@code p}-th percentile (0..100) of nanosecond latencies, in milliseconds. */
    static double percentileMillis(long[] nanos, int count, double p) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int index = (int) Math.min(count - 1, Math.ceil(p / 100 * count) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
