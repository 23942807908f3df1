package io.replicatedjdbc.internal.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The session of one logical connection as PostgreSQL itself reports it, and the bringing of every other physical
 * connection to it. Nothing is reconstructed from SQL text: after a statement that may have changed the session ran
 * on a node and that node is outside a transaction, the settings whose source is {@code session}, the role and the
 * session authorization are read back from it. Each other physical connection is brought to that state, by the
 * differences only, just before it next runs a statement for this connection.
 *
 * <p>A change made inside a transaction is read back only once the transaction has ended, so a rolled-back
 * {@code SET}, a rollback to a savepoint or a failed transaction leaves the other nodes as the server left its own.
 *
 * <p>Custom settings ({@code app.tenant_id}) are not listed in {@code pg_settings}; their names are taken from the
 * statements that may change the session and their values read with {@code current_setting(name, true)}.
 */
public final class ServerSession {

    private static final String ROLE = " role";
    private static final String AUTHORIZATION = " session_authorization";
    private static final int MAX_CUSTOM_NAMES = 64;
    private static final Pattern CUSTOM_NAME = Pattern.compile(
            "(?<![A-Za-z0-9_$.])([A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*)(?![A-Za-z0-9_$(.])");

    /** Every setting whose source is the session, the role, and the authorization when it is not the login user's. */
    private static final String READ = "SELECT pg_catalog.lower(name), setting FROM pg_catalog.pg_settings"
            + " WHERE source = 'session' AND pg_catalog.left(name, 12) <> 'transaction_'"
            + " UNION ALL SELECT '" + ROLE + "', pg_catalog.current_setting('role')"
            + " UNION ALL SELECT '" + AUTHORIZATION + "', CASE WHEN session_user::text = %s THEN NULL"
            + " ELSE session_user::text END";

