package io.replicatedjdbc.internal.route;

import io.replicatedjdbc.internal.cluster.CommittedWrites;
import io.replicatedjdbc.internal.cluster.WalPosition;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one request handled on one thread must see and has written: the position carried in from the user's earlier
 * requests, and when this request's writes committed, per database. Opened and closed by {@code RequestPositions};
 * read by the read-your-writes gate of any connection the thread uses meanwhile.
 *
 * <p>The position carried in is one number for every database the application uses: WAL positions of different
 * databases do not compare, so a read of one database may wait for a position of another; that costs reads on the
 * primary, never a stale read, and spares tokens an identity of each database that every instance would have to
 * spell alike.
 */
public final class RequestContext {

    private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();
    /** Whether a context was ever opened in this JVM: until then a read does not even look at the thread. */
    private static volatile boolean used;

    /** The position to see, NONE when none. */
    private long required = WalPosition.NONE;
    /** This request's commits: the database's record and when the latest one returned. */
    private final Map<CommittedWrites, Long> committed = new LinkedHashMap<>();

    private RequestContext() {}

    /** Opens a context on this thread, replacing any left open. */
    public static RequestContext open() {
        used = true;
        RequestContext context = new RequestContext();
        CURRENT.set(context);
        return context;
    }

    /** The context open on this thread, or null. */
    public static RequestContext current() {
        return used ? CURRENT.get() : null;
    }

    /** Closes this thread's context; returns it, or null when none was open. */
    public static RequestContext close() {
        if (!used) {
            return null;
        }
        RequestContext context = CURRENT.get();
        CURRENT.remove();
        return context;
    }

    /** Reads in this request must see {@code position}. */
    public void require(long position) {
        if (Long.compareUnsigned(position, required) > 0) {
            required = position;
        }
    }

    /** The position the request's reads must see, NONE when none. */
    public long required() {
        return required;
    }

    /** A write of this request committed on the database; {@code nanos} was read after it returned. */
    public void committed(CommittedWrites database, long nanos) {
        committed.merge(database, nanos, (a, b) -> b - a > 0 ? b : a);
    }

    /** This request's commits: each database's record and the time its latest commit returned. */
    public Map<CommittedWrites, Long> committed() {
        return committed;
    }
}
