package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Chooses a replica among the healthy ones when a logical connection binds its replica. */
public interface ReplicaSelector {

    /** One of {@code candidates}, which is never empty. */
    NodeSpec choose(List<NodeSpec> candidates);

    static ReplicaSelector of(Config.Balance balance) {
        return balance == Config.Balance.RANDOM ? new Random() : new RoundRobin();
    }

    /** Each connection of the configuration takes the next replica in turn. */
    final class RoundRobin implements ReplicaSelector {
        private final AtomicInteger next = new AtomicInteger();

        @Override
        public NodeSpec choose(List<NodeSpec> candidates) {
            return candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
        }
    }

    /** Each connection takes a replica at random. */
    final class Random implements ReplicaSelector {
        @Override
        public NodeSpec choose(List<NodeSpec> candidates) {
            return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        }
    }
}
