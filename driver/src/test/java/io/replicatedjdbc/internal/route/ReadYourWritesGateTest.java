package io.replicatedjdbc.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.cluster.CommittedWrites;
import io.replicatedjdbc.internal.cluster.ReadYourWritesStatistics;
import io.replicatedjdbc.internal.cluster.ReplicaPositions;
import io.replicatedjdbc.internal.cluster.WalPosition;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.ConfigParser;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The read-your-writes gate's rules, with the logical connection's answers played by a script. */
class ReadYourWritesGateTest {

    private final Config config;
    private final ReplicaPositions positions;
    private final ReadYourWritesStatistics statistics = new ReadYourWritesStatistics();
    private final NodeSpec replica1;
    private final NodeSpec replica2;

    ReadYourWritesGateTest() throws SQLException {
        config = ConfigParser.parse("jdbc:replicated:postgresql://p,r1,r2/db", new Properties());
        positions = new ReplicaPositions(config);
        replica1 = config.replicas().get(0);
        replica2 = config.replicas().get(1);
    }

    /** The logical connection, as a script: the primary's position, the replica's answers in turn, and a log. */
    private final class Script implements ReadYourWritesGate.Nodes {
        long primaryPosition = 100;
        final Deque<Long> replicaAnswers = new ArrayDeque<>();
        NodeSpec bound = replica1;
        final List<String> log = new ArrayList<>();
        final List<Long> pauses = new ArrayList<>();

        @Override
        public long primaryInsertPosition() {
            log.add("fetch");
            return primaryPosition;
        }

        @Override
        public long replicaReplayPosition() {
            log.add("ask " + bound);
            return replicaAnswers.isEmpty() ? 0 : replicaAnswers.removeFirst();
        }

        @Override
        public NodeSpec boundReplica() {
            return bound;
        }

        @Override
        public void pause(long nanos) {
            log.add("pause");
            pauses.add(nanos);
        }

        /** Pooled: where this connection's reads last saw its writes, and whether it may switch there. */
        NodeSpec confirmed;

        boolean pooled;

        @Override
        public NodeSpec switchToReplicaThatReplayed(long required) {
            if (!pooled
                    || confirmed == null
                    || confirmed.equals(bound)
                    || !WalPosition.covers(positions.replayed(confirmed), required)) {
                return null;
            }
            log.add("switch to " + confirmed);
            bound = confirmed;
            return confirmed;
        }

        @Override
        public void confirmed(NodeSpec replica) {
            confirmed = replica;
        }
    }

    private ReadYourWritesGate gate(long waitMillis) {
        return new ReadYourWritesGate(positions, statistics, waitMillis);
    }

    @Test
    void noWrites_noQueries() throws SQLException {
        Script script = new Script();
        assertThat(gate(0).check(new ReadYourWritesPolicy.Positions(null, false), script))
                .isNull();
        assertThat(script.log).isEmpty();
    }

