package io.replicatedjdbc.internal.cluster;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The physical connections running an autocommit read on one replica now, so that the monitor can abort them when it
 * finds the replica dead or hung. Every read on a replica registers and leaves, so both are cheap: a slot claimed by
 * one compare-and-set, starting where the calling thread's last read was (no allocation, no hashing, threads rarely
 * meet on a slot), and given back by one write. Reads beyond the slots (more than {@link #SLOTS} at once on one
 * replica) go to a concurrent set.
 */
final class RunningReads {

    static final int SLOTS = 64;

    private final AtomicReferenceArray<Connection> slots = new AtomicReferenceArray<>(SLOTS);
    private final Set<Connection> overflow = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<int[]> HINT = ThreadLocal.withInitial(() -> new int[1]);

    /** Registers a read starting on {@code connection}; returns the token to give to {@link #ended}. */
    int started(Connection connection) {
        int[] hint = HINT.get();
        int start = hint[0];
        for (int i = 0; i < SLOTS; i++) {
            int slot = (start + i) & (SLOTS - 1);
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, connection)) {
                hint[0] = slot;
                return slot;
            }
        }
        overflow.add(connection);
        return -1;
    }

    /** The read registered with {@code token} ended. */
    void ended(Connection connection, int token) {
        if (token >= 0) {
            slots.set(token, null);
        } else {
            overflow.remove(connection);
        }
    }

    /** The connections reading now. */
    List<Connection> now() {
        List<Connection> reading = new ArrayList<>(overflow);
        for (int i = 0; i < SLOTS; i++) {
            Connection connection = slots.get(i);
            if (connection != null) {
                reading.add(connection);
            }
        }
        return reading;
    }
}
