package io.replicatedjdbc.internal.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

/**
 * PgJDBC's {@link PGStatement} on a logical statement: settings reach every physical statement, made now or later;
 * the getters answer for the physical statement that ran last, or was made with the logical one. Loaded only
 * when PgJDBC is present.
 */
interface PgStatementExtension extends PGStatement {

    /** The logical statement this interface is implemented by. */
    StatementProxy logical();

    private PGStatement last() throws SQLException {
        StatementProxy.Held held = logical().currentHeld();
        return held == null ? null : held.statement.unwrap(PGStatement.class);
    }

    @Override
    default long getLastOID() throws SQLException {
        logical().checkOpen();
        PGStatement last = last();
        return last == null ? 0 : last.getLastOID();
    }

    @Override
    @SuppressWarnings("deprecation")
    default void setUseServerPrepare(boolean flag) throws SQLException {
        logical()
                .driverSetting(
                        "prepareThreshold",
                        flag ? 1 : 0,
                        s -> s.unwrap(PGStatement.class).setUseServerPrepare(flag));
    }

    @Override
    default boolean isUseServerPrepare() {
        try {
            PGStatement last = last();
            return last != null && last.isUseServerPrepare();
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    default void setPrepareThreshold(int threshold) throws SQLException {
        // PgJDBC takes a negative threshold as "binary transfers, prepared at once": a threshold of 1.
        logical()
                .driverSetting(
                        "prepareThreshold",
                        threshold < 0 ? 1 : threshold,
                        s -> s.unwrap(PGStatement.class).setPrepareThreshold(threshold));
    }

    @Override
    default int getPrepareThreshold() {
        try {
            PGStatement last = last();
            if (last != null) {
                // PgJDBC's own answer (a threshold of -1 in the URL is reported as 1 by its statements).
                return last.getPrepareThreshold();
            }
        } catch (SQLException e) {
            // answered from what was recorded
        }
        Integer recorded = logical().driverValue("prepareThreshold");
        if (recorded != null) {
            return recorded;
        }
        PGConnection connection = (PGConnection) (Connection) logical().connection;
        return connection.getPrepareThreshold();
    }

    @Override
    default void setAdaptiveFetch(boolean adaptiveFetch) {
        try {
            logical()
                    .driverSetting(
                            "adaptiveFetch",
                            adaptiveFetch ? 1 : 0,
                            s -> s.unwrap(PGStatement.class).setAdaptiveFetch(adaptiveFetch));
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    default boolean getAdaptiveFetch() {
        Integer recorded = logical().driverValue("adaptiveFetch");
        if (recorded != null) {
            return recorded != 0;
        }
        return ((PGConnection) (Connection) logical().connection).getAdaptiveFetch();
    }
}