    /**
     * {@code SET name TO value}, {@code SET name = value}, {@code SET SESSION name ...}, {@code RESET name}: one plain
     * setting, alone in the statement. Only its value need be read back; everything else is read whole.
     */
    private static final Pattern ONE_SETTING = Pattern.compile(
            "\\s*(SET|RESET)\\s+(?:SESSION\\s+)?([A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)?)"
                    + "(?:\\s*(?:\\s+TO\\s+|=)\\s*(\\S.*?))?\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private static final Set<String> NOT_ONE_SETTING = new HashSet<>(Arrays.asList(
            "time",
            "names",
            "role",
            "schema",
            "session",
            "local",
            "xml",
            "transaction",
            "all",
            "constraints",
            "characteristics",
            "authorization"));

    /**
     * A physical connection and the session state it is known to carry (null: not known; a new connection carries
     * {@link #FRESH}). The state lives with the physical connection, so that one shared by several logical connections
     * (pooled) is brought from whatever the last one left, by the differences only.
     */
    public interface Carrier {
        Connection connection();

        Map<String, String> carried();

        void carried(Map<String, String> state);
    }

    /** What {@link #READ} says of a new connection: no setting of the session's own, no role, the login user. */
    public static final Map<String, String> FRESH;

    static {
        Map<String, String> fresh = new TreeMap<>();
        fresh.put(ROLE, "none");
        fresh.put(AUTHORIZATION, null);
        FRESH = Collections.unmodifiableMap(fresh);
    }

    /** The state every physical connection is brought to; null while this connection never changed its session. */
    private Map<String, String> current;
    /** The physical connection whose session changed inside a transaction still open there. */
    private Carrier pending;

    private final Set<String> customNames = new LinkedHashSet<>();

    /**
     * A statement that may have changed the session ran on {@code node} (successfully or not). When the node has no
     * transaction open the session is read back now; otherwise when that transaction ends ({@link #transactionEnded}).
     */
    public void changed(Carrier node, String sql, TxStatus status) throws SQLException {
        changed(node, sql, status, false);
    }

    /**
     * As {@link #changed(Carrier, String, TxStatus)}; {@code succeeded} when the statement ran without error, so
     * that a statement setting one plain setting need only have that setting read back.
     */
    public void changed(Carrier node, String sql, TxStatus status, boolean succeeded) throws SQLException {
        learnNames(sql);
        Map<String, String> before = node.carried();
        if (succeeded
                && status == TxStatus.IDLE
                && pending == null
                && before != null
                && sql != null
                && readBackOne(node, sql, before)) {
            return;
        }
        pending = node;
        if (!status.open()) {
            readBack();
        }
    }

    /** Reads back the one setting a {@code SET name ...} or {@code RESET name} changed; false for any other statement. */
    private boolean readBackOne(Carrier node, String sql, Map<String, String> before) throws SQLException {
        int semicolon = sql.indexOf(';');
        if ((semicolon >= 0 && !sql.substring(semicolon + 1).trim().isEmpty())
                || sql.contains("--")
                || sql.contains("/*")
                || sql.indexOf('"') >= 0) {
            return false;
        }
        Matcher matcher = ONE_SETTING.matcher(sql);
        if (!matcher.matches()
                || NOT_ONE_SETTING.contains(matcher.group(2).toLowerCase(Locale.ROOT))
                || matcher.group(2).toLowerCase(Locale.ROOT).startsWith("transaction_")) {
            return false;
        }
        boolean reset = matcher.group(1).equalsIgnoreCase("RESET");
        String value = matcher.group(3);
        if (reset == (value != null)) {
            return false;
        }
        String name = matcher.group(2).toLowerCase(Locale.ROOT);
        Map<String, String> state = new TreeMap<>(before);
        // A built-in setting reset is no longer the session's; a custom one stays defined, empty (as on the server).
        if ((reset || value.trim().equalsIgnoreCase("DEFAULT")) && name.indexOf('.') < 0) {
            state.remove(name);
        } else {
            String read = outsideTransaction(node.connection(), connection -> {
                try (PreparedStatement statement =
                        connection.prepareStatement("SELECT pg_catalog.current_setting(?, true)")) {
                    statement.setString(1, name);
                    try (ResultSet rs = statement.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            state.put(name, read);
        }
        current = state;
        node.carried(state);
        return true;
    }

    /** The transaction on some node ended: a change made inside it is read back now, as the server kept it. */
    public void transactionEnded() throws SQLException {
        if (pending != null) {
            readBack();
        }
    }

    private void readBack() throws SQLException {
        Carrier node = pending;
        pending = null;
        if (node.connection().isClosed()) {
            return;
        }
        Map<String, String> state = read(node.connection());
        current = state;
        node.carried(state);
    }

    /**
     * Brings {@code node} to this session's state before it runs a statement for the connection: nothing when it
     * carries it already (the common case, one comparison), else the differences. False when the node cannot be
     * brought there faithfully: it carries a custom setting this session never defined, which no statement can
     * undefine (a {@code RESET} leaves it defined and empty, where a new connection has it undefined); the caller
     * then uses another physical connection.
     */
    public boolean bringUpToDate(Carrier node) throws SQLException {
        Map<String, String> target = current != null ? current : FRESH;
        Map<String, String> have = node.carried();
        if (have == target || (have == null && current == null)) {
            return true;
        }
        if (have == null) {
            have = read(node.connection());
        }
        if (definesUnknownCustom(have, target)) {
            return false;
        }
        String sql = changes(have, target);
        if (!sql.isEmpty()) {
            outsideTransaction(node.connection(), connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                }
                return null;
            });
        }
        node.carried(target);
        return true;
    }

    /** Whether {@code have} defines a custom (dotted) setting that {@code want} does not. */
    private static boolean definesUnknownCustom(Map<String, String> have, Map<String, String> want) {
        for (Map.Entry<String, String> entry : have.entrySet()) {
            if (entry.getValue() != null && entry.getKey().indexOf('.') > 0 && want.get(entry.getKey()) == null) {
                return true;
            }
        }
        return false;
    }

    /** The physical connection is gone, or its state unknown: forget what was known of it. */
    public void forget(Carrier node) {
        node.carried(null);
        if (pending == node) {
            pending = null;
        }
    }

    /** Whether the session's default isolation is SERIALIZABLE, which a hot standby refuses. */
    public boolean serializable() {
        Map<String, String> state = current;
        return state != null && "serializable".equals(state.get("default_transaction_isolation"));
    }

    /** The observed state, for tests and diagnostics: setting name to value, plus the role and authorization. */
    public Map<String, String> state() {
        return current == null ? Collections.emptyMap() : Collections.unmodifiableMap(current);
    }

    /** Custom settings that the session may have changed without naming them (set inside functions). */
    public void learnNames(Collection<String> names) {
        for (String name : names) {
            if (customNames.size() >= MAX_CUSTOM_NAMES) {
                return;
            }
            customNames.add(name);
        }
    }

    private void learnNames(String sql) {
        if (sql == null || customNames.size() >= MAX_CUSTOM_NAMES || sql.indexOf('.') < 0) {
            return;
        }
        Matcher matcher = CUSTOM_NAME.matcher(sql);
        while (matcher.find() && customNames.size() < MAX_CUSTOM_NAMES) {
            String name = matcher.group(1).toLowerCase(Locale.ROOT);
            if (!name.startsWith("pg_catalog.") && !name.startsWith("information_schema.")) {
                customNames.add(name);
            }
        }
    }

    private Map<String, String> read(Connection node) throws SQLException {
        // The login user, known to the driver without asking: is a SET SESSION AUTHORIZATION in force?
        String loginUser = node.getMetaData().getUserName();
        StringBuilder sql = new StringBuilder(String.format(READ, loginUser == null ? "NULL" : literal(loginUser)));
        for (String name : customNames) {
            sql.append(" UNION ALL SELECT ")
                    .append(literal(name))
                    .append(", pg_catalog.current_setting(")
                    .append(literal(name))
                    .append(", true)");
        }
        String query = sql.toString();
        return outsideTransaction(node, connection -> {
            Map<String, String> state = new TreeMap<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(query)) {
                while (rs.next()) {
                    state.put(rs.getString(1), rs.getString(2));
                }
            }
            return state;
        });
    }

    /**
     * The SQL that takes a session from {@code have} to {@code want}: settings first (as the current user, who may
     * be allowed more than the role set afterwards), then the session authorization, then the role.
     */
    static String changes(Map<String, String> have, Map<String, String> want) {
        StringBuilder settings = new StringBuilder();
        StringBuilder resets = new StringBuilder();
        for (Map.Entry<String, String> entry : want.entrySet()) {
            String name = entry.getKey();
            if (name.startsWith(" ") || Objects.equals(have.get(name), entry.getValue())) {
                continue;
            }
            if (entry.getValue() == null) {
                resets.append("RESET ").append(identifier(name)).append(";\n");
            } else {
                settings.append(settings.length() == 0 ? "SELECT " : ", ")
                        .append("pg_catalog.set_config(")
                        .append(literal(name))
                        .append(", ")
                        .append(literal(entry.getValue()))
                        .append(", false)");
            }
        }
        for (String name : have.keySet()) {
            if (!name.startsWith(" ") && !want.containsKey(name) && have.get(name) != null) {
                resets.append("RESET ").append(identifier(name)).append(";\n");
            }
        }
        StringBuilder sql = new StringBuilder();
        if (settings.length() > 0) {
            sql.append(settings).append(";\n");
        }
        sql.append(resets);
        boolean authorizationChanged = !Objects.equals(have.get(AUTHORIZATION), want.get(AUTHORIZATION));
        if (authorizationChanged) {
            String user = want.get(AUTHORIZATION);
            sql.append("SET SESSION AUTHORIZATION ")
                    .append(user == null ? "DEFAULT" : quoted(user))
                    .append(";\n");
        }
        String role = want.get(ROLE);
        if (authorizationChanged || !Objects.equals(have.get(ROLE), role)) {
            sql.append("SET ROLE ")
                    .append(role == null || role.equals("none") ? "NONE" : quoted(role))
                    .append(";\n");
        }
        return sql.toString();
    }

    /** A string literal that means the same whatever the session's standard_conforming_strings. */
    static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** A setting or role name as a quoted identifier; a dotted setting name has each part quoted. */
    static String identifier(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("\\.", -1)) {
            out.append(out.length() == 0 ? "" : ".").append(quoted(part));
        }
        return out.toString();
    }

    static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs work on a node without opening a transaction there, whatever the node's autocommit setting. */
    private static <T> T outsideTransaction(Connection node, Work<T> work) throws SQLException {
        boolean autoCommit = node.getAutoCommit();
        if (autoCommit || ServerObservation.transactionStatus(node).open()) {
            return work.run(node);
        }
        node.setAutoCommit(true);
        try {
            return work.run(node);
        } finally {
            node.setAutoCommit(false);
        }
    }
}
