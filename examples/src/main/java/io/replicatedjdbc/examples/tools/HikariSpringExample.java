package io.replicatedjdbc.examples.tools;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * HikariCP + Spring {@code JdbcTemplate} + {@code TransactionTemplate}, configured exactly as for the plain
 * PostgreSQL driver but for the URL. Prints which server port answered each step.
 *
 * <p>Run: {@code HikariSpringExample jdbc:replicated:postgresql://primary,replica1,replica2/db?user=...}
 */
public final class HikariSpringExample {

    private HikariSpringExample() {}

    public static void main(String[] args) {
        try (HikariDataSource dataSource = dataSource(args[0])) {
            createSchema(dataSource);
            run(dataSource).forEach((step, port) -> System.out.println(step + ": answered by port " + port));
        }
    }

    /**
     * Creates the table on the primary. The connection that did it reads from the primary for a while
     * (read-your-writes), so the pool is asked to replace its connections: the demo then starts fresh.
     */
    public static void createSchema(HikariDataSource dataSource) {
        new JdbcTemplate(dataSource)
                .execute("CREATE TABLE IF NOT EXISTS spring_notes (id serial PRIMARY KEY, body text NOT NULL)");
        dataSource.getHikariPoolMXBean().softEvictConnections();
    }

    public static HikariDataSource dataSource(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(4);
        config.setPoolName("replicated");
        return new HikariDataSource(config);
    }

    /** The port of the server that answered each step. */
    public static Map<String, Integer> run(HikariDataSource dataSource) {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        DataSourceTransactionManager transactions = new DataSourceTransactionManager(dataSource);
        TransactionTemplate readWrite = new TransactionTemplate(transactions);
        TransactionTemplate readOnly = new TransactionTemplate(transactions);
        readOnly.setReadOnly(true);

        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("autocommit read", jdbc.queryForObject("SELECT inet_server_port()", Integer.class));
        ports.put("read-only transaction", readOnly.execute(status -> {
            Integer first = jdbc.queryForObject("SELECT inet_server_port()", Integer.class);
            Integer second = jdbc.queryForObject("SELECT inet_server_port() FROM pg_class LIMIT 1", Integer.class);
            return first.equals(second) ? first : -1;
        }));
        ports.put("read-write transaction", readWrite.execute(status -> {
            jdbc.update("INSERT INTO spring_notes (body) VALUES (?)", "written in a transaction");
            return jdbc.queryForObject("SELECT inet_server_port()", Integer.class);
        }));
        // The same pooled connection has just written: its reads stay on the primary for readYourWritesWindow.
        ports.put(
                "read right after a write",
                jdbc.queryForObject("SELECT count(*) FROM spring_notes", Integer.class) > 0
                        ? jdbc.queryForObject("SELECT inet_server_port()", Integer.class)
                        : -1);
        ports.put(
                "autocommit write",
                jdbc.queryForObject(
                        "INSERT INTO spring_notes (body) VALUES ('autocommit') RETURNING inet_server_port()",
                        Integer.class));
        return ports;
    }
}
