package io.replicatedjdbc.examples.tools;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Flyway {@code migrate} through the replicated driver. Flyway takes a PostgreSQL advisory lock
 * ({@code pg_try_advisory_lock}) and sets the search path with {@code set_config}; both must reach the primary,
 * where the migration runs.
 *
 * <p>Flyway picks its database support from the URL when given one, and does not know {@code jdbc:replicated:}:
 * give it a {@code DataSource} instead (as Spring Boot does), and it recognises PostgreSQL from the connection.
 *
 * <p>Run: {@code FlywayExample jdbc:replicated:postgresql://primary,replica1,replica2/db user password}
 */
public final class FlywayExample {

    private FlywayExample() {
    }

    public static void main(String[] args) {
        MigrateResult result = migrate(args[0], args.length > 1 ? args[1] : null, args.length > 2 ? args[2] : null);
        System.out.println("Flyway applied " + result.migrationsExecuted + " migrations; schema version " + result.targetSchemaVersion);
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
}
