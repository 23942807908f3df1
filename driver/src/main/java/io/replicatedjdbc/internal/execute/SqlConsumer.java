package io.replicatedjdbc.internal.execute;

import java.sql.SQLException;

/** An action on a JDBC object that may throw SQLException. */
@FunctionalInterface
public interface SqlConsumer<T> {

    void accept(T target) throws SQLException;
}
