package io.replicatedjdbc.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small Spring Boot service: a JPA repository, read-only and read-write service methods, Flyway migrations at
 * start-up and the actuator health endpoint. Nothing in its code knows about replicas: application.properties
 * points {@code spring.datasource.url} at {@code jdbc:replicated:postgresql://primary,replica1,replica2/db}.
 */
@SpringBootApplication
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
