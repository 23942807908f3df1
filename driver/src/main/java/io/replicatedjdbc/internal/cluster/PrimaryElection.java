package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.NodeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which node takes writes, decided from what each node says of itself: whether it is in recovery, and the timeline
 * it writes (a primary) or receives (a standby). No I/O; the monitor reports, this decides.
 *
 * <p>The rule: a promotion starts a new timeline, so the node that answers as a primary on the highest timeline this
 * configuration has seen is the primary. An old primary that comes back after a promotion still answers as a primary,
 * but on the timeline it had: it is stale, and takes no writes however long it answers. Two nodes that answer as a
 * primary on the same, highest timeline (two replicas promoted from the same history) leave no way to choose: writes
 * are refused until one of them stops claiming. A node that answers as a primary on an older timeline than another
 * node was seen on, while no node answers on the newer one, is not written to either: the node that has the newer
 * history may only be unreachable for a moment.
 *
 * <p>The highest timeline is remembered for as long as the configuration lives, also while no node shows it: a
 * promoted node that stops answering for a moment must not hand the writes back to the old primary.
 */
final class PrimaryElection {

    /** Where writes go: {@code node} (null for the configured primary), or nowhere, for {@code refusal}. */
    static final class Verdict {
        final NodeSpec node;
        final String refusal;

        Verdict(NodeSpec node, String refusal) {
            this.node = node;
            this.refusal = refusal;
        }
    }

    private final NodeSpec configured;
    /** The nodes that answered as a primary at their last answer, with the timeline they write. */
    private final Map<NodeSpec, Integer> claims = new LinkedHashMap<>();

    private int highestTimeline;
    private NodeSpec highestSeenOn;
    /** Whether every node has been asked once since the monitor started: before that, a decision would be a guess. */
    private boolean roundDone;
    /** The node the last single claim elected, when not the configured primary; null: the configured primary. */
    private NodeSpec lastWinner;

    PrimaryElection(NodeSpec configured) {
        this.configured = configured;
    }

    /** The node answered: as a primary writing {@code timeline}, or as a standby receiving it (0: not known). */
    synchronized void answered(NodeSpec node, boolean asPrimary, int timeline) {
        if (timeline > highestTimeline) {
            highestTimeline = timeline;
            highestSeenOn = node;
        }
        if (asPrimary) {
            claims.put(node, timeline);
        } else {
            claims.remove(node);
        }
    }

    /** The node did not answer: it claims nothing now. */
    synchronized void failed(NodeSpec node) {
        claims.remove(node);
    }

    /** Every node has been asked once. */
    synchronized void roundDone() {
        roundDone = true;
        notifyAll();
    }

    /** The monitor stopped: what the nodes said is no longer kept current. The highest timeline is kept. */
    synchronized void forget() {
        claims.clear();
        roundDone = false;
    }

    synchronized boolean decided() {
        return roundDone;
    }

    /** Waits until every node has been asked once, for at most {@code millis}; false when it has not been. */
    synchronized boolean awaitRound(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!roundDone) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    synchronized Verdict decide() {
        List<NodeSpec> current = new ArrayList<>(2);
        List<String> stale = new ArrayList<>(2);
        for (Map.Entry<NodeSpec, Integer> claim : claims.entrySet()) {
            if (claim.getValue() >= highestTimeline) {
                current.add(claim.getKey());
            } else {
                stale.add(claim.getKey() + " on timeline " + claim.getValue());
            }
        }
        if (current.size() == 1) {
            NodeSpec node = current.get(0);
            lastWinner = node.equals(configured) ? null : node;
            return new Verdict(lastWinner, null);
        }
        if (current.size() > 1) {
            List<String> names = new ArrayList<>(current.size());
            for (NodeSpec node : current) {
                names.add(node.toString());
            }
            return new Verdict(
                    null,
                    "several nodes claim to be the primary on timeline " + highestTimeline + ": "
                            + String.join(", ", names));
        }
        if (!stale.isEmpty()) {
            return new Verdict(
                    null,
                    String.join(", ", stale) + " answers as the primary, but " + highestSeenOn
                            + " was seen on the newer timeline " + highestTimeline
                            + " (the old primary after a promotion?); no node answers as the primary on it");
        }
        // No node answers as a primary (one poll timed out under load, or the node is down): writes stay where they
        // last went, the configured primary until a promotion was seen, and fail there as they would without us. A
        // promoted node that misses one poll must not send them back to the old primary.
        return new Verdict(lastWinner, null);
    }
}
