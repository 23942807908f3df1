package io.replicatedjdbc.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.ConfigParser;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Where writes go, from what the nodes say of themselves, round by round. */
class PrimaryElectionTest {

    @Test
    void aPromotedNodeThatMissesOnePoll_keepsTheWrites_andTheOldPrimaryComingBackTakesNone() throws Exception {
        Config config = ConfigParser.parse("jdbc:replicated:postgresql://p,r1/db", new Properties());
        NodeSpec primary = config.primary();
        NodeSpec replica = config.replicas().get(0);
        PrimaryElection election = new PrimaryElection(primary);

        election.answered(primary, true, 1);
        election.answered(replica, false, 1);
        assertThat(election.decide().node).as("the configured primary").isNull();

        election.failed(primary);
        election.answered(replica, true, 2);
        assertThat(election.decide().node).isEqualTo(replica);

        // One poll of the promoted node times out: nobody answers as the primary, and the writes stay.
        election.failed(replica);
        PrimaryElection.Verdict missed = election.decide();
        assertThat(missed.node).isEqualTo(replica);
        assertThat(missed.refusal).isNull();

        // The old primary comes back on its old timeline: refused, whatever the promoted node does meanwhile.
        election.answered(primary, true, 1);
        assertThat(election.decide().refusal).contains("timeline 1").contains("newer timeline 2");
        election.answered(replica, true, 2);
        assertThat(election.decide().node).isEqualTo(replica);
    }

    @Test
    void withNoPromotionSeen_aPrimaryThatDoesNotAnswer_keepsTheWritesAsConfigured() throws Exception {
        Config config = ConfigParser.parse("jdbc:replicated:postgresql://p,r1/db", new Properties());
        PrimaryElection election = new PrimaryElection(config.primary());
        election.failed(config.primary());
        election.answered(config.replicas().get(0), false, 1);
        PrimaryElection.Verdict verdict = election.decide();
        assertThat(verdict.node).isNull();
        assertThat(verdict.refusal).isNull();
    }
}
