package io.replicatedjdbc.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link PostgresCluster} (a primary and two streaming replicas) shared by every test class of
 * the run: started on first use, stopped when the run ends. Declare a {@code PostgresCluster} parameter in a
 * constructor, a lifecycle method or a test. A test that breaks a node must restore it, or start a cluster of
 * its own.
 *
 * <p>Off Linux x86-64 (without {@code PG_BIN}) the tests are skipped with a message naming why; on Linux
 * x86-64 a cluster that cannot start fails the tests.
 */
public final class PostgresClusterExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PostgresClusterExtension.class);
    public static final int REPLICAS = 2;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PostgresCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        String unsupported = PostgresCluster.unsupportedReason();
        Assumptions.assumeTrue(unsupported == null, () -> "PostgreSQL tests skipped: " + unsupported);
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(PostgresCluster.class, key -> startShared(), PostgresCluster.class);
    }

    private static PostgresCluster startShared() {
        try {
            return PostgresCluster.start(REPLICAS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ParameterResolutionException("Could not start the PostgreSQL test cluster: " + e.getMessage(), e);
        }
    }
}
