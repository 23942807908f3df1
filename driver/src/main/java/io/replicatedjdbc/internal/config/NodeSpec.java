package io.replicatedjdbc.internal.config;

/** One database of a configuration: its name, its role and the JDBC URL its own driver gets. */
public final class NodeSpec {

    private final String name;
    private final boolean primary;
    private final String jdbcUrl;
    private final String target;
    /** Built once: every routed statement names its node. */
    private final String display;

    /** {@code shownTarget}: the target as a person may see it, already redacted. */
    NodeSpec(String name, boolean primary, String jdbcUrl, String shownTarget) {
        this.name = name;
        this.primary = primary;
        this.jdbcUrl = jdbcUrl;
        this.target = shownTarget;
        this.display = name + " (" + this.target + ")";
    }

    /** This replica, promoted: the node writes go to after a failover. */
    public NodeSpec promoted() {
        return new NodeSpec(name + " (promoted)", true, jdbcUrl, target);
    }

    /** {@code primary}, {@code replica1}, {@code replica2}, ... */
    public String name() {
        return name;
    }

    public boolean isPrimary() {
        return primary;
    }

    /** The URL handed to the node's own driver. May hold secrets: never put it in a message. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** What a person recognises the node by: host:port, a file path, or the redacted URL. */
    public String target() {
        return target;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeSpec && ((NodeSpec) o).name.equals(name) && ((NodeSpec) o).jdbcUrl.equals(jdbcUrl);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + jdbcUrl.hashCode();
    }

    /** {@code replica1 (db2:5432)}: safe for messages and logs. */
    @Override
    public String toString() {
        return display;
    }
}
