package io.replicatedjdbc.internal.cluster;

/** PostgreSQL WAL positions ({@code pg_lsn}, written {@code 16/B374D848}) as unsigned 64-bit numbers. */
public final class WalPosition {

    /** No position: nothing to wait for. */
    public static final long NONE = 0;

    private WalPosition() {
    }

    /** The position in its text form, or {@link #NONE} for null (a primary has no replay position). */
    public static long parse(String text) {
        if (text == null) {
            return NONE;
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not a WAL position: " + text);
        }
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        if (high > 0xFFFF_FFFFL || low > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("not a WAL position: " + text);
        }
        return (high << 32) | low;
    }

    public static String format(long position) {
        return Long.toHexString(position >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(position & 0xFFFF_FFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    /** Whether {@code replayed} covers {@code required} (positions compare as unsigned numbers). */
    public static boolean covers(long replayed, long required) {
        return Long.compareUnsigned(replayed, required) >= 0;
    }
}
