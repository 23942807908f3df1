package io.replicatedjdbc.internal.route;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;

/**
 * What to do when a statement fails on a replica: the rules for one statement's attempts, as values with reasons.
 * Only an autocommit read outside a transaction is ever run again, and never more often than there are replicas,
 * plus once on the primary: a replica that accepts connections but fails every statement cannot make a statement
 * loop, whatever {@code replicaRetryInterval} says.
 */
public final class ReplicaFailure {

    /** What happens next. */
    public enum Action {
        /** The error reaches the application. */
        FAIL,
        /** The statement runs again on another replica (the primary when none is left). */
        ANOTHER_REPLICA,
        /** The statement runs again on the primary. */
        PRIMARY
    }

    /** One step of the policy: an action, why, and whether the statement now counts as a write. */
    public static final class Next {
        private final Action action;
        private final String reason;
        private final boolean write;

        Next(Action action, String reason, boolean write) {
            this.action = action;
            this.reason = reason;
            this.write = write;
        }

        public Action action() {
            return action;
        }

        public String reason() {
            return reason;
        }

        /** The replica refused it as a write: the classifier took a write for a read. */
        public boolean write() {
            return write;
        }

        @Override
        public String toString() {
            return action + ": " + reason;
        }
    }

    /** What a hot standby answers to a write: "cannot execute ... in a read-only transaction". */
    static final String READ_ONLY_REFUSAL = "25006";
    /** What a hot standby answers when it cancels a query that conflicts with replay. */
    static final String RECOVERY_CONFLICT = "40001";

    private static final Next FAIL = new Next(Action.FAIL, "not retried", false);
    /** What a server answers when a statement is cancelled, by statement_timeout or a query timeout. */
    static final String QUERY_CANCELED = "57014";

    /**
     * Whether the statement ran out of the time the application gave it: a query timeout or statement_timeout
     * (57014), or a socket timeout (the driver then reports a broken connection, caused by a read that timed out).
     * A timeout says nothing about the node's health.
     */
    public static boolean timedOut(SQLException error) {
        return QUERY_CANCELED.equals(error.getSQLState())
                || error instanceof SQLTimeoutException
                || socketTimedOut(error);
    }

    /** Whether the driver's socket read timed out (PgJDBC then closes its connection). */
    public static boolean socketTimedOut(SQLException error) {
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private final boolean mayRetry;
    private final int replicaAttemptsAllowed;
    private boolean replicaBoundIsOurs;
    private int replicaAttempts;

    /**
     * @param mayRetry whether the statement may run again at all: an autocommit read outside a transaction
     * @param replicas how many replicas the configuration has
     */
    public ReplicaFailure(boolean mayRetry, int replicas) {
        this.mayRetry = mayRetry;
        this.replicaAttemptsAllowed = replicas;
    }

    /**
     * The statement failed on a replica with {@code error}; {@code connectionLost} when the physical connection is
     * gone (SQLState class 08, or closed), in which case the caller has already dropped that replica.
     */
    /** Replica connections have a socket bound of the driver's own ({@code replicaSocketTimeout}). */
    public ReplicaFailure withReplicaBound(boolean ours) {
        this.replicaBoundIsOurs = ours;
        return this;
    }

    /**
     * Whether the failure tells about the node (it broke, or hung past the driver's own bound), so that it should be
     * skipped; a timeout the application set tells only about the statement.
     */
    public boolean nodeAtFault(SQLException error) {
        return !timedOut(error) || (replicaBoundIsOurs && socketTimedOut(error));
    }

    public Next failed(SQLException error, boolean connectionLost) {
        replicaAttempts++;
        if (!mayRetry || !nodeAtFault(error)) {
            // The application's own bound (setQueryTimeout, socketTimeout) ran out: that is its answer, as it would
            // be on one connection; running the statement again elsewhere would only take longer.
            return FAIL;
        }
        String message = error.getMessage() == null ? "" : error.getMessage().trim();
        if (connectionLost) {
            return replicaAttempts < replicaAttemptsAllowed
                    ? new Next(
                            Action.ANOTHER_REPLICA,
                            "the replica failed (" + message + "), tried another replica",
                            false)
                    : new Next(Action.PRIMARY, "the replica failed (" + message + "), fell back to the primary", false);
        }
        if (READ_ONLY_REFUSAL.equals(error.getSQLState())) {
            // A refused write changed nothing on the replica: the classifier took a write for a read (a function
            // listed in readFunctions that writes, say).
            return new Next(
                    Action.PRIMARY, "the replica refused it as a write (" + message + "), ran on the primary", true);
        }
        if (RECOVERY_CONFLICT.equals(error.getSQLState())) {
            // An autocommit read is never serializable on a standby, so 40001 there can only be a replay conflict.
            return new Next(Action.PRIMARY, "the replica cancelled it (" + message + "), ran on the primary", false);
        }
        return FAIL;
    }
}
