package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.internal.pool.NodePool;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.ServerObservation;
import io.replicatedjdbc.internal.session.ServerSession;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What keeps a borrowed physical connection with its logical connection (pooled), and the giving back of the rest.
 * A connection stays while a transaction is open on it (as the router knows it, or as the server says), while results
 * read from it are open, while an operation of the node's driver runs there (a COPY), and the primary's while the
 * logical connection is pinned there (session objects live in that backend, or the application holds its PgJDBC
 * connection). Called under the logical connection's lock.
 */
public final class Leases {

    private final Router router;
    private final PhysicalConnections nodes;
    /** Null where the server is not asked (other drivers than PgJDBC). */
    private final ServerSession serverSession;
    /** Statements whose last execution left results to read: they keep their connection until those are done. */
    private final List<LogicalStatement> withResults = new ArrayList<>(2);
    /** Operations of the node's driver still under way on a physical connection (a COPY), which keep it. */
    private final List<Map.Entry<Physical, BooleanSupplier>> keptFor = new ArrayList<>(0);
    /** The pool whose statistics count this logical connection as pinned to one of its connections, or null. */
    private NodePool pinnedIn;

    public Leases(Router router, PhysicalConnections nodes, ServerSession serverSession) {
        this.router = router;
        this.nodes = nodes;
        this.serverSession = serverSession;
    }

    /**
     * Why the logical connection keeps every physical connection it borrows until it closes, as a dedicated one does
     * (the application asked for its backend's process ID, which must stay the same), or null.
     */
    private String holding;

    /** From now on the logical connection keeps what it borrows, because of {@code why}. */
    public void holdBackends(String why) {
        if (holding == null) {
            holding = why;
        }
    }

    /** Why the logical connection keeps what it borrows, or null when it gives back what it does not need. */
    public String holding() {
        return holding;
    }

    /** Gives back the physical connections the logical connection does not need now. */
    public void releaseUnneeded() {
        if (router.inTransaction()) {
            return;
        }
        if (holding != null) {
            countPin(nodes.primaryIfOpen());
            return;
        }
        Physical primary = nodes.primaryIfOpen();
        if (primary != null && !router.isPinned() && !needed(primary)) {
            nodes.releasePrimary();
            primary = null;
        }
        countPin(primary != null && router.isPinned() ? primary : null);
        Physical replica = nodes.currentReplica();
        if (replica == null || !needed(replica)) {
            // (With no replica held, this forgets a choice of the primary for reads: the next read chooses anew.)
            nodes.releaseReplica();
        }
    }

    private boolean needed(Physical physical) {
        return readingFrom(physical) || openOnServer(physical) || kept(physical);
    }

    /** A statement's execution left results on a physical connection. */
    public void resultsLeft(LogicalStatement statement) {
        synchronized (withResults) {
            if (!withResults.contains(statement)) {
                withResults.add(statement);
            }
        }
    }

    /** Whether results of some statement are still read from {@code physical}; only those that left results are asked. */
    public boolean readingFrom(Physical physical) {
        synchronized (withResults) {
            for (int i = withResults.size() - 1; i >= 0; i--) {
                LogicalStatement statement = withResults.get(i);
                if (!statement.hasResults()) {
                    withResults.remove(i);
                } else if (statement.readingFrom(physical)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code physical} stays while {@code active} says so. */
    public void keepWhile(Physical physical, BooleanSupplier active) {
        keptFor.add(new AbstractMap.SimpleEntry<>(physical, active));
    }

    private boolean kept(Physical physical) {
        if (keptFor.isEmpty()) {
            return false;
        }
        keptFor.removeIf(entry -> !entry.getValue().getAsBoolean());
        for (Map.Entry<Physical, BooleanSupplier> entry : keptFor) {
            if (entry.getKey() == physical) {
                return true;
            }
        }
        return false;
    }

    /** Whether the server says a transaction is open on the physical connection (begun in SQL, say). */
    private boolean openOnServer(Physical physical) {
        return serverSession != null
                && ServerObservation.transactionStatus(physical.connection).open();
    }

    /** The logical connection closed: it is no longer counted as pinned. */
    public void closed() {
        countPin(null);
    }

    private void countPin(Physical pinnedTo) {
        NodePool pool = pinnedTo == null || pinnedTo.entry == null ? null : pinnedTo.entry.pool();
        if (pool != pinnedIn) {
            if (pinnedIn != null) {
                pinnedIn.pinned(-1);
            }
            if (pool != null) {
                pool.pinned(1);
            }
            pinnedIn = pool;
        }
    }
}
