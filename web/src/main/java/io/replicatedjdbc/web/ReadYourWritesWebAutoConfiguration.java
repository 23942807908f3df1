package io.replicatedjdbc.web;

import io.replicatedjdbc.RequestPositions;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring Boot auto-configuration: with {@code replicated-jdbc.read-your-writes.secret} set (at least 32 bytes, the same
 * on every instance), every request of a servlet web application passes through a {@link ReadYourWritesFilter}.
 * {@code replicated-jdbc.read-your-writes.cookie} and {@code .max-age-seconds} change the cookie's name and life.
 */
@AutoConfiguration
@ConditionalOnClass({RequestPositions.class, jakarta.servlet.Filter.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "replicated-jdbc.read-your-writes", name = "secret")
public class ReadYourWritesWebAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ReadYourWritesFilter replicatedJdbcReadYourWritesFilter(Environment environment) {
        String secret = environment.getRequiredProperty("replicated-jdbc.read-your-writes.secret");
        return new ReadYourWritesFilter(
                secret.getBytes(StandardCharsets.UTF_8),
                environment.getProperty("replicated-jdbc.read-your-writes.cookie", ReadYourWritesFilter.DEFAULT_COOKIE),
                environment.getProperty(
                        "replicated-jdbc.read-your-writes.max-age-seconds",
                        Integer.class,
                        ReadYourWritesFilter.DEFAULT_MAX_AGE_SECONDS));
    }
}
