package io.replicatedjdbc.internal.session;

/** Whether a physical connection's server session has a transaction open, as the server last reported it. */
public enum TxStatus {
    /** No transaction open. */
    IDLE,
    /** A transaction is open. */
    OPEN,
    /** A transaction is open and has failed: only ROLLBACK is accepted. */
    FAILED,
    /** The driver does not tell: the state is inferred from the SQL instead. */
    UNKNOWN;

    public boolean open() {
        return this == OPEN || this == FAILED;
    }
}
