package io.replicatedjdbc.internal.cluster;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the connections of one configuration in this JVM know about the primary's WAL: the commits counted (for
 * {@code readYourWritesScope=global}), and the primary's insert positions that any of them fetched lately.
 *
 * <p>A fetch of {@code pg_current_wal_insert_lsn()} sent after a commit returned answers a position at or after that
 * commit. So a connection whose writes committed at time {@code t} needs no fetch of its own when another connection
 * sent one after {@code t}: pooled connections that write now and then share one round trip to the primary instead
 * of one each. Times are {@link System#nanoTime()} readings, which every thread of the JVM shares.
 */
public final class CommittedWrites {

    /** Fetches remembered: the earliest one sent after a commit gives the smallest position that covers it. */
    public static final int FETCHES = 16;

    /** One answer of the primary: when its question was sent, and the position it answered. */
    private static final class Fetch {
        final long sentNanos;
        final long position;

        Fetch(long sentNanos, long position) {
            this.sentNanos = sentNanos;
            this.position = position;
        }
    }

    private final AtomicLong commits = new AtomicLong();

    /** Tables whose commits are timed apart; the commits of any table past that count for every table. */
    static final int TABLES = 1024;

    /** Per table (readYourWritesTables): when the latest commit that changed it returned. */
    private final ConcurrentHashMap<String, AtomicLong> byTable = new ConcurrentHashMap<>();
    /** Commits that may have changed any table, and when the latest returned. */
    private final AtomicLong unscopedCommits = new AtomicLong();

    private final AtomicLong lastUnscopedCommitNanos = new AtomicLong();
    /** When the latest commit counted returned; meaningful once {@link #commits} is above zero. */
    private final AtomicLong lastCommitNanos = new AtomicLong();

    private final AtomicReferenceArray<Fetch> fetches = new AtomicReferenceArray<>(FETCHES);
    private final AtomicInteger next = new AtomicInteger();

    /** Asks the primary's insert position off the caller's thread (the configuration's position sampler). */
    @FunctionalInterface
    public interface PositionSource {
        /** A position answered to a question sent after {@code nanos}, waiting up to {@code waitNanos}; NONE if none. */
        long after(long nanos, long waitNanos) throws InterruptedException;
    }

    private volatile PositionSource source;

    /** Where {@link #positionCovering} asks when no remembered answer covers a commit. */
    public void source(PositionSource positions) {
        this.source = positions;
    }

    /**
     * A position covering every commit that returned before {@code nanos}: a remembered answer, else the source's next
     * one (waiting up to {@code waitNanos}); NONE when neither came.
     */
    public long positionCovering(long nanos, long waitNanos) throws InterruptedException {
        long position = positionAfter(nanos);
        PositionSource positions = source;
        return position != WalPosition.NONE || positions == null ? position : positions.after(nanos, waitNanos);
    }

    /** A write of some connection committed; {@code nanos} was read after the commit returned. */
    public void committed(long nanos) {
        committed(nanos, null);
    }

    /**
     * A write of some connection that changed only {@code tables} (null: any table) committed; {@code nanos} was read
     * after the commit returned.
     */
    public void committed(long nanos, List<String> tables) {
        if (tables != null && byTable.size() + tables.size() > TABLES) {
            tables = null;
        }
        if (tables == null) {
            later(lastUnscopedCommitNanos, nanos);
            unscopedCommits.incrementAndGet();
        } else {
            for (String table : tables) {
                later(byTable.computeIfAbsent(table, name -> new AtomicLong(nanos)), nanos);
            }
        }
        later(lastCommitNanos, nanos);
        commits.incrementAndGet();
    }

    private static void later(AtomicLong time, long nanos) {
        time.accumulateAndGet(nanos, (current, given) -> given - current > 0 ? given : current);
    }

    /** {@link #lastCommitNanos(List)} when no commit counted may have changed the tables. */
    public static final long NO_COMMIT = Long.MIN_VALUE;

    /**
     * When the latest commit counted that may have changed one of {@code tables} (null: any table) returned, or
     * {@link #NO_COMMIT}.
     */
    public long lastCommitNanos(List<String> tables) {
        if (tables == null) {
            return commits.get() > 0 ? lastCommitNanos.get() : NO_COMMIT;
        }
        boolean found = unscopedCommits.get() > 0;
        long latest = found ? lastUnscopedCommitNanos.get() : NO_COMMIT;
        for (String table : tables) {
            AtomicLong time = byTable.get(table);
            if (time != null && (!found || time.get() - latest > 0)) {
                latest = time.get();
                found = true;
            }
        }
        return latest;
    }

    /** How many commits have been counted so far. */
    public long commits() {
        return commits.get();
    }

    /** When the latest commit counted returned (a {@link System#nanoTime()} reading); only when {@link #commits()} > 0. */
    public long lastCommitNanos() {
        return lastCommitNanos.get();
    }

    /** The primary answered {@code position} to a fetch sent at {@code sentNanos}. */
    public void fetched(long sentNanos, long position) {
        if (position == WalPosition.NONE) {
            return;
        }
        fetches.set(Math.floorMod(next.getAndIncrement(), FETCHES), new Fetch(sentNanos, position));
    }

    /**
     * The smallest position fetched by a question sent after {@code nanos}: it covers every commit that returned
     * before then. NONE when no remembered fetch was sent after it.
     */
    public long positionAfter(long nanos) {
        long best = WalPosition.NONE;
        for (int i = 0; i < FETCHES; i++) {
            Fetch fetch = fetches.get(i);
            if (fetch != null
                    && fetch.sentNanos - nanos > 0
                    && (best == WalPosition.NONE || Long.compareUnsigned(fetch.position, best) < 0)) {
                best = fetch.position;
            }
        }
        return best;
    }
}
