package io.replicatedjdbc;

import io.replicatedjdbc.internal.config.Redaction;
import java.io.PrintWriter;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Properties;
import java.util.logging.Logger;
import javax.naming.Context;
import javax.naming.Name;
import javax.naming.RefAddr;
import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;
import javax.naming.spi.ObjectFactory;
import javax.sql.DataSource;

/**
 * A bean-style {@link DataSource} for {@code jdbc:replicated:} URLs, for application servers, JNDI, HikariCP's
 * {@code dataSourceClassName}, Spring XML and tools that want a class rather than a URL. Set the URL (or the wrapped
 * URL's parts in it), the user and password, and any option; every connection is one from {@link ReplicatedDriver}
 * with those settings. Options set here are passed as connection properties: the URL's own query string wins.
 * Serializable and {@link Referenceable}: bound in JNDI, it is rebuilt by {@link Factory}.
 */
public class ReplicatedDataSource implements DataSource, Serializable, Referenceable, AutoCloseable {

    private static final long serialVersionUID = 1L;

    private String url;
    private final Properties properties = new Properties();
    private transient PrintWriter logWriter;
    private int loginTimeoutSeconds;

    /** The {@code jdbc:replicated:...} URL. */
    public void setUrl(String url) {
        this.url = url;
    }

    public String getUrl() {
        return url;
    }

    public void setUser(String user) {
        setOption("user", user);
    }

    public String getUser() {
        return properties.getProperty("user");
    }

    public void setPassword(String password) {
        setOption("password", password);
    }

    /** Any connection property, ours or the wrapped driver's ({@code sslmode}, {@code ApplicationName}, ...). */
    public void setOption(String name, String value) {
        if (value == null) {
            properties.remove(name);
        } else {
            properties.setProperty(name, value);
        }
    }

    /** Sets {@code failoverTimeout}: see {@link ReplicatedProperty}. */
    public void setFailoverTimeout(String value) {
        setOption("failoverTimeout", value);
    }

    public String getFailoverTimeout() {
        return properties.getProperty("failoverTimeout");
    }

    /** Sets {@code loadBalance}: see {@link ReplicatedProperty}. */
    public void setLoadBalance(String value) {
        setOption("loadBalance", value);
    }

    public String getLoadBalance() {
        return properties.getProperty("loadBalance");
    }

    /** Sets {@code logRouting}: see {@link ReplicatedProperty}. */
    /** The configuration's name where operators see it (the {@code name} option). */
    public void setName(String value) {
        setOption("name", value);
    }

    public String getName() {
        return properties.getProperty("name");
    }

    public void setLogRouting(String value) {
        setOption("logRouting", value);
    }

    public String getLogRouting() {
        return properties.getProperty("logRouting");
    }

    /** Sets {@code maxReplicaLag}: see {@link ReplicatedProperty}. */
    public void setMaxReplicaLag(String value) {
        setOption("maxReplicaLag", value);
    }

    public String getMaxReplicaLag() {
        return properties.getProperty("maxReplicaLag");
    }

    /** Sets {@code maxReplicaLagBytes}: see {@link ReplicatedProperty}. */
    public void setMaxReplicaLagBytes(String value) {
        setOption("maxReplicaLagBytes", value);
    }

    public String getMaxReplicaLagBytes() {
        return properties.getProperty("maxReplicaLagBytes");
    }

    /** Sets {@code primaryReadWeight}: see {@link ReplicatedProperty}. */
    public void setPrimaryReadWeight(String value) {
        setOption("primaryReadWeight", value);
    }

    public String getPrimaryReadWeight() {
        return properties.getProperty("primaryReadWeight");
    }

    /** Sets {@code readFunctions}: see {@link ReplicatedProperty}. */
    public void setReadFunctions(String value) {
        setOption("readFunctions", value);
    }

    public String getReadFunctions() {
        return properties.getProperty("readFunctions");
    }

    /** Sets {@code readYourWrites}: see {@link ReplicatedProperty}. */
    public void setReadYourWrites(String value) {
        setOption("readYourWrites", value);
    }

    public String getReadYourWrites() {
        return properties.getProperty("readYourWrites");
    }

