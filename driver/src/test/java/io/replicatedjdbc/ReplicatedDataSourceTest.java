package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replicatedjdbc.testing.SqliteCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.spi.InitialContextFactory;
import javax.naming.spi.NamingManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bean-style DataSource: every option settable, routing as with the URL, serializable and bound in JNDI. */
class ReplicatedDataSourceTest {

    @Test
    void everyOption_hasABeanSetterAndGetter() throws Exception {
        for (ReplicatedProperty property : ReplicatedProperty.values()) {
            String bean = Character.toUpperCase(property.getName().charAt(0))
                    + property.getName().substring(1);
            assertThat(ReplicatedDataSource.class.getMethod("set" + bean, String.class))
                    .as(property.getName())
                    .isNotNull();
            assertThat(ReplicatedDataSource.class.getMethod("get" + bean))
                    .as(property.getName())
                    .isNotNull();
        }
    }

    private static String node(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT name FROM node")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void close_closesThePooledConnections_andLaterConnectsFail(@TempDir Path dir) throws Exception {
        SqliteCluster files = SqliteCluster.create(dir, 1);
        ReplicatedDataSource dataSource = new ReplicatedDataSource();
        dataSource.setUrl("jdbc:replicated:sqlite:" + files.primary());
        dataSource.setReplicas(files.replica(1).toString());
        dataSource.setName("closing-" + dir.getFileName());
        Connection open = dataSource.getConnection();
        assertThat(node(open)).isEqualTo("replica1");
        try (Connection other = dataSource.getConnection()) {
            assertThat(node(other)).isEqualTo("replica1");
        }
        Map<String, Integer> idle = open.unwrap(ReplicatedConnection.class)
                .configurationStatistics()
                .getPoolIdleConnections();
        assertThat(idle.values().stream().mapToInt(Integer::intValue).sum()).isPositive();
        dataSource.close();
        assertThat(dataSource.isClosed()).isTrue();
        assertThat(open.unwrap(ReplicatedConnection.class)
                        .configurationStatistics()
                        .getPools())
                .isEmpty();
        assertThatThrownBy(dataSource::getConnection)
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("08003");
        // A logical connection still open finds its pools closed: its next statement fails, as a closed pool's would.
        assertThatThrownBy(() -> node(open)).isInstanceOf(SQLException.class).hasMessageContaining("closed");
        open.close();
    }

    @Test
    void connections_routeAsTheUrlSays_withTheOptionsSetOnTheBean(@TempDir Path dir) throws Exception {
        SqliteCluster files = SqliteCluster.create(dir, 1);
        ReplicatedDataSource dataSource = new ReplicatedDataSource();
        dataSource.setUrl("jdbc:replicated:sqlite:" + files.primary());
        dataSource.setReplicas(files.replica(1).toString());
        dataSource.setReadYourWrites("off");
        try (Connection connection = dataSource.getConnection()) {
            assertThat(node(connection)).isEqualTo("replica1");
            assertThat(connection
                            .unwrap(ReplicatedConnection.class)
                            .lastRouting()
                            .route())
                    .isEqualTo(Route.REPLICA);
        }
        dataSource.setLoadBalance("sometimes");
        assertThatThrownBy(dataSource::getConnection)
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22023"));
    }

    @Test
    void serializedAndBack_itConnectsTheSameWay(@TempDir Path dir) throws Exception {
        SqliteCluster files = SqliteCluster.create(dir, 1);
        ReplicatedDataSource dataSource = new ReplicatedDataSource();
        dataSource.setUrl("jdbc:replicated:sqlite:" + files.primary() + "?replicas=" + files.replica(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(dataSource);
        }
        ReplicatedDataSource copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ReplicatedDataSource) in.readObject();
        }
        try (Connection connection = copy.getConnection()) {
            assertThat(node(connection)).isEqualTo("replica1");
        }
    }

    /** A minimal JNDI provider: binds references, and on lookup turns them into objects as a real one does. */
    public static final class MapContextFactory implements InitialContextFactory {
        static final Map<String, Object> BINDINGS = new HashMap<>();

        @Override
        public Context getInitialContext(Hashtable<?, ?> environment) {
            return (Context) Proxy.newProxyInstance(
                    Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "bind":
                            case "rebind":
                                Object bound = args[1] instanceof Referenceable
                                        ? ((Referenceable) args[1]).getReference()
                                        : args[1];
                                BINDINGS.put(args[0].toString(), bound);
                                return null;
                            case "lookup":
                                Object stored = BINDINGS.get(args[0].toString());
                                return NamingManager.getObjectInstance(stored, null, null, environment);
                            case "close":
                                return null;
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }
    }

    @Test
    @SuppressWarnings("BanJNDI") // what is under test: binding the data source in JNDI and looking it up
    void boundInJndi_andLookedUp_itIsRebuiltWithItsSettings(@TempDir Path dir) throws Exception {
        SqliteCluster files = SqliteCluster.create(dir, 1);
        ReplicatedDataSource dataSource = new ReplicatedDataSource();
        dataSource.setUrl("jdbc:replicated:sqlite:" + files.primary());
        dataSource.setReplicas(files.replica(1).toString());
        dataSource.setLogRouting("true");
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, MapContextFactory.class.getName());
        InitialContext context = new InitialContext(environment);
        context.bind("jdbc/app", dataSource);
        assertThat(MapContextFactory.BINDINGS.get("jdbc/app")).isInstanceOf(Reference.class);
        ReplicatedDataSource found = (ReplicatedDataSource) context.lookup("jdbc/app");
        assertThat(found).isNotSameAs(dataSource);
        assertThat(found.getLogRouting()).isEqualTo("true");
        try (Connection connection = found.getConnection()) {
            assertThat(node(connection)).isEqualTo("replica1");
        }
        context.close();
    }
}
