package io.replicatedjdbc.internal.classify;

import io.replicatedjdbc.Route;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What a statement is, independent of any connection's state: where it may run, whether it writes, how it
 * affects a transaction, and why. A value: cached, logged, shown by {@code explain}.
 */
public final class Classification {

    /** How the statement affects an SQL-level transaction. */
    public enum TxEffect {
        NONE,
        BEGIN,
        END
    }

    /** What a session change resets: {@code RESET ALL} the settings, {@code DISCARD ALL} the whole session. */
    public enum SessionReset {
        NONE,
        SETTINGS,
        EVERYTHING
    }

    private final Route route;
    private final boolean write;
    private final TxEffect txEffect;
    private final String reason;
    private final boolean replicaHint;
    private final boolean pinsSession;
    private final List<String> functions;
    private final SessionReset sessionReset;
    private final boolean changesSession;
    private final boolean changesSchema;
    private final List<String> relations;
    /** What JSqlParser found the statement to read or change; null when it could not tell (every table). */
    private final TouchedTables tables;
    /** Whether the statement names pg_backend_pid(): 0 not yet asked, 1 no, 2 yes; asked once per classification. */
    private volatile byte namesBackendProcess;
    /**
     * What last found this read unchanged by the catalog (functions, views), and when: kept by {@code
     * FunctionVolatility}, so that a statement run again is not looked up name by name each time.
     */
    private volatile Object unchangedBy;

    private Classification(
            Route route,
            boolean write,
            TxEffect txEffect,
            String reason,
            boolean replicaHint,
            boolean pinsSession,
            List<String> functions) {
        this(
                route,
                write,
                txEffect,
                reason,
                replicaHint,
                pinsSession,
                functions,
                SessionReset.NONE,
                route == Route.ALL,
                false,
                Collections.emptyList(),
                null);
    }

    private Classification(
            Route route,
            boolean write,
            TxEffect txEffect,
            String reason,
            boolean replicaHint,
            boolean pinsSession,
            List<String> functions,
            SessionReset sessionReset,
            boolean changesSession,
            boolean changesSchema,
            List<String> relations,
            TouchedTables tables) {
        this.relations = relations;
        this.tables = tables;
        this.route = route;
        this.write = write;
        this.txEffect = txEffect;
        this.reason = reason;
        this.replicaHint = replicaHint;
        this.pinsSession = pinsSession;
        this.functions = functions;
        this.sessionReset = sessionReset;
        this.changesSession = changesSession;
        this.changesSchema = changesSchema;
    }

    /** A classification's fields, to change one or two in a copy ({@code with...}). */
    private static final class Copy {
        final Route route;
        final boolean write;
        final TxEffect txEffect;
        String reason;
        boolean replicaHint;
        boolean pinsSession;
        List<String> functions;
        final SessionReset sessionReset;
        boolean changesSession;
        boolean changesSchema;
        List<String> relations;
        TouchedTables tables;

        Copy(Classification c) {
            route = c.route;
            write = c.write;
            txEffect = c.txEffect;
            reason = c.reason;
            replicaHint = c.replicaHint;
            pinsSession = c.pinsSession;
            functions = c.functions;
            sessionReset = c.sessionReset;
            changesSession = c.changesSession;
            changesSchema = c.changesSchema;
            relations = c.relations;
            tables = c.tables;
        }
    }

    private Classification(Copy c) {
        this(
                c.route,
                c.write,
                c.txEffect,
                c.reason,
                c.replicaHint,
                c.pinsSession,
                c.functions,
                c.sessionReset,
                c.changesSession,
                c.changesSchema,
                c.relations,
                c.tables);
    }

    private Classification(Route route, boolean write, TxEffect txEffect, String reason) {
        this(route, write, txEffect, reason, false, false, Collections.emptyList());
    }

    /** Provably a read: may run on a replica. */
    public static Classification read(String reason) {
        return new Classification(Route.REPLICA, false, TxEffect.NONE, reason);
    }

    /**
     * A statement that belongs to the transaction it runs in ({@code SET LOCAL}, {@code SET TRANSACTION},
     * savepoints): it goes wherever the transaction runs, so it must not by itself pull a read-only transaction to
     * the primary. Outside a transaction it changes nothing on any node, so a replica may take it.
     */
    public static Classification followsTransaction(String reason) {
        return new Classification(Route.REPLICA, false, TxEffect.NONE, reason);
    }

    /** A write, or anything not provably a read: primary, and counts as a write for read-your-writes. */
    public static Classification write(String reason) {
        return new Classification(Route.PRIMARY, true, TxEffect.NONE, reason);
    }

    /** Must run on the primary but changes no data (a hint, a transaction-scoped setting). */
    public static Classification primary(String reason) {
        return new Classification(Route.PRIMARY, false, TxEffect.NONE, reason);
    }

    /** Whether a hint in a comment sent this read to the primary. */
    public boolean isHinted() {
        return route == Route.PRIMARY && !write && reason.startsWith("hint ");
    }

    /** A session-state change: every physical connection, and replayed on those opened later. */
    public static Classification session(String reason) {
        return new Classification(Route.ALL, false, TxEffect.NONE, reason);
    }

    /** {@code RESET ALL} or {@code DISCARD ALL}: runs everywhere, and forgets the session changes recorded before. */
    static Classification sessionReset(String reason, SessionReset reset) {
        return new Classification(
                Route.ALL,
                false,
                TxEffect.NONE,
                reason,
                false,
                false,
                Collections.emptyList(),
                reset,
                true,
                false,
                Collections.emptyList(),
                null);
    }

