package io.replicatedjdbc.examples.tools;

import java.sql.Connection;
import java.sql.DriverManager;
import liquibase.Contexts;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Liquibase {@code update} through the replicated driver: its lock table, its change log and the changes all
 * live on the primary. Liquibase recognises PostgreSQL from the connection's metadata.
 *
 * <p>Configured by URL (its command line, Maven and Gradle plugins, {@code spring.liquibase.url}), Liquibase also needs
 * the driver class, {@code --driver=io.replicatedjdbc.ReplicatedDriver}: it derives one from the URL only for the
 * databases it knows.
 *
 * <p>Run: {@code LiquibaseExample jdbc:replicated:postgresql://primary,replica1,replica2/db?user=...}
 */
public final class LiquibaseExample {

    private LiquibaseExample() {}

    public static void main(String[] args) throws Exception {
        update(args[0]);
        System.out.println("Liquibase update done");
    }

    @SuppressWarnings("deprecation")
    public static void update(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url)) {
            Database database =
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            try (Liquibase liquibase =
                    new Liquibase("db/liquibase/changelog.xml", new ClassLoaderResourceAccessor(), database)) {
                liquibase.update(new Contexts());
            }
        }
    }

    /** Liquibase configured by URL, as its command line runs {@code update --url=... --driver=...}. */
    public static void updateByUrl(String url, String driver, String schema) throws Exception {
        liquibase.command.CommandScope update = new liquibase.command.CommandScope("update")
                .addArgumentValue("url", url)
                .addArgumentValue("changelogFile", "db/liquibase/changelog.xml")
                .addArgumentValue("defaultSchemaName", schema);
        if (driver != null) {
            update.addArgumentValue("driver", driver);
        }
        update.execute();
    }
}
