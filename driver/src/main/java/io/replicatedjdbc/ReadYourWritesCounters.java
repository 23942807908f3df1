package io.replicatedjdbc;

/**
 * What read-your-writes by WAL position did for every connection of one configuration in this JVM, since the first
 * connection opened: a snapshot, from {@link ReplicatedConnection#readYourWritesCounters()}.
 */
public final class ReadYourWritesCounters {

    private final long readsKeptOnPrimary;
    private final long readsOnReplicaAfterCheck;
    private final long directChecks;
    private final long positionFetches;
    private final long sharedPositions;
    private final long waits;
    private final long waitNanos;

    public ReadYourWritesCounters(long readsKeptOnPrimary, long readsOnReplicaAfterCheck, long directChecks,
                                  long positionFetches, long sharedPositions, long waits, long waitNanos) {
        this.readsKeptOnPrimary = readsKeptOnPrimary;
        this.readsOnReplicaAfterCheck = readsOnReplicaAfterCheck;
        this.directChecks = directChecks;
        this.positionFetches = positionFetches;
        this.sharedPositions = sharedPositions;
        this.waits = waits;
        this.waitNanos = waitNanos;
    }

    /** Reads that went to the primary because no replica had replayed the writes they must see. */
    public long readsKeptOnPrimary() {
        return readsKeptOnPrimary;
    }

    /** Reads that had writes to see and ran on a replica that was shown to have replayed them. */
    public long readsOnReplicaAfterCheck() {
        return readsOnReplicaAfterCheck;
    }

    /** Times a read asked its replica's replay position itself, the shared monitor's answer being too old. */
    public long directChecks() {
        return directChecks;
    }

    /**
     * Times a connection asked the primary for the WAL position of its writes (at most once per run of writes), or,
     * in global scope, of the commits counted.
     */
    public long positionFetches() {
        return positionFetches;
    }

    /**
     * Times a read needed the position of writes and took it from a fetch another connection had sent after they
     * committed, instead of asking the primary itself.
     */
    public long sharedPositions() {
        return sharedPositions;
    }

    /** Reads that waited for a replica to catch up ({@code readYourWritesWait}). */
    public long waits() {
        return waits;
    }

    /** Time spent in those waits, in nanoseconds. */
    public long waitNanos() {
        return waitNanos;
    }

    @Override
    public String toString() {
        return "readsKeptOnPrimary=" + readsKeptOnPrimary + ", readsOnReplicaAfterCheck=" + readsOnReplicaAfterCheck
                + ", directChecks=" + directChecks + ", positionFetches=" + positionFetches
                + ", sharedPositions=" + sharedPositions + ", waits=" + waits
                + ", waitMillis=" + waitNanos / 1_000_000;
    }
}
