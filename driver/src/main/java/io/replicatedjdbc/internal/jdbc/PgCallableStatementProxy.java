package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.execute.SqlFunction;
import java.sql.CallableStatement;
import java.sql.Connection;

/** A logical callable statement that also implements PgJDBC's PGStatement. Loaded only when PgJDBC is present. */
final class PgCallableStatementProxy extends CallableStatementProxy implements PgStatementExtension {

    PgCallableStatementProxy(
            LogicalConnection connection, String sql, SqlFunction<Connection, ? extends CallableStatement> creator) {
        super(connection, sql, creator);
    }

    @Override
    public StatementProxy logical() {
        return this;
    }
}