    /** Sets {@code readYourWritesScope}: see {@link ReplicatedProperty}. */
    public void setReadYourWritesScope(String value) {
        setOption("readYourWritesScope", value);
    }

    public String getReadYourWritesScope() {
        return properties.getProperty("readYourWritesScope");
    }

    /** Sets {@code readYourWritesTables}: see {@link ReplicatedProperty}. */
    public void setReadYourWritesTables(String value) {
        setOption("readYourWritesTables", value);
    }

    public String getReadYourWritesTables() {
        return properties.getProperty("readYourWritesTables");
    }

    /** Sets {@code readYourWritesWait}: see {@link ReplicatedProperty}. */
    public void setReadYourWritesWait(String value) {
        setOption("readYourWritesWait", value);
    }

    public String getReadYourWritesWait() {
        return properties.getProperty("readYourWritesWait");
    }

    /** Sets {@code readYourWritesWindow}: see {@link ReplicatedProperty}. */
    public void setReadYourWritesWindow(String value) {
        setOption("readYourWritesWindow", value);
    }

    public String getReadYourWritesWindow() {
        return properties.getProperty("readYourWritesWindow");
    }

    /** Sets {@code replicaConnectTimeout}: see {@link ReplicatedProperty}. */
    public void setReplicaConnectTimeout(String value) {
        setOption("replicaConnectTimeout", value);
    }

    public String getReplicaConnectTimeout() {
        return properties.getProperty("replicaConnectTimeout");
    }

    /** Sets {@code replicaPollInterval}: see {@link ReplicatedProperty}. */
    public void setReplicaPollInterval(String value) {
        setOption("replicaPollInterval", value);
    }

    public String getReplicaPollInterval() {
        return properties.getProperty("replicaPollInterval");
    }

    /** Sets {@code replicaRetryInterval}: see {@link ReplicatedProperty}. */
    public void setReplicaRetryInterval(String value) {
        setOption("replicaRetryInterval", value);
    }

    public String getReplicaRetryInterval() {
        return properties.getProperty("replicaRetryInterval");
    }

    /** Sets {@code replicas}: see {@link ReplicatedProperty}. */
    public void setReplicas(String value) {
        setOption("replicas", value);
    }

    public String getReplicas() {
        return properties.getProperty("replicas");
    }

    /** Sets {@code replicaSocketTimeout}: see {@link ReplicatedProperty}. */
    public void setReplicaSocketTimeout(String value) {
        setOption("replicaSocketTimeout", value);
    }

    public String getReplicaSocketTimeout() {
        return properties.getProperty("replicaSocketTimeout");
    }

    /** Sets {@code connectionMode}: see {@link ReplicatedProperty}. */
    public void setConnectionMode(String value) {
        setOption("connectionMode", value);
    }

    public String getConnectionMode() {
        return properties.getProperty("connectionMode");
    }

    /** Sets {@code poolIdleTimeout}: see {@link ReplicatedProperty}. */
    public void setPoolIdleTimeout(String value) {
        setOption("poolIdleTimeout", value);
    }

    public String getPoolIdleTimeout() {
        return properties.getProperty("poolIdleTimeout");
    }

    /** Sets {@code poolLeakThreshold}: see {@link ReplicatedProperty}. */
    public void setPoolLeakThreshold(String value) {
        setOption("poolLeakThreshold", value);
    }

    public String getPoolLeakThreshold() {
        return properties.getProperty("poolLeakThreshold");
    }

    /** Sets {@code poolMaxLifetime}: see {@link ReplicatedProperty}. */
    public void setPoolMaxLifetime(String value) {
        setOption("poolMaxLifetime", value);
    }

    public String getPoolMaxLifetime() {
        return properties.getProperty("poolMaxLifetime");
    }

    /** Sets {@code poolTimeout}: see {@link ReplicatedProperty}. */
    public void setPoolTimeout(String value) {
        setOption("poolTimeout", value);
    }

    public String getPoolTimeout() {
        return properties.getProperty("poolTimeout");
    }

    /** Sets {@code poolValidateIdle}: see {@link ReplicatedProperty}. */
    public void setPoolValidateIdle(String value) {
        setOption("poolValidateIdle", value);
    }

