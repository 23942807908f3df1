package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.cluster.FunctionVolatility;
import io.replicatedjdbc.internal.route.Router;
import io.replicatedjdbc.internal.session.ServerObservation;
import io.replicatedjdbc.internal.session.ServerSession;
import io.replicatedjdbc.internal.session.TxStatus;
import java.sql.SQLException;

/**
 * What the server says after a statement ran or failed on a physical connection: whether a transaction is open there
 * (PgJDBC keeps the server's answer; asking costs no round trip), and, after a statement that may have changed the
 * session, the session itself. Told to the router and to the session record.
 */
public final class Observer {

    private final Router router;
    /** Null where the server is not asked (other drivers than PgJDBC). */
    private final ServerSession serverSession;

    private final FunctionVolatility volatility;

    public Observer(Router router, ServerSession serverSession, FunctionVolatility volatility) {
        this.router = router;
        this.serverSession = serverSession;
        this.volatility = volatility;
    }

    /** Observes {@code physical} after {@code sql}, classified as {@code c}, ran there; returns its transaction status. */
    public TxStatus after(Physical physical, String sql, Classification c, boolean succeeded) throws SQLException {
        TxStatus status =
                serverSession == null ? TxStatus.UNKNOWN : ServerObservation.transactionStatus(physical.connection);
        router.observed(c, physical.role(), physical.node.toString(), status);
        if (serverSession != null) {
            if (c.changesSession()) {
                if (status == TxStatus.IDLE) {
                    // A function may set a custom setting by name, unseen in this statement's text.
                    serverSession.learnNames(volatility.settingsSetByFunctions(physical.connection));
                }
                serverSession.changed(physical, sql, status, succeeded);
            } else if (status == TxStatus.IDLE) {
                serverSession.transactionEnded();
            }
        }
        return status;
    }
}
