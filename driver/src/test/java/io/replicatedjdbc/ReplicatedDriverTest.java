package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.testing.LogCapture;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicatedDriverTest {

    private final ReplicatedDriver driver = new ReplicatedDriver();

    @Test
    void isRegisteredWithDriverManager_andInTheServiceFile() throws SQLException {
        assertThat(DriverManager.getDriver("jdbc:replicated:sqlite:/a.db")).isInstanceOf(ReplicatedDriver.class);
        assertThat(ServiceLoader.load(Driver.class)).anyMatch(d -> d instanceof ReplicatedDriver);
    }

    @Test
    void acceptsURL_isAPrefixCheck() {
        assertThat(driver.acceptsURL("jdbc:replicated:sqlite:/a.db")).isTrue();
        assertThat(driver.acceptsURL("jdbc:replicated:nonsense")).isTrue();
        assertThat(driver.acceptsURL("jdbc:postgresql://db/app")).isFalse();
        assertThat(driver.acceptsURL("jdbc:replicate:sqlite:/a.db")).isFalse();
        assertThat(driver.acceptsURL(null)).isFalse();
    }

    @Test
    void connect_returnsNullForAForeignUrl() throws SQLException {
        assertThat(driver.connect("jdbc:sqlite:/a.db", new Properties())).isNull();
        assertThat(driver.connect(null, null)).isNull();
    }

    @Test
    void connect_opensThePrimary_andReturnsAReplicatedConnection(@TempDir Path dir) throws SQLException {
        Path primary = dir.resolve("a.db");
        try (Connection connection = driver.connect("jdbc:replicated:sqlite:" + primary, null)) {
            assertThat(connection).isInstanceOf(ReplicatedConnection.class);
            assertThat(connection.isWrapperFor(ReplicatedConnection.class)).isTrue();
            assertThat(connection.unwrap(ReplicatedConnection.class).lastRouting())
                    .isNull();
            assertThat(primary).exists();
        }
    }

    @Test
    void connect_toAPrimaryThatCannotBeOpened_failsThereWith08001_asThePlainDriverWould() {
        assertThatThrownBy(() -> driver.connect("jdbc:replicated:sqlite:/no/such/dir/a.db", null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("/no/such/dir/a.db")
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("08001");
    }

    @Test
    void connect_withABadOption_failsWith22023() {
        assertThatThrownBy(() -> driver.connect("jdbc:replicated:sqlite:/a.db?loadBalance=nonsense", null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("loadBalance")
                .hasMessageContaining("roundRobin, random");
    }

    @Test
    void version_comesFromTheBuild() {
        assertThat(driver.getMajorVersion()).isGreaterThanOrEqualTo(0);
        assertThat(driver.toString()).startsWith("replicated-jdbc ").doesNotContain("0.0.0");
        assertThat(driver.jdbcCompliant()).isFalse();
    }

    @Test
    void getPropertyInfo_acceptsNullsAndForeignUrls() throws SQLException {
        assertThat(driver.getPropertyInfo(null, null)).hasSize(ReplicatedProperty.values().length);
        assertThat(driver.getPropertyInfo("jdbc:sqlite:/a.db", new Properties()))
                .hasSize(ReplicatedProperty.values().length);
    }

    @Test
    void aReplicaUrlNoDriverAccepts_failsConnectWith08001_namingIt_beforeAnyNodeIsOpened(@TempDir Path dir) {
        Path primary = dir.resolve("p.db");
        String url = "jdbc:replicated:sqlite:" + primary + "?replicas="
                + URLEncoder.encode("jdbc:postgresql//127.0.0.1:1/db", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> driver.connect(url, null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("jdbc:postgresql//127.0.0.1:1/db")
                .hasMessageContaining("replica1")
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("08001");
        assertThat(primary).as("nothing was opened").doesNotExist();
    }

    @Test
    void aWrongSubprotocol_namesTheUrlBuilt_andTheOneMeant() {
        assertThatThrownBy(() -> driver.connect("jdbc:replicated:postgres://127.0.0.1:1/db?password=Zq7s%26tail", null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("jdbc:postgres://127.0.0.1:1/db")
                .hasMessageContaining("did you mean jdbc:replicated:postgresql:")
                .satisfies(
                        e -> assertThat(e.getMessage()).doesNotContain("Zq7s").doesNotContain("tail"))
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("08001");
    }

    @Test
    void anOptionNeitherDriverKnows_isLoggedOnce_withTheNearestKnownOption(@TempDir Path dir) throws SQLException {
        List<String> warnings;
        try (LogCapture log = LogCapture.of("io.replicatedjdbc")) {
            String url = "jdbc:replicated:sqlite:" + dir.resolve("p.db") + "?loadBalence=random&busy_timeout=2000";
            Properties info = new Properties();
            info.setProperty("readYourWritesWindw", "1s");
            for (int i = 0; i < 3; i++) {
                try (Connection connection = driver.connect(url, info)) {
                    assertThat(connection).isNotNull();
                }
            }
            warnings = log.messages(Level.WARNING);
        }
        assertThat(warnings)
                .filteredOn(w -> w.contains("'loadBalence'"))
                .singleElement()
                .asString()
                .contains("did you mean 'loadBalance'?");
        assertThat(warnings)
                .filteredOn(w -> w.contains("'readYourWritesWindw'"))
                .singleElement()
                .asString()
                .contains("did you mean 'readYourWritesWindow'?");
        assertThat(warnings).noneMatch(w -> w.contains("busy_timeout"));
    }
}
