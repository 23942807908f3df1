package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.execute.SqlFunction;
import java.sql.Connection;
import java.sql.PreparedStatement;

/** A logical prepared statement that also implements PgJDBC's PGStatement. Loaded only when PgJDBC is present. */
final class PgPreparedStatementProxy extends PreparedStatementProxy implements PgStatementExtension {

    PgPreparedStatementProxy(
            LogicalConnection connection, String sql, SqlFunction<Connection, ? extends PreparedStatement> creator) {
        super(connection, sql, creator);
    }

    @Override
    public StatementProxy logical() {
        return this;
    }
}
