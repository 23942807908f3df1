package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.execute.SqlConsumer;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * PgJDBC's large object API on a logical connection. Large objects live on the primary: every call runs there as a
 * write, so that the transaction it opens is the logical connection's, its commit reaches it, and later reads see
 * what it wrote. A {@link LargeObject} handle works on the primary's connection, inside that transaction. Loaded only
 * when PgJDBC is present.
 */
@SuppressWarnings("deprecation")
final class PgLargeObjectManager extends LargeObjectManager {

    private final PgLogicalConnection connection;
    /** The primary's connection PgJDBC's constructor looked the large object functions up on. */
    private final BaseConnection builtOn;
    /** True while a routed call runs this manager's own (PgJDBC's) methods on {@link #builtOn}. */
    private boolean direct;

    /** {@code primary}: where PgJDBC's constructor looks up the large object functions. */
    PgLargeObjectManager(PgLogicalConnection connection, BaseConnection primary) throws SQLException {
        super(primary);
        this.connection = connection;
        this.builtOn = primary;
    }

    /**
     * Runs a routed call on {@code primary}: with this manager's own methods when it was built on that connection
     * (the functions were looked up once, by the constructor), else with that connection's own manager (a new primary
     * connection, after a reconnect, looks them up once for itself).
     */
    <T> T run(BaseConnection primary, PgLogicalConnection.LargeObjectCall<T> call) throws SQLException {
        if (primary != builtOn) {
            return call.run(((PGConnection) primary).getLargeObjectAPI());
        }
        direct = true;
        try {
            return call.run(this);
        } finally {
            direct = false;
        }
    }

    @Override
    public LargeObject open(int oid) throws SQLException {
        return direct ? super.open(oid) : connection.largeObjectCall("open", m -> m.open(oid));
    }

    @Override
    public LargeObject open(int oid, boolean commitOnClose) throws SQLException {
        return direct
                ? super.open(oid, commitOnClose)
                : connection.largeObjectCall("open", m -> m.open(oid, commitOnClose));
    }

    @Override
    public LargeObject open(long oid) throws SQLException {
        return direct ? super.open(oid) : connection.largeObjectCall("open", m -> m.open(oid));
    }

    @Override
    public LargeObject open(long oid, boolean commitOnClose) throws SQLException {
        return direct
                ? super.open(oid, commitOnClose)
                : connection.largeObjectCall("open", m -> m.open(oid, commitOnClose));
    }

    @Override
    public LargeObject open(int oid, int mode) throws SQLException {
        return direct ? super.open(oid, mode) : connection.largeObjectCall("open", m -> m.open(oid, mode));
    }

    @Override
    public LargeObject open(int oid, int mode, boolean commitOnClose) throws SQLException {
        return direct
                ? super.open(oid, mode, commitOnClose)
                : connection.largeObjectCall("open", m -> m.open(oid, mode, commitOnClose));
    }

    @Override
    public LargeObject open(long oid, int mode) throws SQLException {
        return direct ? super.open(oid, mode) : connection.largeObjectCall("open", m -> m.open(oid, mode));
    }

    @Override
    public LargeObject open(long oid, int mode, boolean commitOnClose) throws SQLException {
        return direct
                ? super.open(oid, mode, commitOnClose)
                : connection.largeObjectCall("open", m -> m.open(oid, mode, commitOnClose));
    }

    @Override
    public int create() throws SQLException {
        return direct ? super.create() : connection.largeObjectCall("create", LargeObjectManager::create);
    }

    @Override
    public long createLO() throws SQLException {
        return direct ? super.createLO() : connection.largeObjectCall("create", LargeObjectManager::createLO);
    }

    @Override
    public long createLO(int mode) throws SQLException {
        return direct ? super.createLO(mode) : connection.largeObjectCall("create", m -> m.createLO(mode));
    }

    @Override
    public int create(int mode) throws SQLException {
        return direct ? super.create(mode) : connection.largeObjectCall("create", m -> m.create(mode));
    }

    @Override
    public void delete(long oid) throws SQLException {
        if (direct) {
            super.delete(oid);
            return;
        }
        act("delete", m -> m.delete(oid));
    }

    @Override
    public void unlink(int oid) throws SQLException {
        if (direct) {
            super.unlink(oid);
            return;
        }
        act("unlink", m -> m.unlink(oid));
    }

    @Override
    public void unlink(long oid) throws SQLException {
        if (direct) {
            super.unlink(oid);
            return;
        }
        act("unlink", m -> m.unlink(oid));
    }

    @Override
    public void delete(int oid) throws SQLException {
        if (direct) {
            super.delete(oid);
            return;
        }
        act("delete", m -> m.delete(oid));
    }

    /** A call that returns nothing. */
    private void act(String what, SqlConsumer<LargeObjectManager> call) throws SQLException {
        connection.largeObjectCall(what, m -> {
            call.accept(m);
            return null;
        });
    }
}