    public String getPoolValidateIdle() {
        return properties.getProperty("poolValidateIdle");
    }

    /** Sets {@code primaryPoolSize}: see {@link ReplicatedProperty}. */
    public void setPrimaryPoolSize(String value) {
        setOption("primaryPoolSize", value);
    }

    public String getPrimaryPoolSize() {
        return properties.getProperty("primaryPoolSize");
    }

    /** Sets {@code replicaPoolSize}: see {@link ReplicatedProperty}. */
    public void setReplicaPoolSize(String value) {
        setOption("replicaPoolSize", value);
    }

    public String getReplicaPoolSize() {
        return properties.getProperty("replicaPoolSize");
    }

    /** Sets {@code replicaWeights}: see {@link ReplicatedProperty}. */
    public void setReplicaWeights(String value) {
        setOption("replicaWeights", value);
    }

    public String getReplicaWeights() {
        return properties.getProperty("replicaWeights");
    }

    /** Sets {@code writeFunctions}: see {@link ReplicatedProperty}. */
    public void setWriteFunctions(String value) {
        setOption("writeFunctions", value);
    }

    public String getWriteFunctions() {
        return properties.getProperty("writeFunctions");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(properties);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        Properties info = new Properties();
        info.putAll(properties);
        if (user != null) {
            info.setProperty("user", user);
        }
        if (password != null) {
            info.setProperty("password", password);
        }
        return connect(info);
    }

    private transient volatile boolean closed;

    /**
     * Closes the per-node pools of this data source's configuration (their idle connections now, those in use when
     * their logical connections give them back); {@code getConnection} then fails with 08003, as a closed pool's does.
     * Containers and Spring call it when the bean is destroyed.
     */
    @Override
    public void close() throws SQLException {
        closed = true;
        if (url != null) {
            ReplicatedDriver.instance().closePools(url, properties);
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private Connection connect(Properties info) throws SQLException {
        if (closed) {
            throw new SQLException("ReplicatedDataSource is closed", "08003");
        }
        if (url == null) {
            throw new SQLException("ReplicatedDataSource has no URL: call setUrl(\"jdbc:replicated:...\")", "08001");
        }
        Connection connection = ReplicatedDriver.instance().connect(url, info);
        if (connection == null) {
            throw new SQLException(
                    "Not a replicated URL (it must start with jdbc:replicated:): "
                            + Redaction.of(url, info).apply(url),
                    "08001");
        }
        return connection;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
        setOption("loginTimeout", seconds > 0 ? String.valueOf(seconds) : null);
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("io.replicatedjdbc");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Cannot unwrap ReplicatedDataSource to " + iface.getName(), "0A000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    /** For JNDI: the URL and every property, rebuilt by {@link Factory}. */
    @Override
    public Reference getReference() {
        Reference reference = new Reference(getClass().getName(), Factory.class.getName(), null);
        if (url != null) {
            reference.add(new StringRefAddr("url", url));
        }
        for (String name : properties.stringPropertyNames()) {
            reference.add(new StringRefAddr(name, properties.getProperty(name)));
        }
        return reference;
    }

    @Override
    public String toString() {
        return "ReplicatedDataSource[" + Redaction.of(url, properties).apply(url) + "]";
    }

    /** Rebuilds a {@link ReplicatedDataSource} from its JNDI {@link Reference}. */
    public static final class Factory implements ObjectFactory {
        @Override
        public Object getObjectInstance(Object object, Name name, Context context, Hashtable<?, ?> environment) {
            if (!(object instanceof Reference)
                    || !ReplicatedDataSource.class.getName().equals(((Reference) object).getClassName())) {
                return null;
            }
            ReplicatedDataSource dataSource = new ReplicatedDataSource();
            Enumeration<RefAddr> addresses = ((Reference) object).getAll();
            while (addresses.hasMoreElements()) {
                RefAddr address = addresses.nextElement();
                String value = (String) address.getContent();
                if (address.getType().equals("url")) {
                    dataSource.setUrl(value);
                } else {
                    dataSource.setOption(address.getType(), value);
                }
            }
            return dataSource;
        }
    }
}
