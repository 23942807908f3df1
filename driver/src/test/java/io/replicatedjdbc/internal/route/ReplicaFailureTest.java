package io.replicatedjdbc.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.route.ReplicaFailure.Action;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ReplicaFailureTest {

    private static final SQLException LOST =
            new SQLException("An I/O error occurred while sending to the backend", "08006");
    private static final SQLException REFUSED =
            new SQLException("cannot execute nextval() in a read-only transaction", "25006");
    private static final SQLException CONFLICT =
            new SQLException("canceling statement due to conflict with recovery", "40001");
    private static final SQLException SYNTAX = new SQLException("syntax error", "42601");

    @Test
    void aLostReplica_triesEachOtherReplicaOnce_thenThePrimary_andNoMore() {
        ReplicaFailure failures = new ReplicaFailure(true, 3);
        assertThat(failures.failed(LOST, true).action()).isEqualTo(Action.ANOTHER_REPLICA);
        assertThat(failures.failed(LOST, true).action()).isEqualTo(Action.ANOTHER_REPLICA);
        ReplicaFailure.Next last = failures.failed(LOST, true);
        assertThat(last.action()).isEqualTo(Action.PRIMARY);
        assertThat(last.reason()).contains("I/O error").contains("primary");
    }

    @Test
    void aReplicaThatFailsEveryStatement_cannotMakeAStatementLoop() {
        ReplicaFailure failures = new ReplicaFailure(true, 1);
        int attempts = 0;
        while (failures.failed(LOST, true).action() == Action.ANOTHER_REPLICA) {
            attempts++;
            assertThat(attempts).isLessThan(2);
        }
        assertThat(attempts).isZero();
    }

    @Test
    void aRefusedWrite_runsOnThePrimary_asAWrite() {
        ReplicaFailure.Next next = new ReplicaFailure(true, 2).failed(REFUSED, false);
        assertThat(next.action()).isEqualTo(Action.PRIMARY);
        assertThat(next.write()).isTrue();
        assertThat(next.reason()).contains("refused it as a write");
    }

    @Test
    void aRecoveryConflict_runsOnThePrimary_asARead() {
        ReplicaFailure.Next next = new ReplicaFailure(true, 2).failed(CONFLICT, false);
        assertThat(next.action()).isEqualTo(Action.PRIMARY);
        assertThat(next.write()).isFalse();
    }

    @Test
    void otherErrors_reachTheApplication() {
        assertThat(new ReplicaFailure(true, 2).failed(SYNTAX, false).action()).isEqualTo(Action.FAIL);
    }

    @Test
    void nothingIsRetried_insideATransaction_orForAStatementThatMayNotRunTwice() {
        ReplicaFailure failures = new ReplicaFailure(false, 2);
        assertThat(failures.failed(LOST, true).action()).isEqualTo(Action.FAIL);
        assertThat(failures.failed(REFUSED, false).action()).isEqualTo(Action.FAIL);
        assertThat(failures.failed(CONFLICT, false).action()).isEqualTo(Action.FAIL);
    }
}
