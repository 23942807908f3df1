package io.replicatedjdbc.internal.execute;

import java.sql.SQLException;

/** A function that may throw SQLException: how a statement is created on a physical connection. */
@FunctionalInterface
public interface SqlFunction<A, R> {

    R apply(A argument) throws SQLException;
}
