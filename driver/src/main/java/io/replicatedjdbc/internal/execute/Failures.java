package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.route.ReplicaFailure;
import java.sql.SQLException;

/**
 * What follows a failed attempt: the next attempt (another replica, the primary), or the error for the application.
 * The rules are {@link ReplicaFailure}'s; this stage does what they need done to the physical connections (a broken
 * one is never lent again, a lost replica is dropped) and observes the server after the failure, as after a success.
 */
public final class Failures {

    private final Cluster cluster;
    private final Config config;
    private final PhysicalConnections nodes;
    private final Observer observer;
    private final Liveness liveness;
    private final Host host;

    public Failures(
            Cluster cluster,
            Config config,
            PhysicalConnections nodes,
            Observer observer,
            Liveness liveness,
            Host host) {
        this.cluster = cluster;
        this.config = config;
        this.nodes = nodes;
        this.observer = observer;
        this.liveness = liveness;
        this.host = host;
    }

    /**
     * The attempt after {@code error} ended {@code failed} (which ran {@code sql}); throws {@code error} when the
     * statement does not run again.
     */
    public Attempt next(Attempt failed, SQLException error, String sql, boolean callMayRunAgain) throws SQLException {
        Physical physical = failed.physical();
        boolean lost = PhysicalConnections.isConnectionFailure(error, physical);
        if (lost) {
            // Whatever the driver says of it later, a connection that failed so is not lent again.
            physical.discardOnRelease = true;
        }
        if (liveness.isClosed()) {
            // closed from another thread while the statement ran: nothing to observe, retry or mark down
            throw error;
        }
        Classification c = failed.classification();
        liveness.noteSessionClosedBy(c, physical);
        observer.after(physical, sql, c, false);
        if (ReplicaFailure.socketTimedOut(error)
                && (!nodes.isReplica(physical) || !config.replicaSocketTimeoutIsOurs())) {
            // The application's socketTimeout ran out: PgJDBC closes its connection then, and so does this one (a pool
            // sees isClosed() and discards it), wherever the statement ran.
            host.closeQuietly();
            throw error;
        }
        if (!nodes.isReplica(physical)) {
            throw error;
        }
        ReplicaFailure rules = rules(failed);
        if (lost) {
            nodes.dropReplica(error, rules.nodeAtFault(error));
        }
        if (!callMayRunAgain) {
            throw error;
        }
        Attempt next = step(failed, rules, rules.failed(error, lost), error);
        if (next.classification() != c) {
            // Whatever it did before the refusal (a remote call through dblink, say) ran twice: the statement goes to
            // the primary from now on, and explain says why.
            cluster.refusedByReplica(
                    sql,
                    c.reason() + "; a replica refused it as a write (25006) and it was retried on"
                            + " the primary, so what it did before the refusal ran twice");
        }
        return next;
    }

    /**
     * The replica of {@code attempt} died while it was asked how far it has replayed: as if the read had failed
     * there. Throws {@code error} when it is not a connection failure or the statement may not run again.
     */
    Attempt replicaLostBeforeRunning(Attempt attempt, SQLException error) throws SQLException {
        Physical replica = nodes.currentReplica();
        if (replica == null || !PhysicalConnections.isConnectionFailure(error, replica)) {
            throw error;
        }
        nodes.dropReplica(error);
        ReplicaFailure rules = rules(attempt);
        return step(attempt, rules, rules.failed(error, true), error);
    }

    private Attempt step(Attempt attempt, ReplicaFailure rules, ReplicaFailure.Next next, SQLException error)
            throws SQLException {
        if (next.action() == ReplicaFailure.Action.FAIL) {
            throw error;
        }
        cluster.statistics().retried();
        return attempt.after(rules, next);
    }

    /** The statement's failure rules: made at its first failure, as most statements never need them. */
    private ReplicaFailure rules(Attempt attempt) {
        ReplicaFailure rules = attempt.failures();
        return rules != null
                ? rules
                : new ReplicaFailure(attempt.mayRunAgain(), config.replicas().size())
                        .withReplicaBound(config.replicaSocketTimeoutIsOurs());
    }
}
