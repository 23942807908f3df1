package io.replicatedjdbc.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresClusterExtension.class)
class SqllineTest {

    @Test
    void scriptedSession_readsFromAReplica_thenWritesAndReadsItsWriteOnThePrimary(PostgresCluster cluster)
            throws Exception {
        String output = SqllineExample.run(cluster.replicatedUrl(), PostgresCluster.USER, "");

        assertThat(output).contains("status: OK");
        assertThat(output).containsAnyOf("port=" + cluster.port(1), "port=" + cluster.port(2));
        // The read after the insert sees it, on the primary or on a replica that has replayed it.
        assertThat(output)
                .containsPattern(
                        "port=(" + cluster.port(0) + "|" + cluster.port(1) + "|" + cluster.port(2) + ") rows=[1-9]");
        assertThat(output).contains("TABLE_NAME");
        assertThat(cluster.query(0, "SELECT count(*) FROM cli_notes WHERE body = 'from sqlline'"))
                .isNotEqualTo("0");
    }
}
