package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** Chooses the node a logical connection binds for its reads, among the healthy candidates. */
public interface ReplicaSelector {

    /** What a selector may know of the candidates. */
    interface Facts {
        /** The node's weight: {@code replicaWeights}, {@code primaryReadWeight} for the primary. */
        int weight(NodeSpec node);

        /** Logical connections of this JVM bound to the node for reads now. */
        int boundConnections(NodeSpec node);

        /** How far the node has replayed (unsigned; NONE when unknown). */
        long replayed(NodeSpec node);
    }

    /** One of {@code candidates}, which is never empty. */
    NodeSpec choose(List<NodeSpec> candidates, Facts facts);

    static ReplicaSelector of(Config.Balance balance) {
        switch (balance) {
            case RANDOM:
                return (candidates, facts) ->
                        candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
            case LEAST_CONNECTIONS:
                return new Fewest(facts -> facts::boundConnections);
            case WEIGHTED:
                return ReplicaSelector::weighted;
            case LOWEST_LAG:
                // the most WAL replayed first (positions stay far below 2^63, so they compare as signed numbers)
                return new Fewest(facts -> node -> -facts.replayed(node));
            default:
                return new RoundRobin();
        }
    }

    /** At random, each candidate in proportion to its weight (all equal when every weight is 0). */
    static NodeSpec weighted(List<NodeSpec> candidates, Facts facts) {
        long total = 0;
        for (NodeSpec node : candidates) {
            total += facts.weight(node);
        }
        if (total == 0) {
            return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        }
        long pick = ThreadLocalRandom.current().nextLong(total);
        for (NodeSpec node : candidates) {
            pick -= facts.weight(node);
            if (pick < 0) {
                return node;
            }
        }
        return candidates.get(candidates.size() - 1);
    }

    /** Each connection of the configuration takes the next candidate in turn. */
    final class RoundRobin implements ReplicaSelector {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public NodeSpec choose(List<NodeSpec> candidates, Facts facts) {
            return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
        }
    }

    /** The candidate with the lowest score; ties are taken in turn, so that equal candidates share the load. */
    final class Fewest implements ReplicaSelector {
        private final Function<Facts, ToLongFunction<NodeSpec>> score;
        private final AtomicInteger next = new AtomicInteger();

        Fewest(Function<Facts, ToLongFunction<NodeSpec>> score) {
            this.score = score;
        }

        @Override
        public NodeSpec choose(List<NodeSpec> candidates, Facts facts) {
            ToLongFunction<NodeSpec> of = score.apply(facts);
            int start = Math.floorMod(next.getAndIncrement(), candidates.size());
            NodeSpec best = null;
            long bestScore = Long.MAX_VALUE;
            for (int i = 0; i < candidates.size(); i++) {
                NodeSpec node = candidates.get((start + i) % candidates.size());
                long value = of.applyAsLong(node);
                if (best == null || value < bestScore) {
                    best = node;
                    bestScore = value;
                }
            }
            return best;
        }
    }
}
