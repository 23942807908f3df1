package io.replicatedjdbc.internal.cluster;

import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.config.NodeSpec;
import io.replicatedjdbc.internal.config.Redaction;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens physical connections with the node's own driver. The driver is looked up through DriverManager
 * and, where DriverManager does not see it (tools that load each driver in its own class loader), through
 * the service files visible to this class's and the thread's class loaders.
 */
final class NodeConnector {

    /** No driver on the class path accepts the node's URL: a set-up problem, never retried. */
    static final class NoDriverException extends SQLNonTransientConnectionException {
        NoDriverException(SQLException cause) {
            super(cause.getMessage(), cause.getSQLState());
        }
    }

    private final ConcurrentHashMap<String, Driver> drivers = new ConcurrentHashMap<>();

    Connection open(NodeSpec node, Properties properties) throws SQLException {
        return open(node, properties, Collections.emptyMap());
    }

    /**
     * Opens the node with {@code settings} that must hold whatever the node's URL says: they are appended to its
     * query string, where PgJDBC lets a later parameter win over an earlier one and over the properties (the
     * monitor's own application name and timeouts, whatever the application wrote in its URL).
     */
    Connection open(NodeSpec node, Properties properties, Map<String, String> settings) throws SQLException {
        StringBuilder url = new StringBuilder(node.jdbcUrl());
        char separator = node.jdbcUrl().indexOf('?') >= 0 ? '&' : '?';
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            url.append(separator)
                    .append(setting.getKey())
                    .append('=')
                    .append(URLEncoder.encode(setting.getValue(), StandardCharsets.UTF_8)
                            .replace("+", "%20"));
            separator = '&';
        }
        Driver driver = driverFor(node);
        Connection connection = driver.connect(url.toString(), properties);
        if (connection == null) {
            throw Errors.noDriver(node.toString(), Redaction.redact(node.jdbcUrl()));
        }
        return connection;
    }

    /** The option names the node's driver publishes ({@code Driver.getPropertyInfo}); empty when it publishes none. */
    Set<String> driverOptions(NodeSpec node) {
        Set<String> names = new HashSet<>();
        try {
            for (DriverPropertyInfo info : driverFor(node).getPropertyInfo(node.jdbcUrl(), new Properties())) {
                names.add(info.name);
            }
        } catch (SQLException | RuntimeException e) {
            // a driver that cannot list its options: nothing is known to be wrong
        }
        return names;
    }

    /** Fails with 08001 naming the node's URL when no JDBC driver accepts it (a configuration error). */
    void checkDriver(NodeSpec node) throws SQLException {
        driverFor(node);
    }

    private Driver driverFor(NodeSpec node) throws SQLException {
        Driver cached = drivers.get(node.jdbcUrl());
        if (cached != null) {
            return cached;
        }
        Driver found = null;
        try {
            found = DriverManager.getDriver(node.jdbcUrl());
        } catch (SQLException notRegistered) {
            found = fromServiceFiles(node.jdbcUrl(), NodeConnector.class.getClassLoader());
            if (found == null) {
                found = fromServiceFiles(node.jdbcUrl(), Thread.currentThread().getContextClassLoader());
            }
        }
        if (found == null) {
            throw new NoDriverException(Errors.noDriver(node.toString(), Redaction.redact(node.jdbcUrl())));
        }
        drivers.put(node.jdbcUrl(), found);
        return found;
    }

    private static Driver fromServiceFiles(String url, ClassLoader loader) {
        if (loader == null) {
            return null;
        }
        for (Driver driver : ServiceLoader.load(Driver.class, loader)) {
            try {
                if (!driver.getClass().getName().startsWith("io.replicatedjdbc.") && driver.acceptsURL(url)) {
                    return driver;
                }
            } catch (SQLException | RuntimeException ignored) {
                // a driver that cannot answer is not the one we want
            }
        }
        return null;
    }
}
