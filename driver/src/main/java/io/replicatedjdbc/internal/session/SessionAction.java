package io.replicatedjdbc.internal.session;

import java.sql.Connection;
import java.sql.SQLException;

/** One SQL-level session change ({@code SET}, {@code set_config(..., false)}, ...) that can be run again on another connection. */
public interface SessionAction {

    void applyTo(Connection connection) throws SQLException;
}
