package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.internal.cluster.CommittedWrites;
import io.replicatedjdbc.internal.cluster.WalPosition;
import io.replicatedjdbc.internal.config.Config;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a connection's reads must stay on the primary because of its own earlier writes. One
 * instance per logical connection.
 */
public interface ReadYourWritesPolicy {

    /** A write of this connection became visible on the primary: autocommit, or its transaction committed. */
    default void onWrite(long nowNanos) {
        onWrite(nowNanos, null);
    }

    /**
     * A write of this connection that changed only the tables named (null: any table) became visible on the primary.
     * Only {@link Positions} with {@code readYourWritesTables} tells the tables apart; the others count every write.
     */
    void onWrite(long nowNanos, List<String> tables);

    /** Why reads must go to the primary now, or null when a replica may serve them. */
    String pinReason(long nowNanos);

    /**
     * The request that made the earlier writes ended ({@code endRequest}, at the end of a pool checkout): a pin
     * kept only because the connection stayed open goes; a pin that protects against replica lag stays.
     */
    void reset();

    /**
     * The policy of one logical connection; {@code committedWrites} is what the connections of its configuration know
     * of the primary's positions (and, when {@code readYourWritesScope=global}, of each other's commits).
     */
    static ReadYourWritesPolicy of(Config config, CommittedWrites committedWrites) {
        switch (config.effectiveReadYourWrites()) {
            case OFF:
                return new Off();
            case CONNECTION:
                return new UntilClose();
            case LSN:
                return new Positions(
                        committedWrites,
                        config.readYourWritesScope() == Config.Scope.GLOBAL,
                        config.readYourWritesScope() == Config.Scope.CLUSTER);
            default:
                return new Window(config.readYourWritesWindowMillis());
        }
    }

    /**
     * Read-your-writes by WAL position: a read may run on a replica that has replayed the position of every write it
     * must see. This object keeps what the reads of one logical connection must see; the connection fetches the
     * primary's position lazily (only when a read would otherwise go to a replica) and checks replicas against it.
     */
    final class Positions implements ReadYourWritesPolicy {
        /**
         * Tables remembered with a position of their own; past that, a write's position is kept for every table (reads
         * then wait for more, never for less).
         */
        static final int TABLES = 64;

        private final CommittedWrites shared;
        private final boolean global;
        private final boolean cluster;
        private boolean pending;
        private long pendingSince;
        /** The tables the pending writes changed; null: any table. */
        private Set<String> pendingTables;
        /** What every read must see (writes that may have changed any table, tokens). */
        private long required = WalPosition.NONE;
        /** What a read of each table must see, beyond {@link #required}; empty unless writes named their tables. */
        private final Map<String, Long> requiredByTable = new HashMap<>();

        /**
         * {@code shared}: the configuration's record, whose fetched positions this connection may use (null: none);
         * {@code global}: reads must also see every other connection's commits counted there.
         */
        public Positions(CommittedWrites shared, boolean global) {
            this(shared, global, false);
        }

        /** {@code cluster}: reads must also see every commit on the primary before they began, by any process. */
        public Positions(CommittedWrites shared, boolean global, boolean cluster) {
            if ((global || cluster) && shared == null) {
                throw new IllegalArgumentException("global scope needs the configuration's record of commits");
            }
            this.shared = shared;
            this.global = global;
            this.cluster = cluster;
        }

        /** A write committed: its position is fetched when a read next needs it; others see it in global scope. */
        @Override
        public void onWrite(long nowNanos, List<String> tables) {
            if (tables == null) {
                pendingTables = null;
            } else if (!pending || pendingTables != null) {
                if (pendingTables == null) {
                    pendingTables = new HashSet<>();
                }
                pendingTables.addAll(tables);
            }
            pending = true;
            pendingSince = nowNanos;
            if (global) {
                shared.committed(nowNanos, tables);
            }
            RequestContext request = RequestContext.current();
            if (request != null && shared != null) {
                request.committed(shared, nowNanos);
            }
        }

        /** Never a pin by itself: the connection checks positions instead. */
        @Override
        public String pinReason(long nowNanos) {
            return null;
        }

        /** A position protects against lag whoever borrows the connection next: it stays. */
        @Override
        public void reset() {}

        /** Whether this connection committed writes whose position it has not fetched yet. */
        public boolean pending() {
            return pending;
        }

