package io.replicatedjdbc.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.replicatedjdbc.ReplicatedDriver;
import io.replicatedjdbc.testing.RecordingDriver;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.MalformedURLException;
import java.net.URL;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks every method of every wrapped JDBC interface and calls it on a wrapper backed by the recording driver.
 * Each method must reach the physical object (the recording shows the call), or be one of the methods this
 * class lists as handled by the wrapper on purpose, with the reason. Nothing may silently answer a default.
 */
class JdbcContractTest {

    /** Methods the wrappers answer themselves, on purpose: interface, method name, and why. */
    private static final Map<String, String> HANDLED = new HashMap<>();

    static {
        handled("Connection", "getAutoCommit", "answered from the logical state; routing owns it");
        handled("Connection", "isReadOnly", "answered from the logical state; routing owns it");
        handled("Connection", "isClosed", "the logical connection's own state");
        handled("Connection", "commit", "no transaction is open in autocommit: refused with HY010 before any node");
        handled("Connection", "rollback", "no transaction is open in autocommit: refused with HY010 before any node");
        handled("Connection", "beginRequest", "JDBC's default: nothing to prepare before a request");
        handled("Connection", "endRequest", "releases the request's routing pins (read-your-writes, pinToPrimary)");
        handled("Connection", "setShardingKey", "JDBC's default: sharding keys are not supported (0A000)");
        handled("Connection", "setShardingKeyIfValid", "JDBC's default: sharding keys are not supported (0A000)");
        handled(
                "Connection",
                "createStatement",
                "a logical statement; physical ones are created per node on execution");
        handled(
                "Connection",
                "prepareStatement",
                "a logical statement; physical ones are prepared per node on execution");
        handled("Connection", "prepareCall", "a logical statement; the primary's is prepared on first use");
        handled("Connection", "unwrap", "ReplicatedConnection first, then the primary's connection");
        handled("Connection", "isWrapperFor", "ReplicatedConnection first, then the primary's connection");
        handled("Statement", "getConnection", "the logical connection, never a physical one");
        handled("Statement", "isClosed", "the logical statement's own state");
        handled("Statement", "closeOnCompletion", "handled by the logical statement: its result sets close it");
        handled("Statement", "isCloseOnCompletion", "handled by the logical statement");
        handled("Statement", "addBatch", "recorded, handed to the primary's statement when the batch runs");
        handled("Statement", "clearBatch", "clears the recorded batch");
        handled(
                "Statement",
                "getFetchDirection",
                "answered from the recorded setting, applied to every physical statement");
        handled("Statement", "getMaxRows", "answered from the recorded setting, applied to every physical statement");
        handled(
                "Statement",
                "getLargeMaxRows",
                "answered from the recorded setting, applied to every physical statement");
        handled(
                "Statement",
                "getMaxFieldSize",
                "answered from the recorded setting, applied to every physical statement");
        handled(
                "Statement",
                "getQueryTimeout",
                "answered from the recorded setting, applied to every physical statement");
        handled("Statement", "isPoolable", "answered from the recorded setting, applied to every physical statement");
        handled("Statement", "enquoteLiteral", "JDBC's default: pure string function, same for every driver");
        handled("Statement", "enquoteIdentifier", "JDBC's default: pure string function, same for every driver");
        handled("Statement", "enquoteNCharLiteral", "JDBC's default: pure string function, same for every driver");
        handled("Statement", "isSimpleIdentifier", "JDBC's default: pure string function, same for every driver");
        handled("Statement", "unwrap", "the logical statement first, then the physical one");
        handled("ResultSet", "getStatement", "the logical statement, never a physical one");
        handled("ResultSet", "unwrap", "the result set proxy first, then the physical one");
        handled("DatabaseMetaData", "getConnection", "the logical connection, never a physical one");
        handled("DatabaseMetaData", "getURL", "the jdbc:replicated: URL without secrets");
        handled("DatabaseMetaData", "unwrap", "the metadata proxy first, then the primary's");
        handled(
                "DatabaseMetaData",
                "getDriverMajorVersion",
                "asked of the primary's metadata when the metadata was asked for");
        handled(
                "DatabaseMetaData",
                "getDriverMinorVersion",
                "asked of the primary's metadata when the metadata was asked for");
    }

    private static void handled(String type, String method, String why) {
        HANDLED.put(type + "." + method, why);
    }

