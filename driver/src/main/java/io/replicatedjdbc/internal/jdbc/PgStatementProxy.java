package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.internal.execute.SqlFunction;
import java.sql.Connection;
import java.sql.Statement;

/** A logical statement that also implements PgJDBC's PGStatement. Loaded only when PgJDBC is present. */
final class PgStatementProxy extends StatementProxy implements PgStatementExtension {

    PgStatementProxy(LogicalConnection connection, SqlFunction<Connection, ? extends Statement> creator) {
        super(connection, creator);
    }

    @Override
    public StatementProxy logical() {
        return this;
    }
}
