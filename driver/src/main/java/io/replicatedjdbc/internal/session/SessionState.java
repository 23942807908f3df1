package io.replicatedjdbc.internal.session;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The session state of one logical connection, set through JDBC or SQL, recorded so that every physical
 * connection gets it: applied when a physical connection opens, and written through to the open ones by
 * the logical connection when it changes. Only what the application changed is applied (a null field
 * means "the driver's default"), so a node is never handed a setting nobody asked for.
 */
public final class SessionState {

    private final boolean propagatesReadOnly;

    private boolean autoCommit = true;
    private boolean readOnly;
    private boolean readOnlySet;
    private Integer isolation;
    private String catalog;
    private String schema;
    private Integer holdability;
    private Map<String, Class<?>> typeMap;
    private Properties clientInfo;
    private Executor networkTimeoutExecutor;
    private Integer networkTimeoutMillis;
    /**
     * The SQL session changes to replay, in order, one entry per setting: a setting changed again replaces its earlier
     * entry (and moves to the end), so the record stays as small as the state it describes.
     */
    private final Map<String, SessionAction> actions = new LinkedHashMap<>();

    private final Map<String, SessionAction> driverSettings = new LinkedHashMap<>();
    private long unnamed;
    /** Changes with every change of this state: a pooled connection brought to one version needs nothing more. */
    private long version;

    /**
     * @param propagatesReadOnly whether {@code setReadOnly} reaches the physical connections. The flag always
     *                           drives routing; some drivers (SQLite's) only take it when a connection opens.
     */
    public SessionState(boolean propagatesReadOnly) {
        this.propagatesReadOnly = propagatesReadOnly;
    }

    /** Whether {@code setReadOnly} is passed on to the physical connections. */
    public boolean propagatesReadOnly() {
        return propagatesReadOnly;
    }

    public boolean autoCommit() {
        return autoCommit;
    }

    public void autoCommit(boolean value) {
        version++;
        autoCommit = value;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public void readOnly(boolean value) {
        version++;
        readOnly = value;
        readOnlySet = true;
    }

    public Integer isolation() {
        return isolation;
    }

    public void isolation(int level) {
        version++;
        isolation = level;
    }

    public String catalog() {
        return catalog;
    }

    public void catalog(String value) {
        version++;
        catalog = value;
    }

    public String schema() {
        return schema;
    }

    public void schema(String value) {
        version++;
        schema = value;
    }

    public Integer holdability() {
        return holdability;
    }

    public void holdability(int value) {
        version++;
        holdability = value;
    }

    public Map<String, Class<?>> typeMap() {
        return typeMap;
    }

    public void typeMap(Map<String, Class<?>> value) {
        version++;
        typeMap = value;
    }

    public Properties clientInfo() {
        return clientInfo;
    }

    public void clientInfo(String name, String value) {
        version++;
        if (clientInfo == null) {
            clientInfo = new Properties();
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
    }

    public void clientInfo(Properties values) {
        version++;
        clientInfo = new Properties();
        clientInfo.putAll(values);
    }

    public Integer networkTimeoutMillis() {
        return networkTimeoutMillis;
    }

    public void networkTimeout(Executor executor, int millis) {
        version++;
        networkTimeoutExecutor = executor;
        networkTimeoutMillis = millis;
    }

    /**
     * Records a session change made in SQL, to be run on every physical connection opened later. {@code setting} names
     * what it sets ({@code SET search_path}, {@code PRAGMA foreign_keys}), or is null when that is not known.
     */
    public void record(String setting, SessionAction action) {
        version++;
        String key = setting != null ? setting : "#" + unnamed++;
        actions.remove(key);
        actions.put(key, action);
    }

    /**
     * Records a setting of the wrapped driver's own connection object (PgJDBC's prepare threshold, default fetch
     * size, ...), to be applied to every physical connection opened later. Such settings live in the client, so no
     * {@code RESET ALL} or {@code DISCARD ALL} forgets them.
     */
    public void recordDriverSetting(String name, SessionAction action) {
        version++;
        driverSettings.put(name, action);
    }

    /** Forgets the recorded SQL session changes: {@code RESET ALL} or {@code DISCARD ALL} undid them everywhere. */
    public void clearActions() {
        version++;
        actions.clear();
    }

    /** A number that changes whenever this state does. */
    public long version() {
        return version;
    }

    public Executor networkTimeoutExecutor() {
        return networkTimeoutExecutor;
    }

    /**
     * Whether the application set nothing but what a pooled physical connection carries from one borrower to the next
     * (autocommit, read-only, network timeout, compared with the connection's own getters). With the server's session
     * observed ({@code serverObserved}), isolation, schema and client info live there and are carried too; the catalog
     * is nothing to PostgreSQL.
     */
    public boolean onlyPooledState(boolean serverObserved) {
        return holdability == null
                && typeMap == null
                && actions.isEmpty()
                && driverSettings.isEmpty()
                && (serverObserved || (isolation == null && schema == null && clientInfo == null && catalog == null));
    }

    /** Brings a newly opened physical connection to this state. */
    public void applyTo(Connection connection) throws SQLException {
        if (catalog != null) {
            connection.setCatalog(catalog);
        }
        if (schema != null) {
            connection.setSchema(schema);
        }
        if (isolation != null) {
            connection.setTransactionIsolation(isolation);
        }
        if (holdability != null) {
            connection.setHoldability(holdability);
        }
        if (readOnlySet && propagatesReadOnly) {
            connection.setReadOnly(readOnly);
        }
        if (typeMap != null) {
            connection.setTypeMap(typeMap);
        }
        if (clientInfo != null) {
            connection.setClientInfo(clientInfo);
        }
        if (networkTimeoutMillis != null) {
            connection.setNetworkTimeout(networkTimeoutExecutor, networkTimeoutMillis);
        }
        for (SessionAction action : driverSettings.values()) {
            action.applyTo(connection);
        }
        for (SessionAction action : actions.values()) {
            action.applyTo(connection);
        }
        if (!autoCommit) {
            connection.setAutoCommit(false);
        }
    }
}
