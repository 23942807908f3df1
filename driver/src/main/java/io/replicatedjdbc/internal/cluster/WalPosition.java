package io.replicatedjdbc.internal.cluster;

import java.util.Locale;

/** PostgreSQL WAL positions ({@code pg_lsn}, written {@code 16/B374D848}) as unsigned 64-bit numbers. */
public final class WalPosition {

    /** No position: nothing to wait for. */
    public static final long NONE = 0;

    private WalPosition() {}

    /** The position in its text form, or {@link #NONE} for null (a primary has no replay position). */
    public static long parse(String text) {
        if (text == null) {
            return NONE;
        }
        int slash = text.indexOf('/');
        // As the server writes it: 1 to 8 hexadecimal digits on each side, no sign, no space.
        if (slash < 1 || slash > 8 || text.length() - slash - 1 < 1 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("not a WAL position: " + text);
        }
        return (hex(text, 0, slash) << 32) | hex(text, slash + 1, text.length());
    }

    private static long hex(String text, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0 || text.charAt(i) > 'f') {
                throw new IllegalArgumentException("not a WAL position: " + text);
            }
            value = value * 16 + digit;
        }
        return value;
    }

    public static String format(long position) {
        return Long.toHexString(position >>> 32).toUpperCase(Locale.ROOT) + "/"
                + Long.toHexString(position & 0xFFFF_FFFFL).toUpperCase(Locale.ROOT);
    }

    /** Whether {@code replayed} covers {@code required} (positions compare as unsigned numbers). */
    public static boolean covers(long replayed, long required) {
        return Long.compareUnsigned(replayed, required) >= 0;
    }
}
