package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.cluster.WalPosition;
import java.sql.SQLException;

/** Read-your-writes tokens: a WAL position as text that applications carry between connections and processes. */
public final class Tokens {

    private static final String PREFIX = "rjdbc-lsn:";

    private Tokens() {}

    /** The token naming {@code position}, or null for NONE (nothing to wait for). */
    public static String format(long position) {
        return position == WalPosition.NONE ? null : PREFIX + WalPosition.format(position);
    }

    /** The position a token names; 22023 for text that is not a token of this driver. */
    public static long parse(String token) throws SQLException {
        if (token == null || !token.startsWith(PREFIX)) {
            throw Errors.badArgument("Not a read-your-writes token of this driver: " + token);
        }
        try {
            return WalPosition.parse(token.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw Errors.badArgument("Not a read-your-writes token of this driver: " + token);
        }
    }
}
