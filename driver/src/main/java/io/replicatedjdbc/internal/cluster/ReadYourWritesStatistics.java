package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.ReadYourWritesCounters;
import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link ReadYourWritesCounters}, shared by the connections of one configuration. */
public final class ReadYourWritesStatistics {

    public final LongAdder keptOnPrimary = new LongAdder();
    public final LongAdder onReplicaAfterCheck = new LongAdder();
    public final LongAdder directChecks = new LongAdder();
    public final LongAdder positionFetches = new LongAdder();
    public final LongAdder sharedPositions = new LongAdder();
    public final LongAdder waits = new LongAdder();
    public final LongAdder waitNanos = new LongAdder();
    public final LongAdder sampledPositions = new LongAdder();
    public final LongAdder sampledChecks = new LongAdder();
    public final LongAdder catalogQuestions = new LongAdder();
    public final LongAdder readsByTable = new LongAdder();

    public ReadYourWritesCounters snapshot() {
        return new ReadYourWritesCounters(
                keptOnPrimary.sum(),
                onReplicaAfterCheck.sum(),
                directChecks.sum(),
                positionFetches.sum(),
                sharedPositions.sum(),
                waits.sum(),
                waitNanos.sum(),
                sampledPositions.sum(),
                sampledChecks.sum(),
                catalogQuestions.sum(),
                readsByTable.sum());
    }
}
