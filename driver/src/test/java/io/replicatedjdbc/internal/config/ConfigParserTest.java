package io.replicatedjdbc.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.internal.classify.Dialect;
import java.sql.SQLException;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigParserTest {

    private static Config parse(String url) throws SQLException {
        return ConfigParser.parse(url, new Properties());
    }

    private static String urls(Config config) {
        return config.replicas().stream().map(NodeSpec::jdbcUrl).collect(Collectors.joining(" "));
    }

    @Test
    void hostList_firstHostIsPrimary_othersAreReplicas() throws SQLException {
        Config config =
                parse("jdbc:replicated:postgresql://db1:5432,db2:5433,db3/app?sslmode=require&loadBalance=random");

        assertThat(config.primary().jdbcUrl()).isEqualTo("jdbc:postgresql://db1:5432/app?sslmode=require");
        assertThat(urls(config))
                .isEqualTo("jdbc:postgresql://db2:5433/app?sslmode=require jdbc:postgresql://db3/app?sslmode=require");
        assertThat(config.replicas()).extracting(NodeSpec::name).containsExactly("replica1", "replica2");
        assertThat(config.replicas().get(0).toString()).isEqualTo("replica1 (db2:5433)");
        assertThat(config.balance()).isEqualTo(Config.Balance.RANDOM);
        assertThat(config.dialect()).isEqualTo(Dialect.POSTGRESQL);
    }

    @Test
    void hostList_withoutDatabaseOrQuery_keepsTheRestEmpty() throws SQLException {
        Config config = parse("jdbc:replicated:postgresql://db1,db2");
        assertThat(config.primary().jdbcUrl()).isEqualTo("jdbc:postgresql://db1");
        assertThat(urls(config)).isEqualTo("jdbc:postgresql://db2");
    }

    @Test
    void hostList_ipv6Hosts_areKept() throws SQLException {
        Config config = parse("jdbc:replicated:postgresql://[::1]:5432,[::1]:5433/app");
        assertThat(config.primary().jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5432/app");
        assertThat(urls(config)).isEqualTo("jdbc:postgresql://[::1]:5433/app");
    }

    @Test
    void singleHost_hasNoReplicas() throws SQLException {
        Config config = parse("jdbc:replicated:postgresql://db1:5432/app");
        assertThat(config.replicas()).isEmpty();
    }

    @Test
    void replicasOption_onHostUrl_replacesTheHost() throws SQLException {
        Config config = parse("jdbc:replicated:postgresql://db1/app?replicas=db2:5433,db3&ssl=true");
        assertThat(urls(config))
                .isEqualTo("jdbc:postgresql://db2:5433/app?ssl=true jdbc:postgresql://db3/app?ssl=true");
    }

    @Test
    void replicasOption_addsToReplicasListedAsHosts() throws SQLException {
        Config config = parse("jdbc:replicated:postgresql://db1,db2/app?replicas=db3");
        assertThat(config.replicas())
                .extracting(NodeSpec::toString)
                .containsExactly("replica1 (db2)", "replica2 (db3)");
    }

    @Test
    void sqlite_replicasReplaceTheFilePath() throws SQLException {
        Config config = parse("jdbc:replicated:sqlite:/data/app.db?replicas=/data/r1.db,/data/r2.db&busy_timeout=500");

        assertThat(config.primary().jdbcUrl()).isEqualTo("jdbc:sqlite:/data/app.db?busy_timeout=500");
        assertThat(urls(config))
                .isEqualTo("jdbc:sqlite:/data/r1.db?busy_timeout=500 jdbc:sqlite:/data/r2.db?busy_timeout=500");
        assertThat(config.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(config.replicas().get(1).toString()).isEqualTo("replica2 (/data/r2.db)");
    }

    @Test
    void replicaItemStartingWithJdbc_isAWholeUrl() throws SQLException {
        Config config = parse("jdbc:replicated:sqlite:/data/app.db?replicas=jdbc:h2:mem:x,/data/r2.db");
        assertThat(urls(config)).isEqualTo("jdbc:h2:mem:x jdbc:sqlite:/data/r2.db");
    }

    @Test
    void percentEncodedReplicas_areDecoded_andPlusSignsKept() throws SQLException {
        Config config = parse("jdbc:replicated:sqlite:/data/a+b.db?replicas=%2Fdata%2Fr%201.db");
        assertThat(config.primary().jdbcUrl()).isEqualTo("jdbc:sqlite:/data/a+b.db");
        assertThat(urls(config)).isEqualTo("jdbc:sqlite:/data/r 1.db");
    }

    @Test
    void propertiesGiveOptions_urlWins_andCallerPropertiesAreUntouched() throws SQLException {
        Properties info = new Properties();
        info.setProperty("replicas", "/data/from-properties.db");
        info.setProperty("loadBalance", "random");
        info.setProperty("readYourWrites", "connection");
        info.setProperty("user", "app");
        info.setProperty("password", "s3cret");
        Properties before = new Properties();
        before.putAll(info);

        Config config = ConfigParser.parse("jdbc:replicated:sqlite:/data/app.db?loadBalance=roundRobin", info);

        assertThat(info).isEqualTo(before);
        assertThat(config.balance()).isEqualTo(Config.Balance.ROUND_ROBIN);
        assertThat(config.readYourWrites()).isEqualTo(Config.ReadYourWrites.CONNECTION);
        assertThat(urls(config)).isEqualTo("jdbc:sqlite:/data/from-properties.db");
        assertThat(config.nodeProperties())
                .containsEntry("user", "app")
                .containsEntry("password", "s3cret")
                .doesNotContainKeys("loadBalance", "replicas", "readYourWrites");
    }

    @Test
    void defaults_whenNothingIsSet() throws SQLException {
        Config config = parse("jdbc:replicated:sqlite:/data/app.db");
        assertThat(config.balance()).isEqualTo(Config.Balance.ROUND_ROBIN);
        assertThat(config.readYourWrites()).isEqualTo(Config.ReadYourWrites.LSN);
        // SQLite has no WAL position to compare: lsn works as window there.
        assertThat(config.effectiveReadYourWrites()).isEqualTo(Config.ReadYourWrites.WINDOW);
        assertThat(parse("jdbc:replicated:postgresql://p,r/db").effectiveReadYourWrites())
                .isEqualTo(Config.ReadYourWrites.LSN);
        assertThat(config.readYourWritesScope()).isEqualTo(Config.Scope.CONNECTION);
        assertThat(config.readYourWritesWaitMillis()).isZero();
        assertThat(config.replicaPollIntervalMillis()).isEqualTo(10);
        assertThat(config.readYourWritesWindowMillis()).isEqualTo(5_000);
        assertThat(config.replicaRetryIntervalMillis()).isEqualTo(30_000);
        assertThat(config.logRouting()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"250ms,250", "2s,2000", "1m,60000", "1h,3600000", "1500,1500", "0,0"})
    void durations_acceptUnits(String text, long millis) throws SQLException {
        Config config = parse("jdbc:replicated:sqlite:/a.db?readYourWritesWindow=" + text);
        assertThat(config.readYourWritesWindowMillis()).isEqualTo(millis);
    }

    @ParameterizedTest
    @CsvSource({
        "loadBalance=nonsense, loadBalance, 'roundRobin, random'",
        "loadBalance=RoundRobin, loadBalance, 'roundRobin, random'",
        "readYourWrites=sometimes, readYourWrites, 'window, connection, off'",
        "logRouting=yes, logRouting, 'true, false'",
        "readYourWritesWindow=-5s, readYourWritesWindow, duration",
        "replicaRetryInterval=soon, replicaRetryInterval, duration",
        "readYourWritesWindow=5 s, readYourWritesWindow, duration",
        "readYourWritesWindow=3000000h, readYourWritesWindow, at most 30 days",
        "replicaRetryInterval=3000000h, replicaRetryInterval, at most 30 days",
        "replicaRetryInterval=999999999999h, replicaRetryInterval, at most 30 days",
        "maxReplicaLagBytes=16 MB, maxReplicaLagBytes, bytes",
    })
    void invalidOptionValue_failsWith22023_namingTheOptionAndAllowedValues(String option, String name, String allowed) {
        assertThatThrownBy(() -> parse("jdbc:replicated:sqlite:/a.db?" + option))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(name)
                .hasMessageContaining(allowed)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("22023");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "jdbc:replicated:|subprotocol",
                "jdbc:replicated:postgresql|subprotocol",
                "jdbc:replicated:sqlite:|database",
                "jdbc:replicated:postgresql://,db2/app|primary host",
                "jdbc:replicated:postgresql://db1,,db3/app|replica host 1",
                "jdbc:replicated:postgresql://db1/app?replicas=db2,,db3|empty item",
                "jdbc:replicated:postgresql://db1/app?replicas=db2/other|not a host",
                "jdbc:replicated:replicated:sqlite:/a.db|cannot wrap",
                "jdbc:replicated:sqlite:/a.db?replicas=jdbc:replicated:sqlite:/b.db|cannot itself be a replicated URL",
                "jdbc:replicated:sqlite:/a.db?replicas|needs a value",
                "jdbc:replicated:sqlite:/a.db?replicas=%zz|percent",
                "jdbc:replicated:my driver:/a.db|subprotocol",
            })
    void malformedUrl_failsWith08001_pointingAtThePart(String url, String part) {
        assertThatThrownBy(() -> parse(url))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(part)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("08001");
    }

    @Test
    void errorMessages_neverShowAPassword() {
        assertThatThrownBy(() -> parse("jdbc:replicated:postgresql://db1,,db3/app?password=s3cret&loadBalance=x"))
                .hasMessageNotContaining("s3cret")
                .hasMessageContaining("password=***");
        assertThatThrownBy(() -> parse("jdbc:replicated:postgresql://db1/app?password=s3cret&loadBalance=x"))
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void displayUrl_hidesSecrets() throws SQLException {
        Config config = parse("jdbc:replicated:postgresql://db1,db2/app?user=a&password=s3cret&sslpassword=k");
        assertThat(config.displayUrl())
                .isEqualTo("jdbc:replicated:postgresql://db1,db2/app?user=a&password=***&sslpassword=***");
        assertThat(config.replicas().get(0).toString()).doesNotContain("s3cret");
    }

    @Test
    void sameNodesAndOptions_shareOneClusterKey_otherOptionsDoNot() throws SQLException {
        assertThat(parse("jdbc:replicated:sqlite:/a.db?replicas=/b.db&readYourWrites=off")
                        .clusterKey())
                .isEqualTo(parse("jdbc:replicated:sqlite:/a.db?replicas=/b.db").clusterKey());
        assertThat(parse("jdbc:replicated:sqlite:/a.db?replicas=/b.db&loadBalance=random")
                        .clusterKey())
                .isNotEqualTo(
                        parse("jdbc:replicated:sqlite:/a.db?replicas=/b.db").clusterKey());
    }

    @Test
    void anErrorMessage_keepsItsSeparator_afterAPasswordAtTheUrlsEnd_andMasksAPasswordQuotedByValue() {
        assertThatThrownBy(() ->
                        ConfigParser.parse("jdbc:replicated:postgresql://p,r 1/db?password=Zq7sEnd", new Properties()))
                .hasMessageContaining("password=***; replica host 1 'r 1' is not a host[:port]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Zq7s"));
        // A bad escape in a replica item that carries a password: the message quotes the item, masked.
        assertThatThrownBy(() -> ConfigParser.parse(
                        "jdbc:replicated:postgresql://p/db?replicas=jdbc:postgresql://h/db%3Fpassword%3DZq7s%ZZtail",
                        new Properties()))
                .hasMessageContaining("bad percent-escape")
                .satisfies(
                        e -> assertThat(e.getMessage()).doesNotContain("Zq7s").doesNotContain("tail"));
    }
}
