package io.replicatedjdbc;

import io.replicatedjdbc.internal.Version;
import io.replicatedjdbc.internal.cluster.Cluster;
import io.replicatedjdbc.internal.cluster.ClusterRegistry;
import io.replicatedjdbc.internal.config.Config;
import io.replicatedjdbc.internal.config.ConfigParser;
import io.replicatedjdbc.internal.jdbc.LogicalConnection;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The JDBC driver for {@code jdbc:replicated:} URLs. It registers itself with {@link DriverManager} when
 * loaded, and is listed in {@code META-INF/services/java.sql.Driver}.
 *
 * <p>{@link #connect} returns a {@link ReplicatedConnection}: reads run on a replica, writes on the
 * primary. The primary's and replicas' own JDBC drivers must be on the class path. {@code connect} reaches
 * the primary (so that wrong credentials fail there, as with the wrapped driver); pooled, with a connection
 * of the primary's pool idle, that opens nothing.
 *
 * <p>Connections of the same configuration (the same nodes and balancing options) share one cluster
 * state: which replicas are down, the round-robin position and the statement classification cache.
 */
public final class ReplicatedDriver implements Driver {

    private static final ReplicatedDriver INSTANCE = new ReplicatedDriver();

    static {
        try {
            DriverManager.registerDriver(INSTANCE);
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ClusterRegistry clusters = new ClusterRegistry();
    /**
     * Configurations already parsed, by URL and properties: a pool or data source that connects per request parses
     * its URL once (parsing, with the masking of secrets, costs some 25 µs). Bounded: emptied when it holds 64.
     */
    private final ConcurrentHashMap<List<Object>, Config> parsed = new ConcurrentHashMap<>();

    /** The registered instance, whose cluster states DriverManager's connections share (used by the data source). */
    static ReplicatedDriver instance() {
        return INSTANCE;
    }

    /** Creates a driver with its own cluster states. Applications normally use DriverManager instead. */
    public ReplicatedDriver() {}

    /**
     * Opens a logical connection, or returns null when the URL is not a {@code jdbc:replicated:} URL (as
     * JDBC requires). The caller's properties are copied, never changed.
     *
     * @throws SQLException 08001 for a malformed URL, naming the part to fix; 22023 for an option value we
     *                      do not accept, naming the option and its allowed values
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Config config = parsed(url, info == null ? new Properties() : info);
        return LogicalConnection.open(clusters.open(config), config);
    }

    private Config parsed(String url, Properties info) throws SQLException {
        Map<String, String> given = new HashMap<>();
        for (String name : info.stringPropertyNames()) {
            given.put(name, info.getProperty(name));
        }
        List<Object> key = Arrays.asList(url, given);
        Config config = parsed.get(key);
        if (config == null) {
            config = ConfigParser.parse(url, info);
            if (parsed.size() >= 64) {
                parsed.clear();
            }
            parsed.put(key, config);
        }
        return config;
    }

    /**
     * Closes the node pools of the configuration {@code url} and {@code info} name, if it has any: their idle
     * connections now, those in use when they come back (a data source closed).
     */
    void closePools(String url, Properties info) throws SQLException {
        Config config = ConfigParser.parse(url, info == null ? new Properties() : info);
        Cluster cluster = clusters.find(config);
        if (cluster != null) {
            cluster.closePools();
        }
    }

    /** A prefix check for {@code jdbc:replicated:} only: the URL is checked fully by {@link #connect}. */
    @Override
    public boolean acceptsURL(String url) {
        return ConfigParser.accepts(url);
    }

    /** The driver's own options, with the values the URL and properties give them; generated from {@link ReplicatedProperty}. */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        Properties merged = ConfigParser.options(url, info);
        ReplicatedProperty[] properties = ReplicatedProperty.values();
        DriverPropertyInfo[] result = new DriverPropertyInfo[properties.length];
        for (int i = 0; i < properties.length; i++) {
            result[i] = properties[i].toDriverPropertyInfo(merged);
        }
        return result;
    }

    @Override
    public int getMajorVersion() {
        return Version.major();
    }

    @Override
    public int getMinorVersion() {
        return Version.minor();
    }

    /** False: the driver routes between other drivers' connections and adds SQL of its own to none of them. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("io.replicatedjdbc");
    }

    @Override
    public String toString() {
        return "replicated-jdbc " + Version.text();
    }
}
