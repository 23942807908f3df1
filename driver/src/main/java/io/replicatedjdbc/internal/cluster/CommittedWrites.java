package io.replicatedjdbc.internal.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The writes committed by every logical connection of one configuration in this JVM, for
 * {@code readYourWritesScope=global}: a count of commits, and a WAL position known to cover the commits counted up to
 * some number. A read that finds commits the position does not cover yet asks the primary for its current insert
 * position, which covers every commit before it.
 */
public final class CommittedWrites {

    private final AtomicLong commits = new AtomicLong();
    private long position = WalPosition.NONE;
    private long covers;

    /** A write of some connection committed (called after the commit returned). */
    public void committed() {
        commits.incrementAndGet();
    }

    /** How many commits have been counted so far; read before asking the primary. */
    public long commits() {
        return commits.get();
    }

    /** The position covering every commit counted, or NONE when a newer commit is not covered yet. */
    public synchronized long coveringPosition() {
        return covers == commits.get() ? position : WalPosition.NONE;
    }

    /** The latest position known, covered or not. */
    public synchronized long position() {
        return position;
    }

    /** The primary answered {@code fetched} after {@code commitsBefore} commits had been counted. */
    public synchronized void fetched(long commitsBefore, long fetched) {
        if (Long.compareUnsigned(fetched, position) > 0) {
            position = fetched;
        }
        if (commitsBefore > covers) {
            covers = commitsBefore;
        }
    }
}
