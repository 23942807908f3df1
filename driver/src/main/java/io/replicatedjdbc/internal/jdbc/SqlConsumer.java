package io.replicatedjdbc.internal.jdbc;

import java.sql.SQLException;

/** An action on a JDBC object that may throw SQLException. */
@FunctionalInterface
interface SqlConsumer<T> {

    void accept(T target) throws SQLException;
}