    static Stream<Arguments> methods() {
        List<Arguments> all = new ArrayList<>();
        for (Class<?> type : List.of(
                Connection.class,
                Statement.class,
                PreparedStatement.class,
                CallableStatement.class,
                ResultSet.class,
                DatabaseMetaData.class)) {
            Set<String> seen = new TreeSet<>();
            Arrays.stream(type.getMethods())
                    .filter(m -> !Modifier.isStatic(m.getModifiers()))
                    .sorted(Comparator.comparing(Method::toGenericString))
                    .filter(m -> seen.add(m.getName() + Arrays.toString(m.getParameterTypes())))
                    .forEach(m -> all.add(Arguments.of(type.getSimpleName(), m)));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("methods")
    void everyMethod_delegatesOrIsHandledOnPurpose(String typeName, Method method) throws Exception {
        RecordingDriver.register();
        RecordingDriver.clear();
        try (Connection connection = new ReplicatedDriver()
                .connect("jdbc:replicated:recording:primary?connectionMode=dedicated&replicas=replica1", null)) {
            Object target = target(typeName, connection);
            int before = RecordingDriver.log().size();
            Object[] args = arguments(method);
            Throwable thrown = null;
            Object result = null;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            }
            List<String> calls =
                    RecordingDriver.log().subList(before, RecordingDriver.log().size());
            boolean reached =
                    calls.stream().anyMatch(line -> line.matches("\\w+: (\\w+\\.)?" + method.getName() + "( .*)?"));
            String why = handledReason(typeName, method);
            if (reached) {
                return;
            }
            if (why != null) {
                assertThat(why).isNotBlank();
                return;
            }
            if (thrown instanceof SQLFeatureNotSupportedException) {
                fail(
                        "%s.%s throws SQLFeatureNotSupportedException without being listed as deliberate",
                        typeName, method);
            }
            fail(
                    "%s.%s neither reached the physical object nor is handled on purpose (returned %s, threw %s; calls: %s)",
                    typeName, method, result, thrown, calls);
        }
    }

    private static String handledReason(String typeName, Method method) {
        boolean prepared = typeName.equals("PreparedStatement") || typeName.equals("CallableStatement");
        Class<?>[] types = method.getParameterTypes();
        String name = method.getName();
        if (prepared
                && types.length > 0
                && types[0] == String.class
                && (name.startsWith("execute") || name.equals("addBatch"))) {
            return "methods taking a query string are refused on a PreparedStatement (JDBC)";
        }
        if (prepared && types.length >= 2 && types[0] == int.class && name.startsWith("set")) {
            return "recorded, and applied to the physical statement of the node that executes";
        }
        if (prepared && types.length == 0 && name.equals("addBatch")) {
            return "recorded, and handed to the primary's statement when the batch runs";
        }
        String own = HANDLED.get(typeName + "." + name);
        if (own == null && typeName.endsWith("Statement")) {
            own = HANDLED.get("Statement." + name);
        }
        return own;
    }

    /** The object under test, with a physical object behind it already (a read ran on the replica). */
    private static Object target(String typeName, Connection connection) throws SQLException {
        switch (typeName) {
            case "Connection":
                try (Statement open = connection.createStatement()) {
                    open.execute("SELECT 1");
                    open.execute("DELETE FROM t");
                }
                return connection;
            case "Statement":
                Statement statement = connection.createStatement();
                statement.execute("SELECT 1");
                return statement;
            case "PreparedStatement":
                PreparedStatement prepared = connection.prepareStatement("SELECT 1");
                prepared.execute();
                return prepared;
            case "CallableStatement":
                CallableStatement call = connection.prepareCall("{call p()}");
                call.execute();
                return call;
            case "ResultSet":
                return connection.createStatement().executeQuery("SELECT 1");
            default:
                return connection.getMetaData();
        }
    }

    private static Object[] arguments(Method method) {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            args[i] = sample(types[i], i);
        }
        if (method.getName().equals("setFetchDirection")) {
            args[0] = ResultSet.FETCH_FORWARD;
        }
        return args;
    }

    private static Object sample(Class<?> type, int position) {
        if (type == int.class) {
            return 1;
        }
        if (type == long.class) {
            return 1L;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == short.class) {
            return (short) 1;
        }
        if (type == byte.class) {
            return (byte) 1;
        }
        if (type == float.class) {
            return 1f;
        }
        if (type == double.class) {
            return 1d;
        }
        if (type == String.class) {
            return position == 0 ? "SELECT 1" : "x";
        }
        if (type == int[].class) {
            return new int[] {1};
        }
        if (type == String[].class) {
            return new String[] {"x"};
        }
        if (type == Object[].class) {
            return new Object[] {1};
        }
        if (type == byte[].class) {
            return new byte[] {1};
        }
        if (type == Class.class) {
            return Runnable.class;
        }
        if (type == Object.class) {
            return "x";
        }
        if (type == BigDecimal.class) {
            return BigDecimal.ONE;
        }
        if (type == Date.class) {
            return new Date(0);
        }
        if (type == Time.class) {
            return new Time(0);
        }
        if (type == Timestamp.class) {
            return new Timestamp(0);
        }
        if (type == Calendar.class) {
            return Calendar.getInstance();
        }
        if (type == InputStream.class) {
            return new ByteArrayInputStream(new byte[] {1});
        }
        if (type == Reader.class) {
            return new StringReader("x");
        }
        if (type == URL.class) {
            try {
                return new URL("http://localhost/");
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        if (type == SQLType.class) {
            return JDBCType.INTEGER;
        }
        if (type == Map.class) {
            return new HashMap<>();
        }
        if (type == Properties.class) {
            return new Properties();
        }
        if (type == Executor.class) {
            return (Executor) Runnable::run;
        }
        if (type.isInterface()) {
            return Proxy.newProxyInstance(
                    JdbcContractTest.class.getClassLoader(),
                    new Class<?>[] {type},
                    (proxy, m, a) -> m.getName().equals("toString") ? "sample " + type.getSimpleName() : null);
        }
        throw new IllegalStateException("no sample value for " + type);
    }
}
