package io.replicatedjdbc.flyway;

import java.sql.Connection;
import java.util.Collections;
import java.util.List;
import org.flywaydb.database.postgresql.PostgreSQLDatabaseType;

/**
 * Flyway's database plugin for {@code jdbc:replicated:postgresql:} URLs. Flyway picks a plugin by URL prefix when it
 * is configured by URL, to know which driver class to load; this one names the replicated driver. Once connected,
 * Flyway recognises the connection as PostgreSQL from its metadata and uses its own PostgreSQL support, so migrations
 * behave exactly as on PostgreSQL: through the driver they run on the primary, with Flyway's advisory lock there.
 */
public class ReplicatedPostgreSQLDatabaseType extends PostgreSQLDatabaseType {

    static final String PREFIX = "jdbc:replicated:postgresql:";

    @Override
    public String getName() {
        return "PostgreSQL through replicated-jdbc";
    }

    /** Engine look-ups find Flyway's own PostgreSQL support, never this plugin. */
    @Override
    public List<String> getSupportedEngines() {
        return Collections.emptyList();
    }

    @Override
    public boolean handlesJDBCUrl(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    @Override
    public String getDriverClass(String url, ClassLoader classLoader) {
        return "io.replicatedjdbc.ReplicatedDriver";
    }

    /** A connection is recognised by Flyway's own PostgreSQL support, from the metadata the primary reports. */
    @Override
    public boolean handlesDatabaseProductNameAndVersion(
            String databaseProductName, String databaseProductVersion, Connection connection) {
        return false;
    }
}
