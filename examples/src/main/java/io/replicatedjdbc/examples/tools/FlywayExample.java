package io.replicatedjdbc.examples.tools;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Flyway {@code migrate} through the replicated driver. Flyway takes a PostgreSQL advisory lock
 * ({@code pg_try_advisory_lock}) and sets the search path with {@code set_config}; both must reach the primary,
 * where the migration runs.
 *
 * <p>Given a {@code DataSource} (as Spring Boot does), Flyway recognises PostgreSQL from the connection. Given a URL
 * (its command line, its Maven and Gradle plugins, {@code spring.flyway.url}), it picks its database support by the
 * URL's prefix: the {@code replicated-jdbc-flyway} jar on its class path supplies the one for
 * {@code jdbc:replicated:postgresql:}.
 *
 * <p>Run: {@code FlywayExample jdbc:replicated:postgresql://primary,replica1,replica2/db user password}
 */
public final class FlywayExample {

    private FlywayExample() {}

    public static void main(String[] args) {
        MigrateResult result = migrate(args[0], args.length > 1 ? args[1] : null, args.length > 2 ? args[2] : null);
        System.out.println("Flyway applied " + result.migrationsExecuted + " migrations; schema version "
                + result.targetSchemaVersion);
    }

    public static MigrateResult migrate(String url, String user, String password) {
        return Flyway.configure()
                .dataSource(new DriverManagerDataSource(url, user, password))
                .schemas("flyway_demo")
                .createSchemas(true)
                .locations("classpath:db/flyway")
                .load()
                .migrate();
    }

    /** Flyway configured by URL, as its command line and build plugins configure it. */
    public static MigrateResult migrateByUrl(String url, String user, String password, String schema) {
        return Flyway.configure()
                .dataSource(url, user, password)
                .schemas(schema)
                .createSchemas(true)
                .locations("classpath:db/flyway")
                .load()
                .migrate();
    }
}