    @Test
    void aWrite_isPositionedOnce_andAReplicaKnownToHaveReplayedIt_servesTheRead() throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(null, false);
        own.onWrite(0);
        positions.observed(replica1, 150);
        Script script = new Script();
        ReadYourWritesGate gate = gate(0);
        assertThat(gate.check(own, script)).isNull();
        assertThat(gate.check(own, script)).isNull();
        assertThat(script.log).containsExactly("fetch");
        assertThat(statistics.onReplicaAfterCheck.sum()).isEqualTo(2);
    }

    @Test
    void clusterScope_eachReadAsksThePrimaryAfterItBegan_withoutWritesOfItsOwn_andWaitsForThatPosition()
            throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(new CommittedWrites(), false, true);
        Script script = new Script();
        positions.observed(replica1, 100);
        // Nothing written here; the primary is at 100, which replica 1 has replayed: the read runs there.
        assertThat(gate(0).check(own, script)).isNull();
        assertThat(script.log).containsExactly("fetch");
        // Another process commits up to 180: the next read asks again (a position asked before it began says nothing
        // of commits since), and replica 1, still at 150, is behind it.
        script.primaryPosition = 180;
        script.replicaAnswers.add(150L);
        assertThat(gate(0).check(own, script)).contains("0/B4").contains("primary");
        assertThat(script.log).containsExactly("fetch", "fetch", "ask " + replica1);
    }

    @Test
    void clusterScope_withThePrimaryUnreachable_readsWhatTheReplicasHave() throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(new CommittedWrites(), false, true);
        Script script = new Script();
        script.primaryPosition = WalPosition.NONE;
        assertThat(gate(0).check(own, script)).isNull();
        assertThat(script.log).containsExactly("fetch");
    }

    @Test
    void aLaggingReplica_isNotTradedForAFresherOne_itIsAsked_thenThePrimaryReads() throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(null, false);
        own.onWrite(0);
        positions.observed(replica1, 50);
        positions.observed(replica2, 120);
        Script script = new Script();
        // Opening another replica costs more than the read on the primary: the bound replica is asked, then the
        // primary.
        assertThat(gate(0).check(own, script)).contains("ran on the primary");
        assertThat(script.bound).isEqualTo(replica1);
        assertThat(script.log).containsExactly("fetch", "ask " + replica1);
    }

    @Test
    void otherwiseTheReplicaIsAsked_andWhenItIsBehind_theReadGoesToThePrimary() throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(null, false);
        own.onWrite(0);
        Script script = new Script();
        script.replicaAnswers.add(99L);
        String reason = gate(0).check(own, script);
        assertThat(reason)
                .contains("read-your-writes")
                .contains("0/64")
                .contains("0/63")
                .contains("primary");
        assertThat(statistics.keptOnPrimary.sum()).isEqualTo(1);
        script.replicaAnswers.add(100L);
        assertThat(gate(0).check(own, script)).isNull();
        assertThat(positions.replayed(replica1)).isEqualTo(100);
    }

    @Test
    void withAWait_theReplicaIsAskedAgainUntilItCatchesUp() throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(null, false);
        own.onWrite(0);
        Script script = new Script();
        script.replicaAnswers.add(10L);
        script.replicaAnswers.add(60L);
        script.replicaAnswers.add(100L);
        assertThat(gate(5_000).check(own, script)).isNull();
        assertThat(script.log)
                .containsExactly("fetch", "ask " + replica1, "pause", "ask " + replica1, "pause", "ask " + replica1);
        assertThat(statistics.waits.sum()).isEqualTo(1);
        // The first pause is short (a replica about to replay is asked again soon), the next one twice as long.
        assertThat(script.pauses)
                .containsExactly(ReadYourWritesGate.FIRST_PAUSE_NANOS, 2 * ReadYourWritesGate.FIRST_PAUSE_NANOS);
    }

    @Test
    void tokens_raiseTheRequirement_butNeverLowerIt() throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(null, false);
        own.require(500);
        own.require(200);
        assertThat(gate(0).required(own, new Script())).isEqualTo(500);
    }

    @Test
    void globalScope_anotherConnectionsCommit_isPositionedBeforeTheRead() throws SQLException {
        CommittedWrites shared = new CommittedWrites();
        ReadYourWritesPolicy.Positions writer = new ReadYourWritesPolicy.Positions(shared, true);
        ReadYourWritesPolicy.Positions reader = new ReadYourWritesPolicy.Positions(shared, true);
        writer.onWrite(0);
        Script script = new Script();
        script.primaryPosition = 300;
        assertThat(gate(0).required(reader, script)).isEqualTo(300);
        assertThat(gate(0).required(reader, script)).isEqualTo(300);
        assertThat(script.log).containsExactly("fetch");
    }

    @Test
    void aFetchSentAfterAnotherConnectionsCommit_positionsItToo_withoutAFetchOfItsOwn() throws SQLException {
        CommittedWrites shared = new CommittedWrites();
        ReadYourWritesPolicy.Positions first = new ReadYourWritesPolicy.Positions(shared, false);
        ReadYourWritesPolicy.Positions second = new ReadYourWritesPolicy.Positions(shared, false);
        first.onWrite(System.nanoTime());
        second.onWrite(System.nanoTime());
        Script script = new Script();
        script.primaryPosition = 400;
        assertThat(gate(0).required(first, script)).isEqualTo(400);
        assertThat(gate(0).required(second, script)).isEqualTo(400);
        assertThat(script.log).containsExactly("fetch");
        assertThat(statistics.sharedPositions.sum()).isEqualTo(1);
        assertThat(second.pending()).isFalse();
    }

    @Test
    void aFetchSentBeforeACommit_doesNotPositionIt() throws SQLException {
        CommittedWrites shared = new CommittedWrites();
        ReadYourWritesPolicy.Positions first = new ReadYourWritesPolicy.Positions(shared, false);
        ReadYourWritesPolicy.Positions second = new ReadYourWritesPolicy.Positions(shared, false);
        first.onWrite(System.nanoTime());
        Script script = new Script();
        script.primaryPosition = 400;
        assertThat(gate(0).required(first, script)).isEqualTo(400);
        second.onWrite(System.nanoTime() + 1);
        script.primaryPosition = 500;
        assertThat(gate(0).required(second, script)).isEqualTo(500);
        assertThat(script.log).containsExactly("fetch", "fetch");
        assertThat(statistics.sharedPositions.sum()).isZero();
    }

    @Test
    void ofTheFetchesSentAfterACommit_theSmallestPositionIsTaken() {
        CommittedWrites shared = new CommittedWrites();
        shared.fetched(10, 100);
        shared.fetched(30, 300);
        shared.fetched(20, 200);
        assertThat(shared.positionAfter(5)).isEqualTo(100);
        assertThat(shared.positionAfter(10))
                .as("sent at the same reading: not after")
                .isEqualTo(200);
        assertThat(shared.positionAfter(25)).isEqualTo(300);
        assertThat(shared.positionAfter(30)).isEqualTo(0);
        // Only the latest fetches are kept: the oldest make way, and what is kept still covers later commits.
        for (int i = 0; i < CommittedWrites.FETCHES; i++) {
            shared.fetched(100 + i, 1_000 + i);
        }
        assertThat(shared.positionAfter(5)).isEqualTo(1_000);
    }

    @Test
    void globalScope_aFetchSentBeforeTheLatestCommit_isNotEnough() throws SQLException {
        CommittedWrites shared = new CommittedWrites();
        ReadYourWritesPolicy.Positions writer = new ReadYourWritesPolicy.Positions(shared, true);
        ReadYourWritesPolicy.Positions reader = new ReadYourWritesPolicy.Positions(shared, true);
        Script script = new Script();
        writer.onWrite(System.nanoTime());
        script.primaryPosition = 300;
        assertThat(gate(0).required(reader, script)).isEqualTo(300);
        writer.onWrite(System.nanoTime() + 1);
        script.primaryPosition = 350;
        assertThat(gate(0).required(reader, script)).isEqualTo(350);
        assertThat(gate(0).required(reader, script)).isEqualTo(350);
        assertThat(script.log).containsExactly("fetch", "fetch");
    }

    @Test
    void pooled_aReadBalancedToAnotherReplica_goesBackWhereTheConnectionLastSawItsWrites_withoutAQuestion()
            throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(null, false);
        own.onWrite(0);
        positions.observed(replica1, 50);
        positions.observed(replica2, 50);
        Script script = new Script();
        script.pooled = true;
        script.replicaAnswers.add(120L);
        ReadYourWritesGate gate = gate(0);
        // The first read asks the replica it was given, which has replayed the write: the connection's reads saw it
        // there.
        assertThat(gate.check(own, script)).isNull();
        assertThat(script.confirmed).isEqualTo(replica1);
        // The next read is balanced to the other replica, not known to be past the write: back to the first, no
        // question.
        script.bound = replica2;
        assertThat(gate.check(own, script)).isNull();
        assertThat(script.bound).isEqualTo(replica1);
        assertThat(script.log).containsExactly("fetch", "ask " + replica1, "switch to " + replica1);
    }

    @Test
    void byTable_aReadOfAnotherTable_fetchesNothing_andRunsOnItsReplica_whileAReadOfTheWrittenOneWaits()
            throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(null, false);
        own.onWrite(0, List.of("orders"));
        Script script = new Script();
        ReadYourWritesGate gate = gate(0);
        assertThat(gate.check(own, script, List.of("products"))).isNull();
        assertThat(script.log)
                .as("no position fetched for a read of another table")
                .isEmpty();
        assertThat(gate.check(own, script, List.of("products", "orders")))
                .as("a read of the written table: the replica has replayed nothing")
                .contains("ran on the primary");
        assertThat(script.log).containsExactly("fetch", "ask " + replica1);
        assertThat(own.required(List.of("products"))).isEqualTo(WalPosition.NONE);
        assertThat(own.required(List.of("orders"))).isEqualTo(100);
        assertThat(own.required(null)).as("a read of any table").isEqualTo(100);
    }

    @Test
    void byTable_aWriteOfAnyTable_makesEveryReadWait() throws SQLException {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(null, false);
        own.onWrite(0, List.of("orders"));
        own.onWrite(1, null);
        Script script = new Script();
        assertThat(gate(0).check(own, script, List.of("products"))).contains("ran on the primary");
        assertThat(own.required(List.of("products"))).isEqualTo(100);
    }

    @Test
    void byTable_pastTheTablesRemembered_aPositionIsKeptForEveryTable() {
        ReadYourWritesPolicy.Positions own = new ReadYourWritesPolicy.Positions(null, false);
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= ReadYourWritesPolicy.Positions.TABLES; i++) {
            many.add("t" + i);
        }
        own.onWrite(0, many);
        own.fetched(7);
        assertThat(own.required(List.of("elsewhere"))).isEqualTo(7);
    }

    @Test
    void byTable_globalScope_aReadWaitsForOtherConnectionsCommitsToItsTablesOnly() throws SQLException {
        CommittedWrites shared = new CommittedWrites();
        ReadYourWritesPolicy.Positions writer = new ReadYourWritesPolicy.Positions(shared, true);
        ReadYourWritesPolicy.Positions reader = new ReadYourWritesPolicy.Positions(shared, true);
        writer.onWrite(System.nanoTime(), List.of("orders"));
        Script script = new Script();
        ReadYourWritesGate gate = gate(0);
        assertThat(gate.check(reader, script, List.of("products"))).isNull();
        assertThat(script.log).isEmpty();
        assertThat(gate.check(reader, script, List.of("orders"))).contains("ran on the primary");
        assertThat(gate.check(reader, script, null)).as("a read of any table").contains("ran on the primary");
        assertThat(shared.lastCommitNanos(List.of("products"))).isEqualTo(CommittedWrites.NO_COMMIT);
        shared.committed(System.nanoTime());
        assertThat(shared.lastCommitNanos(List.of("products")))
                .as("a commit of any table counts for every table")
                .isNotEqualTo(CommittedWrites.NO_COMMIT);
    }
}
