package io.replicatedjdbc.internal.execute;

import java.sql.SQLException;

/** The part of a JDBC call that runs on the physical connection the router chose. */
@FunctionalInterface
public interface PhysicalCall<T> {

    T run(Physical physical) throws SQLException;

    /**
     * Whether the call may run again elsewhere after it failed on a replica. A call that already handed part of its
     * output to the application (a COPY streamed into its writer) must not.
     */
    default boolean mayRunAgain() {
        return true;
    }
}
