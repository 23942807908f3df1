package io.replicatedjdbc.examples.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the write-then-read and monitor-cost measurements briefly, so that they cannot rot, and prints what they
 * measured. The README's figures come from a longer run:
 * {@code mvn -pl examples test -Dtest=ReadYourWritesCostTest -Dmeasure.rounds=6 -Dmeasure.iterations=2000 -Dmeasure.millis=10000}.
 * Nothing here is a timed assertion: each read-back is checked to see its write, and the monitor must have polled.
 */
@ExtendWith(PostgresClusterExtension.class)
class ReadYourWritesCostTest {

    @Test
    void writeThenRead_andMonitorCost(PostgresCluster cluster) throws Exception {
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("plain PgJDBC on the primary", cluster.nodeUrl(0));
        urls.put("readYourWrites=window", cluster.replicatedUrl("readYourWrites=window"));
        urls.put("readYourWrites=lsn (default)", cluster.replicatedUrl());
        urls.put("readYourWritesWait=50ms", cluster.replicatedUrl("readYourWritesWait=50ms"));
        Map<String, double[]> results = WriteThenRead.run(
                urls, Integer.getInteger("measure.rounds", 1), Integer.getInteger("measure.iterations", 100));
        results.forEach((label, m) -> System.out.printf(
                "Write then read, %s: median %.0f us (min %.0f, max %.0f), read-backs on a replica %.1f%%%n",
                label, m[0], m[1], m[2], m[3]));
        assertThat(results.get("readYourWritesWait=50ms")[3])
                .as("waiting puts read-backs on replicas")
                .isGreaterThan(50);

        long millis = Long.getLong("measure.millis", 1_000L);
        for (String interval : new String[] {"10ms", "1ms"}) {
            double cpu = WriteThenRead.monitorCpuMillisPerSecond(
                    cluster.replicatedUrl("replicaPollInterval=" + interval),
                    List.of(cluster.nodeUrl(1), cluster.nodeUrl(2)),
                    millis);
            System.out.printf(
                    "Position monitor, replicaPollInterval=%s: %.1f ms of replica CPU per second%n", interval, cpu);
            assertThat(cpu).isGreaterThanOrEqualTo(0);
        }
    }
}
