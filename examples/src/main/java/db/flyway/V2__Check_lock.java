package db.flyway;

import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A Java migration that records, while the migration runs, where it runs and whether Flyway's advisory lock is
 * held on that server: the evidence that the lock and the migration share the primary.
 */
public class V2__Check_lock extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute("CREATE TABLE fw_evidence (server_port int, in_recovery boolean, advisory_locks bigint)");
            try (ResultSet rs = statement.executeQuery("SELECT inet_server_port(), pg_is_in_recovery(),"
                    + " (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted)")) {
                rs.next();
                statement.executeUpdate("INSERT INTO fw_evidence VALUES (" + rs.getInt(1) + ", " + rs.getBoolean(2)
                        + ", " + rs.getLong(3) + ")");
            }
        }
    }
}
