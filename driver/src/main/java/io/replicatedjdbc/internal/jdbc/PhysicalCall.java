package io.replicatedjdbc.internal.jdbc;

import java.sql.SQLException;

/** The part of a JDBC call that runs on the physical connection the router chose. */
@FunctionalInterface
interface PhysicalCall<T> {

    T run(Physical physical) throws SQLException;
}
