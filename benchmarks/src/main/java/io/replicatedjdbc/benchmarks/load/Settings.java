package io.replicatedjdbc.benchmarks.load;

/**
 * How long each part of the suite runs. {@link #fullRun()} is the documented run (about 16 minutes on a 2-core machine);
 * {@link #smokeRun()} runs every scenario for a moment, so that the build keeps the code working. Smoke numbers mean
 * nothing.
 */
record Settings(
        boolean smoke,
        int overheadRounds,
        int overheadStatements,
        int rounds,
        double scalingSeconds,
        double mixSeconds,
        double tpcbSeconds,
        int threads,
        double cpuQuota,
        int scanRows) {

    static Settings fullRun() {
        return new Settings(false, 4000, 10, 3, 6, 8, 6, 16, 0.35, 20_000);
    }

    static Settings smokeRun() {
        return new Settings(true, 4, 20, 1, 0.3, 0.3, 0.3, 4, 0.35, 2_000);
    }
}
