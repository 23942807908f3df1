package io.replicatedjdbc.internal.jdbc;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.config.NodeSpec;
import java.sql.Connection;

/** One open physical connection of a logical connection, and the node it leads to. */
final class Physical {

    final NodeSpec node;
    final Connection connection;
    /** For a primary: the cluster's primary epoch when it was last known to take the writes. */
    int primaryEpoch;
    /** For a SQLite replica: the identity of the file when it was opened (null: not a file), and when last checked. */
    Object fileKey;
    long fileCheckedAt;

    Physical(NodeSpec node, Connection connection) {
        this.node = node;
        this.connection = connection;
    }

    Route role() {
        return node.isPrimary() ? Route.PRIMARY : Route.REPLICA;
    }

    @Override
    public String toString() {
        return node.toString();
    }
}
