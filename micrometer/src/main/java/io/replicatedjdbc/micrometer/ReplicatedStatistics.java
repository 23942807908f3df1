package io.replicatedjdbc.micrometer;

import io.replicatedjdbc.ReplicatedConfigurationMXBean;
import io.replicatedjdbc.ReplicatedConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The statistics of the replicated configuration behind a {@link DataSource}, found through one of its connections
 * when first asked (not when the application starts, so that a database that is still starting delays nothing) and
 * kept from then on; null while none could be had or the data source is not replicated.
 */
public final class ReplicatedStatistics implements Supplier<ReplicatedConfigurationMXBean> {

    private final DataSource dataSource;
    private volatile ReplicatedConfigurationMXBean found;

    public ReplicatedStatistics(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public ReplicatedConfigurationMXBean get() {
        ReplicatedConfigurationMXBean known = found;
        if (known != null) {
            return known;
        }
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isWrapperFor(ReplicatedConnection.class)) {
                known = connection.unwrap(ReplicatedConnection.class).configurationStatistics();
                found = known;
            }
        } catch (SQLException e) {
            return null;
        }
        return known;
    }
}
