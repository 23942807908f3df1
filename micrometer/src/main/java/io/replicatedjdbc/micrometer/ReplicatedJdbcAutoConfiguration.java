package io.replicatedjdbc.micrometer;

import io.replicatedjdbc.ReplicatedConnection;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot auto-configuration, for an application whose {@code spring.datasource.url} is a {@code jdbc:replicated:}
 * URL: the configuration's meters are bound to Micrometer (when Micrometer is there, as with the actuator), and a
 * {@code replicatedJdbc} health contributor reports each node. Nothing to configure. An application that builds its
 * replicated data source in code declares {@link ReplicatedMetrics} and {@link ReplicatedHealthIndicator} beans
 * itself, over a {@link ReplicatedStatistics}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(ReplicatedConnection.class)
@ConditionalOnBean(DataSource.class)
@ConditionalOnProperty(prefix = "spring.datasource", name = "url")
@ReplicatedUrl
public class ReplicatedJdbcAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ReplicatedStatistics replicatedJdbcStatistics(DataSource dataSource) {
        return new ReplicatedStatistics(dataSource);
    }

    // (Nested configurations are read before this class's own beans: they are conditioned on the URL, not on them.)
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        ReplicatedMetrics replicatedJdbcMetrics(ReplicatedStatistics statistics) {
            return new ReplicatedMetrics(statistics);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {
        @Bean(name = "replicatedJdbcHealthIndicator")
        @ConditionalOnMissingBean(name = "replicatedJdbcHealthIndicator")
        ReplicatedHealthIndicator replicatedJdbcHealthIndicator(ReplicatedStatistics statistics) {
            return new ReplicatedHealthIndicator(statistics);
        }
    }
}
