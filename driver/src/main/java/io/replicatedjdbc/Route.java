package io.replicatedjdbc;

/** Where a statement is sent. */
public enum Route {
    /** The primary: writes, anything not provably a read, and everything inside a read-write transaction. */
    PRIMARY,
    /** One replica: reads. Falls back to the primary when no replica can serve. */
    REPLICA,
    /** Every physical connection of the logical connection: session-state changes such as {@code SET}. */
    ALL
}
