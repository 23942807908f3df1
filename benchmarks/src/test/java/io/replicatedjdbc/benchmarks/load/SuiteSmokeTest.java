package io.replicatedjdbc.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.testing.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every scenario of the load suite for a moment, so that the build keeps it working. Nothing here judges a number:
 * the measurements are made by the documented command, not by tests.
 */
class SuiteSmokeTest {

    @Test
    void everyScenario_runsAndWritesItsResultsAndCharts() throws Exception {
        Assumptions.assumeTrue(PostgresCluster.unsupportedReason() == null, PostgresCluster::unsupportedReason);
        Path out = Paths.get("target/smoke-results");
        List<Table> tables = Suite.run(
                out,
                Settings.smokeRun(),
                List.of(),
                List.of("overhead", "classifier", "scaling", "mix", "tables", "tpcb", "connections"));

        assertThat(tables)
                .extracting(t -> t.name)
                .containsExactlyInAnyOrder(
                        "overhead",
                        "standby_scan_cost",
                        "read_scaling",
                        "side_by_side",
                        "table_scopes",
                        "tpcb",
                        "classifier",
                        "connections");
        for (Table table : tables) {
            assertThat(table.rows).as(table.name).isNotEmpty();
            assertThat(out.resolve(table.name + ".csv")).exists();
            assertThat(Files.readString(out.resolve(table.name + ".json"))).contains("\"rows\"");
        }
        for (String chart : List.of("overhead", "read_scaling", "side_by_side", "tpcb", "classifier")) {
            byte[] png = Files.readAllBytes(out.resolve(chart + ".png"));
            assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
        assertThat(Files.readString(out.resolve("summary.md")))
                .contains("### Routing overhead")
                .contains("smoke settings");

        // The workloads did what they say: reads through the driver reached replicas, and its read-backs were fresh.
        Table mix = tables.stream()
                .filter(t -> t.name.equals("side_by_side"))
                .findFirst()
                .orElseThrow();
        Map<String, Object> ours = mix.rows.stream()
                .filter(r -> r.get("system").equals("jdbc:replicated: readYourWritesScope=global"))
                .findFirst()
                .orElseThrow();
        assertThat(ours.get("read-your-writes violations")).isEqualTo(0L);
        Table byTable = tables.stream()
                .filter(t -> t.name.equals("table_scopes"))
                .findFirst()
                .orElseThrow();
        assertThat(byTable.rows).hasSize(8);
        for (Map<String, Object> row : byTable.rows) {
            assertThat(row.get("read-your-writes violations"))
                    .as(row.get("workload and options").toString())
                    .isEqualTo(0L);
        }
        // Every pool's backends were counted where they are: plain PgJDBC's all on the primary.
        Table connections = tables.stream()
                .filter(t -> t.name.equals("connections"))
                .findFirst()
                .orElseThrow();
        for (Map<String, Object> row : connections.rows) {
            if (row.get("system").toString().startsWith("plain")) {
                assertThat(row.get("primary backends")).isEqualTo(row.get("pool size"));
                assertThat(row.get("replica backends")).isEqualTo("[0, 0]");
            }
        }
        Table scaling = tables.stream()
                .filter(t -> t.name.equals("read_scaling"))
                .findFirst()
                .orElseThrow();
        assertThat(scaling.rows.stream()
                        .filter(r -> r.get("configuration").equals("driver, 2 replicas"))
                        .findFirst()
                        .orElseThrow()
                        .get("reads per node")
                        .toString())
                .contains("replica 1")
                .contains("replica 2");
    }
}
