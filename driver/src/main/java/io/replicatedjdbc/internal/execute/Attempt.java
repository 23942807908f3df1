package io.replicatedjdbc.internal.execute;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.classify.Classification;
import io.replicatedjdbc.internal.route.Cause;
import io.replicatedjdbc.internal.route.Decision;
import io.replicatedjdbc.internal.route.ReplicaFailure;

/**
 * One attempt to run a statement, as a value: the classification it runs as, the router's decision, where it is to
 * run (the primary, or a replica), why it went elsewhere than the decision said, and, once admitted, the physical
 * connection it runs on. Each stage of the statement path takes an attempt and returns the next.
 */
public final class Attempt {

    private final Classification classification;
    private final Decision decision;
    private final boolean onPrimary;
    private final Cause cause;
    /** Why the statement runs elsewhere than the decision said; null when it does not. */
    private final String fallback;
    /** Whether the statement may run again elsewhere after it failed on a replica (an autocommit read). */
    private final boolean mayRunAgain;
    /** The failures of this statement so far and what they allow next; null until the first. */
    private final ReplicaFailure failures;
    /** The physical connection it was admitted to, or null before admission. */
    private final Physical physical;

    private Attempt(
            Classification classification,
            Decision decision,
            boolean onPrimary,
            Cause cause,
            String fallback,
            boolean mayRunAgain,
            ReplicaFailure failures,
            Physical physical) {
        this.classification = classification;
        this.decision = decision;
        this.onPrimary = onPrimary;
        this.cause = cause;
        this.fallback = fallback;
        this.mayRunAgain = mayRunAgain;
        this.failures = failures;
        this.physical = physical;
    }

    /** The first attempt of a statement: where the router sent it. */
    public static Attempt first(Classification c, Decision decision, boolean mayRunAgain) {
        return new Attempt(
                c, decision, decision.route() == Route.PRIMARY, decision.cause(), null, mayRunAgain, null, null);
    }

    /** The same statement on the primary, because {@code why}. */
    public Attempt onPrimary(Cause why, String reason) {
        return new Attempt(classification, decision, true, why, reason, mayRunAgain, failures, null);
    }

    /** Admitted to {@code connection}. */
    Attempt admittedTo(Physical connection) {
        return new Attempt(classification, decision, onPrimary, cause, fallback, mayRunAgain, failures, connection);
    }

    /** Admitted to the primary's {@code connection} because no replica could take it ({@code reason}). */
    Attempt fellBackTo(Physical connection, String reason) {
        return new Attempt(
                classification, decision, onPrimary, Cause.FALLBACK, reason, mayRunAgain, failures, connection);
    }

    /** The attempt after a failure: what the replica-failure rules say comes next. */
    Attempt after(ReplicaFailure rules, ReplicaFailure.Next next) {
        Classification c = next.write() ? Classification.write(classification.reason()) : classification;
        return new Attempt(
                c,
                decision,
                next.action() == ReplicaFailure.Action.PRIMARY,
                Cause.FALLBACK,
                next.reason(),
                mayRunAgain,
                rules,
                null);
    }

    public Classification classification() {
        return classification;
    }

    public Decision decision() {
        return decision;
    }

    /** Whether it is to run on the primary (else on a replica, falling back to the primary when there is none). */
    public boolean toPrimary() {
        return onPrimary;
    }

    public Cause cause() {
        return cause;
    }

    public boolean mayRunAgain() {
        return mayRunAgain;
    }

    /** The rules of this statement's failures so far, or null before the first. */
    ReplicaFailure failures() {
        return failures;
    }

    /** The physical connection it was admitted to; null before. */
    public Physical physical() {
        return physical;
    }

    /** The decision's reason, and why the statement ran elsewhere when it did. */
    public String reason() {
        return fallback == null ? decision.reason() : decision.reason() + "; " + fallback;
    }

    /** Why it runs elsewhere than the decision said, or null. */
    public String fallback() {
        return fallback;
    }

    @Override
    public String toString() {
        return (onPrimary ? "primary" : "replica") + (physical == null ? "" : " on " + physical.node) + ": " + reason();
    }
}
