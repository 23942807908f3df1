package io.replicatedjdbc.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver that does no I/O, for measuring the wrappers' own cost in process: {@code jdbc:noio:<name>} opens a
 * connection whose statements execute instantly, every query returning one row with the value 1. Both sides of a
 * comparison pay the same for its dynamic proxies, so the difference is the replicated driver's.
 */
public final class NoIoDriver implements Driver {

    private static final NoIoDriver INSTANCE = new NoIoDriver();

    static {
        try {
            DriverManager.registerDriver(INSTANCE);
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Loads the class, which registers the driver. */
    public static void register() {
        // the static initializer did it
    }

    @Override
    public Connection connect(String url, Properties info) {
        if (!acceptsURL(url)) {
            return null;
        }
        String name = url.substring("jdbc:noio:".length());
        return proxy(Connection.class, new Handler(name, "connection"));
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(NoIoDriver.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    /** Answers every JDBC call with the value a real driver would give to an idle, autocommit session. */
    private static final class Handler implements InvocationHandler {
        private final String node;
        private final String kind;
        private boolean autoCommit = true;
        private boolean closed;
        private int rows;

        Handler(String node, String kind) {
            this.node = node;
            this.kind = kind;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws SQLException {
            String name = method.getName();
            switch (name) {
                case "createStatement":
                    return proxy(Statement.class, new Handler(node, "statement"));
                case "prepareStatement":
                    return proxy(PreparedStatement.class, new Handler(node, "statement"));
                case "executeQuery":
                    return proxy(ResultSet.class, new Handler(node, "resultset"));
                case "executeUpdate":
                    return 1;
                case "execute":
                    return Boolean.TRUE;
                case "getResultSet":
                    return proxy(ResultSet.class, new Handler(node, "resultset"));
                case "next":
                    return rows++ == 0;
                case "getInt":
                    return 1;
                case "getLong":
                    return 1L;
                case "getString":
                    return "1";
                case "getAutoCommit":
                    return autoCommit;
                case "setAutoCommit":
                    autoCommit = (Boolean) args[0];
                    return null;
                case "isClosed":
                    return closed;
                case "close":
                    closed = true;
                    return null;
                case "isValid":
                    return !closed;
                case "getUpdateCount":
                    return -1;
                case "getMoreResults":
                    return Boolean.FALSE;
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(self);
                case "unwrap":
                    return self;
                case "getTransactionIsolation":
                    return Connection.TRANSACTION_READ_COMMITTED;
                case "getHoldability":
                    return ResultSet.CLOSE_CURSORS_AT_COMMIT;
                case "getMetaData":
                    throw new SQLFeatureNotSupportedException("no metadata in the no-I/O driver");
                case "toString":
                    return "noio:" + node + ":" + kind;
                case "hashCode":
                    return System.identityHashCode(self);
                case "equals":
                    return self == args[0];
                default:
                    Class<?> type = method.getReturnType();
                    if (type == boolean.class) {
                        return Boolean.FALSE;
                    }
                    if (type == int.class) {
                        return 0;
                    }
                    if (type == long.class) {
                        return 0L;
                    }
                    return null;
            }
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith("jdbc:noio:");
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
}