    /**
     * This statement, marked as one that may change the session's settings, role or authorization besides what it
     * does otherwise (a write calling {@code set_config}, {@code DO}, {@code CALL}, a VOLATILE function, a
     * multi-statement string holding a {@code SET}). Where the server can be asked, the session is read back from
     * the node that ran it; where it cannot, such a statement is only run on the primary.
     */
    public Classification withSessionChange() {
        if (changesSession) {
            return this;
        }
        Copy copy = new Copy(this);
        copy.changesSession = true;
        return new Classification(copy);
    }

    /** This statement, marked as one that may create, change or drop functions (DDL, or code that may run DDL). */
    Classification withSchemaChange() {
        if (changesSchema) {
            return this;
        }
        Copy copy = new Copy(this);
        copy.changesSchema = true;
        return new Classification(copy);
    }

    /** Whether running this statement may change which functions exist or how volatile they are. */
    public boolean changesSchema() {
        return changesSchema;
    }

    /** Whether running this statement may change the session's settings (see {@link #withSessionChange()}). */
    public boolean changesSession() {
        return changesSession;
    }

    /** What this session change resets, if anything. */
    public SessionReset sessionReset() {
        return sessionReset;
    }

    /** Starts a transaction in SQL ({@code BEGIN}): primary until it ends. */
    public static Classification begin(String reason) {
        return new Classification(Route.PRIMARY, false, TxEffect.BEGIN, reason);
    }

    /** Ends a transaction in SQL ({@code COMMIT}, {@code ROLLBACK}). */
    public static Classification end(String reason) {
        return new Classification(Route.PRIMARY, false, TxEffect.END, reason);
    }

    public Route route() {
        return route;
    }

    public boolean isWrite() {
        return write;
    }

    public TxEffect txEffect() {
        return txEffect;
    }

    public String reason() {
        return reason;
    }

    /**
     * Whether a {@code replicated:replica} hint asks for a replica even where the connection's state would
     * choose the primary (a read-your-writes pin). A hint never moves a write or a transaction.
     */
    public boolean hasReplicaHint() {
        return replicaHint;
    }

    /** This read, marked with a {@code replicated:replica} hint. */
    Classification withReplicaHint() {
        Copy copy = new Copy(this);
        copy.reason = reason + " (" + Hints.Hint.REPLICA.reason + ")";
        copy.replicaHint = true;
        copy.pinsSession = false;
        return new Classification(copy);
    }

    /** This read, with the user functions it calls, to be checked for volatility where a database can answer. */
    Classification withFunctions(List<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        Copy copy = new Copy(this);
        copy.functions = Collections.unmodifiableList(new ArrayList<>(names));
        return new Classification(copy);
    }

    /** This read, with the relations it names, to be checked for views that call functions which may write. */
    Classification withRelations(List<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        Copy copy = new Copy(this);
        copy.relations = Collections.unmodifiableList(new ArrayList<>(names));
        return new Classification(copy);
    }

    /**
     * The relations this read names (PostgreSQL only, lower case unless quoted, without schema): a view among them
     * runs what its definition calls, which only the database can tell.
     */
    public List<String> relations() {
        return relations;
    }

    /** This statement, with what it reads (a read) or changes (a write); null when that is not known. */
    Classification withTables(TouchedTables touched) {
        Copy copy = new Copy(this);
        copy.tables = touched;
        return new Classification(copy);
    }

    /**
     * What the statement reads (a read) or changes (a write), as JSqlParser found it; null when it could not tell, which
     * counts as every table.
     */
    public TouchedTables tables() {
        return tables;
    }

    /** Whether the database must be asked before this read may run on a replica (functions or relations to resolve). */
    public boolean needsResolving() {
        return route == Route.REPLICA && (!functions.isEmpty() || !relations.isEmpty());
    }

    /**
     * Functions this read calls that the static lists do not know (PostgreSQL only): a user-defined VOLATILE
     * one among them may write, which only the database can tell.
     */
    public List<String> functions() {
        return functions;
    }

    /**
     * A write that creates something only the primary's session has (a temporary table, LISTEN, a prepared
     * statement, a held cursor, a session advisory lock): the connection stays on the primary until it closes.
     */
    static Classification sessionPinningWrite(String reason) {
        return new Classification(Route.PRIMARY, true, TxEffect.NONE, reason, false, true, Collections.emptyList());
    }

    /**
     * Whether the statement (this classification's first text: the cache shares one classification between texts
     * that differ only in literals and comments) names {@code pg_backend_pid}, asked once.
     */
    public boolean namesBackendProcess(String sql) {
        byte known = namesBackendProcess;
        if (known == 0) {
            known = sql != null && sql.toLowerCase(Locale.ROOT).contains("pg_backend_pid") ? (byte) 2 : 1;
            namesBackendProcess = known;
        }
        return known == 2;
    }

    /** Whether running this statement pins the logical connection to the primary until it closes. */
    public boolean pinsSession() {
        return pinsSession;
    }

    @Override
    public String toString() {
        return route + "\t" + reason;
    }

    /** What {@link #unchangedBy(Object)} last recorded, or null. */
    public Object unchangedBy() {
        return unchangedBy;
    }

    /** Records what found this read unchanged by the catalog (an immutable marker of its owner's). */
    public void unchangedBy(Object marker) {
        unchangedBy = marker;
    }
}
