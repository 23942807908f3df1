package io.replicatedjdbc;

import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.cluster.CommittedWrites;
import io.replicatedjdbc.internal.cluster.WalPosition;
import io.replicatedjdbc.internal.route.RequestContext;
import io.replicatedjdbc.internal.route.Tokens;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Read-your-writes from one request of a user to the next, whichever instance of the application serves it, for code
 * that handles each request on one thread (a servlet filter does it for a web application: see the
 * {@code replicated-jdbc-web} module). {@link #begin} takes the token the user's previous request ended with: every
 * read of any {@code jdbc:replicated:} connection on this thread then runs where that request's writes are replayed.
 * {@link #end} returns the token to hand to the user's next request: it covers the writes committed on this thread
 * meanwhile, and the token begun with.
 *
 * <p>Tokens are positions in the databases' write-ahead logs, in clear: a client that can choose them can make its
 * own reads run on the primary. Carry them signed (the web module does).
 */
public final class RequestPositions {

    /** How long {@link #end} waits to learn the position of the request's writes (asked off this thread). */
    private static final long POSITION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    /**
     * Named when the position of a request's writes could not be learned (the primary did not answer): no replica
     * has replayed it, so the next request reads on the primary, which has its writes.
     */
    private static final long EVERYTHING = -1L;

    private RequestPositions() {}

    /**
     * A request starts on this thread: its reads must see what {@code token} names (null or empty: nothing). A
     * request begun earlier on this thread and not ended is replaced.
     *
     * @throws SQLException 22023 when the text is not a token of this driver
     */
    public static void begin(String token) throws SQLException {
        long position = token == null || token.isEmpty() ? WalPosition.NONE : Tokens.parse(token);
        RequestContext.open().require(position);
    }

    /**
     * The request on this thread ends: returns the token its user's next request should begin with (null when it
     * needs none: nothing was carried in and nothing written). When the request wrote, this waits for the primary's
     * position after its last commit, which the driver asks off this thread (about one round trip).
     *
     * @throws SQLException when interrupted while waiting
     */
    public static String end() throws SQLException {
        RequestContext context = RequestContext.close();
        return context == null ? null : tokenOf(context);
    }

    /**
     * The token the request on this thread would end with now, leaving the request open: its reads still see what it
     * began with (a web filter sets its cookie when the response starts, and the response's rendering may still
     * read). Null when no request is begun, or it needs none.
     *
     * @throws SQLException when interrupted while waiting
     */
    public static String current() throws SQLException {
        RequestContext context = RequestContext.current();
        return context == null ? null : tokenOf(context);
    }

    private static String tokenOf(RequestContext context) throws SQLException {
        long position = context.required();
        for (Map.Entry<CommittedWrites, Long> commit : context.committed().entrySet()) {
            long covering;
            try {
                covering = commit.getKey().positionCovering(commit.getValue(), POSITION_WAIT_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Errors.interrupted("learning the position of this request's writes");
            }
            if (covering == WalPosition.NONE) {
                covering = EVERYTHING;
            }
            if (Long.compareUnsigned(covering, position) > 0) {
                position = covering;
            }
        }
        return Tokens.format(position);
    }

    /** Ends the request on this thread without a token (one was taken with {@link #current()} already). */
    public static void discard() {
        RequestContext.close();
    }

    /** Whether a request is begun and not ended on this thread. */
    public static boolean inRequest() {
        return RequestContext.current() != null;
    }
}