        /** When the latest of those writes committed (a {@link System#nanoTime()} reading taken after it returned). */
        public long pendingSince() {
            return pendingSince;
        }

        /**
         * Whether the pending writes may have changed what a read of {@code tables} (null: any table) returns: only then
         * must their position be fetched before it.
         */
        public boolean pendingFor(List<String> tables) {
            if (!pending) {
                return false;
            }
            if (tables == null || pendingTables == null) {
                return true;
            }
            for (String table : tables) {
                if (pendingTables.contains(table)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether the tables a read reads can change what it must see: writes pending or kept per table, or in global
         * scope commits counted. Otherwise its tables need not be found.
         */
        public boolean dependsOnTables() {
            return pending || !requiredByTable.isEmpty() || (global && shared.commits() > 0);
        }

        /** The primary's insert position, fetched after the writes committed: it covers them all. */
        public void fetched(long position) {
            pending = false;
            Set<String> tables = pendingTables;
            pendingTables = null;
            if (tables == null || requiredByTable.size() + tables.size() > TABLES) {
                require(position);
                return;
            }
            for (String table : tables) {
                requiredByTable.merge(table, position, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
            }
        }

        /** The reads of this connection must see at least this position (its own writes, or a causal token). */
        public void require(long position) {
            if (Long.compareUnsigned(position, required) > 0) {
                required = position;
            }
        }

        /** The position this connection's own reads need; NONE when nothing. */
        public long required() {
            return required(null);
        }

        /** The position this connection's reads of {@code tables} (null: any table) need; NONE when nothing. */
        public long required(List<String> tables) {
            long position = required;
            if (requiredByTable.isEmpty()) {
                return position;
            }
            if (tables == null) {
                for (long byTable : requiredByTable.values()) {
                    position = Long.compareUnsigned(byTable, position) > 0 ? byTable : position;
                }
                return position;
            }
            for (String table : tables) {
                Long byTable = requiredByTable.get(table);
                if (byTable != null && Long.compareUnsigned(byTable, position) > 0) {
                    position = byTable;
                }
            }
            return position;
        }

        /** The configuration's record of commits and fetched positions, or null. */
        public CommittedWrites shared() {
            return shared;
        }

        /** Whether reads must see every commit of the configuration ({@code readYourWritesScope=global}). */
        public boolean global() {
            return global;
        }

        /**
         * Whether reads must see every commit on the primary before they began, whoever made it
         * ({@code readYourWritesScope=cluster}).
         */
        public boolean cluster() {
            return cluster;
        }
    }

    /** Reads go to replicas at once, even right after a write. */
    final class Off implements ReadYourWritesPolicy {
        @Override
        public void onWrite(long nowNanos, List<String> tables) {}

        @Override
        public String pinReason(long nowNanos) {
            return null;
        }

        @Override
        public void reset() {}
    }

    /** After the first write, every read of the connection goes to the primary. */
    final class UntilClose implements ReadYourWritesPolicy {
        private boolean wrote;

        @Override
        public void onWrite(long nowNanos, List<String> tables) {
            wrote = true;
        }

        @Override
        public String pinReason(long nowNanos) {
            return wrote ? "read-your-writes: this connection wrote (readYourWrites=connection)" : null;
        }

        @Override
        public void reset() {
            wrote = false;
        }
    }

    /** Reads stay on the primary for a fixed time after the connection's last write. */
    final class Window implements ReadYourWritesPolicy {
        private final long windowNanos;
        private final long windowMillis;
        private boolean wrote;
        private long lastWriteNanos;

        Window(long windowMillis) {
            this.windowMillis = windowMillis;
            this.windowNanos = windowMillis * 1_000_000L;
        }

        @Override
        public void onWrite(long nowNanos, List<String> tables) {
            wrote = true;
            lastWriteNanos = nowNanos;
        }

        @Override
        public String pinReason(long nowNanos) {
            if (!wrote) {
                return null;
            }
            long elapsed = nowNanos - lastWriteNanos;
            if (elapsed >= windowNanos) {
                wrote = false;
                return null;
            }
            return "read-your-writes: last write " + elapsed / 1_000_000L + " ms ago (window " + windowMillis + " ms)";
        }

        /** The window protects the next reads against replica lag, whoever borrows the connection: it runs out by itself. */
        @Override
        public void reset() {}
    }
}
