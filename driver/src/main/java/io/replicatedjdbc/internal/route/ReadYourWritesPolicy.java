package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.internal.config.Config;

/**
 * Decides whether a connection's reads must stay on the primary because of its own earlier writes. One
 * instance per logical connection. An LSN-based policy for PostgreSQL (pin until the replica has replayed
 * the write's WAL position) implements the same two calls.
 */
public interface ReadYourWritesPolicy {

    /** A write of this connection became visible on the primary: autocommit, or its transaction committed. */
    void onWrite(long nowNanos);

    /** Why reads must go to the primary now, or null when a replica may serve them. */
    String pinReason(long nowNanos);

    /**
     * The request that made the earlier writes ended ({@code endRequest}, at the end of a pool checkout): a pin
     * kept only because the connection stayed open goes; a pin that protects against replica lag stays.
     */
    void reset();

    static ReadYourWritesPolicy of(Config config) {
        switch (config.readYourWrites()) {
            case OFF:
                return new Off();
            case CONNECTION:
                return new UntilClose();
            default:
                return new Window(config.readYourWritesWindowMillis());
        }
    }

    /** Reads go to replicas at once, even right after a write. */
    final class Off implements ReadYourWritesPolicy {
        @Override
        public void onWrite(long nowNanos) {
        }

        @Override
        public String pinReason(long nowNanos) {
            return null;
        }

        @Override
        public void reset() {
        }
    }

    /** After the first write, every read of the connection goes to the primary. */
    final class UntilClose implements ReadYourWritesPolicy {
        private boolean wrote;

        @Override
        public void onWrite(long nowNanos) {
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
        public void onWrite(long nowNanos) {
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
        public void reset() {
        }
    }
}
