package io.replicatedjdbc.internal.session;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * What PgJDBC knows from the protocol without a round trip: the transaction status of the last ReadyForQuery
 * message, and the server's {@code standard_conforming_strings}. Loaded only when PgJDBC is on the class path
 * ({@link ServerObservation#pgJdbcPresent()}), so that the driver works with SQLite alone.
 */
final class PgProtocol {

    private PgProtocol() {}

    static TxStatus transactionStatus(Connection connection) {
        BaseConnection base = base(connection);
        if (base == null) {
            return TxStatus.UNKNOWN;
        }
        TransactionState state = base.getTransactionState();
        switch (state) {
            case IDLE:
                return TxStatus.IDLE;
            case OPEN:
                return TxStatus.OPEN;
            case FAILED:
                return TxStatus.FAILED;
            default:
                return TxStatus.UNKNOWN;
        }
    }

    /** Whether {@code '...'} strings take backslash escapes on this session; false when unknown. */
    static boolean backslashStrings(Connection connection) {
        BaseConnection base = base(connection);
        return base != null && !base.getStandardConformingStrings();
    }

    private static BaseConnection base(Connection connection) {
        if (connection instanceof BaseConnection) {
            return (BaseConnection) connection;
        }
        try {
            return connection.isWrapperFor(BaseConnection.class) ? connection.unwrap(BaseConnection.class) : null;
        } catch (SQLException e) {
            return null;
        }
    }
}
