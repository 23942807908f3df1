package io.replicatedjdbc.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.SocketTimeoutException;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A fake JDBC driver for unit tests of the wrappers: {@code jdbc:recording:<node>} opens a connection that
 * records every call made on it and on its statements, as {@code <node>: <method> <arguments>}, in one log
 * shared by all its connections. Queries return one row whose single column is the node's name. A node
 * whose name starts with {@code down} refuses connections with SQLState 08001; on a node whose name starts
 * with {@code broken}, connections open but every statement fails with SQLState 08006 (connection lost); on
 * a node whose name starts with {@code conflicted}, every statement is cancelled with SQLState 40001, as a hot
 * standby cancels queries that conflict with recovery.
 */
public final class RecordingDriver implements Driver {

    private static final RecordingDriver INSTANCE = new RecordingDriver();
    private static final List<String> LOG = Collections.synchronizedList(new ArrayList<>());
    /** The stack of the last statement execution that reached a recording connection. */
    private static volatile StackTraceElement[] lastExecution;

    static {
        try {
            DriverManager.registerDriver(INSTANCE);
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Makes sure the driver is registered. */
    public static void register() {
        // the static initializer did it
    }

    /** Everything recorded since the last {@link #clear()}. */
    public static List<String> log() {
        synchronized (LOG) {
            return new ArrayList<>(LOG);
        }
    }

    /** The recorded calls made on one node. */
    public static List<String> log(String node) {
        return log().stream()
                .filter(line -> line.startsWith(node + ": "))
                .map(line -> line.substring(node.length() + 2))
                .collect(Collectors.toList());
    }

    public static void clear() {
        LOG.clear();
        lastExecution = null;
    }

    /** The call stack at the last statement execution (executeQuery, execute, ...) that reached this driver, or null. */
    public static StackTraceElement[] lastExecutionStack() {
        return lastExecution;
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        String node = url.substring("jdbc:recording:".length());
        int question = node.indexOf('?');
        if (question >= 0) {
            node = node.substring(0, question);
        }
        if (node.startsWith("down")) {
            LOG.add(node + ": connect refused");
            throw new SQLException("Connection refused: " + node, "08001");
        }
        LOG.add(node + ": connect " + url + " " + new TreeMap<>(info));
        return proxy(Connection.class, new Recorder(node, "connection"));
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith("jdbc:recording:");
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

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(
                Proxy.newProxyInstance(RecordingDriver.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** Records calls and answers them with plausible defaults. */
    private static final class Recorder implements InvocationHandler {
        private final String node;
        private final String kind;
        private boolean closed;
        private boolean autoCommit = true;
        private boolean readOnly;
        private int isolation = Connection.TRANSACTION_READ_COMMITTED;
        private String catalog = "catalog";
        private String schema = "public";
        private int rowsLeft = 1;

        Recorder(String node, String kind) {
            this.node = node;
            this.kind = kind;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            List<Object> arguments = args == null ? List.of() : Arrays.asList(args);
            if (!name.equals("hashCode") && !name.equals("equals") && !name.equals("toString")) {
                LOG.add(node + ": " + (kind.equals("connection") ? "" : kind + ".") + name
                        + (arguments.isEmpty()
                                ? ""
                                : " " + arguments.stream().map(String::valueOf).collect(Collectors.joining(", "))));
            }
            if (name.startsWith("execute")) {
                lastExecution = new Throwable().getStackTrace();
            }
            if (node.startsWith("broken") && name.startsWith("execute")) {
                throw new SQLException("An I/O error occurred while sending to the backend: " + node, "08006");
            }
            if (node.startsWith("timeout") && name.startsWith("execute")) {
                // What PgJDBC reports when socketTimeout runs out during a query: a broken connection, caused by a
                // timeout.
                closed = true;
                throw new SQLException(
                        "An I/O error occurred while sending to the backend.",
                        "08006",
                        new SocketTimeoutException("Read timed out"));
            }
            if (node.startsWith("conflicted") && name.startsWith("execute")) {
                throw new SQLException("canceling statement due to conflict with recovery", "40001");
            }
            switch (name) {
                case "hashCode":
                    return System.identityHashCode(self);
                case "equals":
                    return self == args[0];
                case "toString":
                    return node + " " + kind;
                case "close":
                    closed = true;
                    return null;
                case "isClosed":
                    return closed;
                case "isValid":
                    return !closed;
                case "createStatement":
                case "prepareStatement":
                case "prepareCall":
                    Class<? extends Statement> type = name.equals("createStatement")
                            ? Statement.class
                            : name.equals("prepareStatement") ? PreparedStatement.class : CallableStatement.class;
                    return proxy(type, new Recorder(node, "statement"));
                case "executeQuery":
                case "getResultSet":
                case "getGeneratedKeys":
                    return proxy(ResultSet.class, new Recorder(node, "resultSet"));
                case "getMetaData":
                    return kind.equals("connection")
                            ? proxy(DatabaseMetaData.class, new Recorder(node, "metaData"))
                            : null;
                case "next":
                    return rowsLeft-- > 0;
                case "getString":
                case "getObject":
                    return node;
                case "getAutoCommit":
                    return autoCommit;
                case "setAutoCommit":
                    autoCommit = (Boolean) args[0];
                    return null;
                case "isReadOnly":
                    return readOnly;
                case "setReadOnly":
                    readOnly = (Boolean) args[0];
                    return null;
                case "getTransactionIsolation":
                    return isolation;
                case "setTransactionIsolation":
                    isolation = (Integer) args[0];
                    return null;
                case "getCatalog":
                    return catalog;
                case "setCatalog":
                    catalog = (String) args[0];
                    return null;
                case "getSchema":
                    return schema;
                case "setSchema":
                    schema = (String) args[0];
                    return null;
                case "getURL":
                    return "jdbc:recording:" + node;
                case "unwrap":
                    return ((Class<?>) args[0]).isInstance(self) ? self : null;
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(self);
                default:
                    return defaultValue(method.getReturnType());
            }
        }

        private static Object defaultValue(Class<?> type) {
            if (type == boolean.class) {
                return false;
            }
            if (type == int.class) {
                return 0;
            }
            if (type == long.class) {
                return 0L;
            }
            if (type == int[].class) {
                return new int[0];
            }
            if (type == long[].class) {
                return new long[0];
            }
            return null;
        }
    }
}
