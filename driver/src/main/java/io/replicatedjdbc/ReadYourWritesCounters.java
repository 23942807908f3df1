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
    private final long sampledPositions;
    private final long sampledChecks;
    private final long catalogQuestions;
    private final long readsByTable;

    public ReadYourWritesCounters(
            long readsKeptOnPrimary,
            long readsOnReplicaAfterCheck,
            long directChecks,
            long positionFetches,
            long sharedPositions,
            long waits,
            long waitNanos) {
        this(
                readsKeptOnPrimary,
                readsOnReplicaAfterCheck,
                directChecks,
                positionFetches,
                sharedPositions,
                waits,
                waitNanos,
                0,
                0);
    }

    public ReadYourWritesCounters(
            long readsKeptOnPrimary,
            long readsOnReplicaAfterCheck,
            long directChecks,
            long positionFetches,
            long sharedPositions,
            long waits,
            long waitNanos,
            long sampledPositions,
            long sampledChecks) {
        this(
                readsKeptOnPrimary,
                readsOnReplicaAfterCheck,
                directChecks,
                positionFetches,
                sharedPositions,
                waits,
                waitNanos,
                sampledPositions,
                sampledChecks,
                0,
                0);
    }

    public ReadYourWritesCounters(
            long readsKeptOnPrimary,
            long readsOnReplicaAfterCheck,
            long directChecks,
            long positionFetches,
            long sharedPositions,
            long waits,
            long waitNanos,
            long sampledPositions,
            long sampledChecks,
            long catalogQuestions,
            long readsByTable) {
        this.catalogQuestions = catalogQuestions;
        this.readsByTable = readsByTable;
        this.sampledPositions = sampledPositions;
        this.sampledChecks = sampledChecks;
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

    /**
     * Times a read asked its replica's replay position itself, on its own thread. (With PgJDBC the replica's sampler
     * asks instead; a read it cannot answer in time runs on the primary.)
     */
    public long directChecks() {
        return directChecks;
    }

    /**
     * Times a connection asked the primary for the WAL position of its writes (at most once per run of writes), or,
     * in global scope, of the commits counted, on its own thread: the position sampler did not answer in time.
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

    /**
     * Times a read took the position of its writes from the configuration's position sampler, which asked the primary
     * off the application's threads (one question for every read waiting then), instead of asking itself.
     */
    public long sampledPositions() {
        return sampledPositions;
    }

    /**
     * Times a read took a replica's replay position from that replica's sampler, which asked off the application's
     * threads (one question for every read waiting then), instead of asking itself.
     */
    public long sampledChecks() {
        return sampledChecks;
    }

    /**
     * Times the primary's catalog was asked, on an application's thread, whether the tables statements touch reach
     * further ({@code readYourWritesTables}): about once a second per configuration, and once per new name.
     */
    public long catalogQuestions() {
        return catalogQuestions;
    }

    /**
     * Reads whose tables the catalog proved ({@code readYourWritesTables}): they waited only for the writes to those
     * tables.
     */
    public long readsByTable() {
        return readsByTable;
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
                + ", sharedPositions=" + sharedPositions + ", sampledPositions=" + sampledPositions
                + ", sampledChecks=" + sampledChecks + ", catalogQuestions=" + catalogQuestions
                + ", readsByTable=" + readsByTable + ", waits=" + waits
                + ", waitMillis=" + waitNanos / 1_000_000;
    }
}
