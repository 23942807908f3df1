package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.internal.cluster.ConfigurationStatistics;
import io.replicatedjdbc.internal.cluster.ReplicaPositions;
import io.replicatedjdbc.testing.LogCapture;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The configuration's MBean and statistics, read as JConsole would, after statements whose route the servers show. */
@ExtendWith(PostgresClusterExtension.class)
class PostgresObservabilityTest {

    private final PostgresCluster cluster;

    PostgresObservabilityTest(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    private static boolean onReplica(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static Set<ObjectName> beans(MBeanServer server) throws Exception {
        return server.queryNames(new ObjectName("io.replicatedjdbc:type=Configuration,*"), null);
    }

    private static long cause(TabularData table, String cause) {
        for (Object row : table.values()) {
            CompositeData data = (CompositeData) row;
            if (data.get("key").equals(cause)) {
                return (Long) data.get("value");
            }
        }
        return -1;
    }

    @Test
    void theMBean_countsReadsByWhereAndWhy_andGoesAwayWithTheLastConnection() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try (Connection connection = DriverManager.getConnection(cluster.replicatedUrl("ApplicationName=obs_test"))) {
            assertThat(onReplica(connection, "SELECT pg_is_in_recovery()")).isTrue();
            assertThat(onReplica(connection, "/* replicated:primary */ SELECT pg_is_in_recovery()"))
                    .isFalse();
            connection.unwrap(ReplicatedConnection.class).pinToPrimary();
            assertThat(onReplica(connection, "SELECT pg_is_in_recovery()")).isFalse();

            name = beans(server).stream()
                    .filter(bean -> bean.getKeyProperty("name").contains("obs_test"))
                    .findFirst()
                    .orElseThrow();
            assertThat((Long) server.getAttribute(name, "ReadsOnReplicas")).isEqualTo(1);
            TabularData byCause = (TabularData) server.getAttribute(name, "ReadsOnPrimaryByCause");
            assertThat(cause(byCause, "HINT")).isEqualTo(1);
            assertThat(cause(byCause, "PIN")).isEqualTo(1);
            String[] nodes = (String[]) server.getAttribute(name, "Nodes");
            assertThat(nodes).hasSize(3);
            assertThat(nodes[1]).contains("replica1").contains("up");
            ReplicatedConfigurationMXBean statistics =
                    connection.unwrap(ReplicatedConnection.class).configurationStatistics();
            assertThat(statistics.getReadsOnReplicas()).isEqualTo(1);
            assertThat(statistics.getStatementsByNode().get("primary")).isEqualTo(2);
        }
        assertThat(server.isRegistered(name))
                .as("unregistered with the last connection")
                .isFalse();
    }

    @Test
    void theMonitorsSessions_areNamedAsTheDrivers_evenWhenTheUrlNamesTheApplication() throws Exception {
        try (Connection connection =
                DriverManager.getConnection(cluster.replicatedUrl("ApplicationName=obs_named", "socketTimeout=30"))) {
            assertThat(onReplica(connection, "SELECT pg_is_in_recovery()")).isTrue();
            for (int node = 0; node <= cluster.replicaCount(); node++) {
                assertThat(Integer.parseInt(cluster.query(
                                node,
                                "SELECT count(*) FROM pg_stat_activity"
                                        + " WHERE application_name = '"
                                        + ReplicaPositions.MONITOR_NAME
                                        + "'")))
                        .as("monitor sessions on node " + node)
                        .isPositive();
            }
            // The application's own sessions carry its name: one on the primary, one on the replica it reads from; the
            // monitor's three do not, although the URL names the application.
            int named = 0;
            for (int node = 0; node <= cluster.replicaCount(); node++) {
                named += Integer.parseInt(cluster.query(
                        node, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'obs_named'"));
            }
            assertThat(named).isEqualTo(2);
        }
    }

    @Test
    void routingLogLines_nameTheConnectionTheServerProcessAndTheStatement_withLiteralsMasked() throws Exception {
        List<String> lines;
        int pid;
        try (LogCapture log = LogCapture.of("io.replicatedjdbc.routing");
                Connection connection = DriverManager.getConnection(cluster.replicatedUrl("logRouting=true"));
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_backend_pid(), 'secret-literal', 4242")) {
            rs.next();
            pid = rs.getInt(1);
            lines = log.messages(Level.ALL);
        }
        assertThat(lines)
                .filteredOn(line -> line.contains("pg_backend_pid"))
                .singleElement()
                .asString()
                .matches("c[0-9]+ REPLICA on replica[12] \\(127\\.0\\.0\\.1:[0-9]+\\) pid " + pid + ": SELECT \\| .*")
                .containsIgnoringCase("select pg_backend_pid(), ?")
                .doesNotContain("secret-literal")
                .doesNotContain("4242");
    }

    @Test
    void theMBeansName_isTheSameInEveryRunAndAfterReopening_andTheNameOptionSetsIt() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String url = cluster.replicatedUrl("ApplicationName=obs_stable", "password=Zq7sSecret");
        ObjectName first;
        try (Connection connection = DriverManager.getConnection(url)) {
            first = ((ConfigurationStatistics)
                            connection.unwrap(ReplicatedConnection.class).configurationStatistics())
                    .objectName();
        }
        try (Connection connection = DriverManager.getConnection(url)) {
            ObjectName again = ((ConfigurationStatistics)
                            connection.unwrap(ReplicatedConnection.class).configurationStatistics())
                    .objectName();
            assertThat(again).isEqualTo(first);
        }
        assertThat(first.toString())
                .startsWith("io.replicatedjdbc:type=Configuration,name=")
                .contains("obs_stable")
                .doesNotContain("Zq7sSecret")
                .doesNotContain("id=");
        try (Connection connection = DriverManager.getConnection(cluster.replicatedUrl("name=orders-db"))) {
            assertThat(server.isRegistered(new ObjectName("io.replicatedjdbc:type=Configuration,name=\"orders-db\"")))
                    .isTrue();
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .configurationStatistics()
                            .getName())
                    .isEqualTo("orders-db");
        }
    }
}
