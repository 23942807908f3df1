package io.replicatedjdbc.examples.springboot;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;

/**
 * Why application.properties names the driver class: Spring Boot picks a driver class from the URL's prefix, knows
 * only the prefixes of the drivers it ships support for, and does not fall back to {@code DriverManager}. If a
 * later Spring Boot learns to, this test fails and the README's advice can shrink to the URL alone.
 */
@ExtendWith(PostgresClusterExtension.class)
class DriverClassNameTest {

    @Test
    void withoutDriverClassName_springBootCannotChooseADriverForTheUrl(PostgresCluster cluster) {
        assertThatThrownBy(() -> SpringApplication.run(
                                ShopApplication.class,
                                "--REPLICATED_URL=" + cluster.replicatedUrl(),
                                "--server.port=0",
                                "--server.tomcat.basedir=target/tomcat",
                                "--spring.datasource.driver-class-name=")
                        .close())
                .rootCause()
                .hasMessageContaining("Failed to determine a suitable driver class");
    }
}
