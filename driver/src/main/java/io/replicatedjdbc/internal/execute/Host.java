package io.replicatedjdbc.internal.execute;

import java.sql.SQLException;

/** What the statement path asks of the logical connection it serves. */
public interface Host {

    /** Throws the wrapped driver's error for a closed connection, when it is closed (or its session is gone). */
    void checkOpen() throws SQLException;

    /** Closes the logical connection, as the wrapped driver closes its own after a socket timeout; never throws. */
    void closeQuietly();
}
