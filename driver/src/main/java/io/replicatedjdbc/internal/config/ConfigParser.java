package io.replicatedjdbc.internal.config;

import io.replicatedjdbc.ReplicatedProperty;
import io.replicatedjdbc.internal.Errors;
import io.replicatedjdbc.internal.classify.Dialect;
import io.replicatedjdbc.internal.classify.FunctionRules;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Parses {@code jdbc:replicated:<subprotocol>:<rest>} into a {@link Config}.
 *
 * <p>Two forms:
 * <ul>
 *   <li>host list: {@code jdbc:replicated:postgresql://primary:5432,replica1,replica2/app?ssl=true}: the first
 *       host is the primary, the others are replicas; each node's URL is {@code jdbc:postgresql://<host>/app?<the
 *       options that are not ours>};</li>
 *   <li>target: {@code jdbc:replicated:sqlite:/data/app.db?replicas=/data/r1.db,/data/r2.db}: each replica item
 *       replaces the primary's target.</li>
 * </ul>
 * In both, a {@code replicas} item that starts with {@code jdbc:} is a whole JDBC URL.
 */
public final class ConfigParser {

    public static final String PREFIX = "jdbc:replicated:";

    private ConfigParser() {}

    /** Whether the URL is ours: a pure prefix check, as {@code Driver.acceptsURL} must be. */
    public static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * Only the driver's own options, from the properties and the URL (the URL wins), unvalidated: what
     * {@code getPropertyInfo} shows. {@code url} may be null or another driver's URL.
     */
    public static Properties options(String url, Properties info) throws SQLException {
        Properties ours = new Properties();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                if (ReplicatedProperty.forName(name) != null) {
                    ours.setProperty(name, info.getProperty(name));
                }
            }
        }
        int question = url == null || !accepts(url) ? -1 : url.indexOf('?');
        if (question >= 0) {
            splitQuery(Redaction.of(url, info).apply(url), url.substring(question + 1), ours);
        }
        return ours;
    }

    /**
     * Parses the URL and merges the caller's properties (never modified). Options in the URL win over the
     * same options in the properties.
     */
    public static Config parse(String url, Properties info) throws SQLException {
        Redaction redaction = Redaction.of(url, info);
        try {
            return parse(url, info, redaction);
        } catch (SQLException e) {
            // A message may quote a part of the URL that is a secret by value only (a password with a bad escape).
            String safe = redaction.apply(e.getMessage());
            if (safe.equals(e.getMessage())) {
                throw e;
            }
            throw e instanceof SQLSyntaxErrorException
                    ? new SQLSyntaxErrorException(safe, e.getSQLState())
                    : new SQLNonTransientConnectionException(safe, e.getSQLState());
        }
    }

    private static Config parse(String url, Properties info, Redaction redaction) throws SQLException {
        String display = redaction.apply(url);
        String rest = url.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon <= 0) {
            throw Errors.badUrl(
                    display,
                    "expected " + PREFIX + "<subprotocol>:<database>, for example " + PREFIX
                            + "postgresql://primary,replica/app or " + PREFIX
                            + "sqlite:/data/app.db?replicas=/data/r1.db");
        }
        String subprotocol = rest.substring(0, colon);
        if (!subprotocol.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
            throw Errors.badUrl(
                    display,
                    "the subprotocol '" + subprotocol + "' must be a JDBC subprotocol such as postgresql or sqlite");
        }
        if (subprotocol.equalsIgnoreCase("replicated")) {
            throw Errors.badUrl(display, "a replicated URL cannot wrap another replicated URL");
        }
        String body = rest.substring(colon + 1);
        int question = body.indexOf('?');
        String location = question < 0 ? body : body.substring(0, question);
        String query = question < 0 ? "" : body.substring(question + 1);

        Properties ours = new Properties();
        Properties nodeProperties = new Properties();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                if (ReplicatedProperty.forName(name) != null) {
                    ours.setProperty(name, info.getProperty(name));
                } else {
                    nodeProperties.setProperty(name, info.getProperty(name));
                }
            }
        }
        String foreignQuery = splitQuery(display, query, ours);

        String base = "jdbc:" + subprotocol + ":";
        String suffix = foreignQuery.isEmpty() ? "" : "?" + foreignQuery;
        List<NodeSpec> replicas = new ArrayList<>();
        NodeSpec primary;
        boolean hostForm = location.startsWith("//");
        String path = "";
        if (hostForm) {
            int slash = location.indexOf('/', 2);
            String authority = slash < 0 ? location.substring(2) : location.substring(2, slash);
            path = slash < 0 ? "" : location.substring(slash);
            String[] hosts = authority.split(",", -1);
            String primaryHost = checkHost(display, hosts[0], "the primary host");
            primary = new NodeSpec(
                    "primary", true, base + "//" + primaryHost + path + suffix, redaction.apply(primaryHost));
            for (int i = 1; i < hosts.length; i++) {
                String host = checkHost(display, hosts[i], "replica host " + i);
                replicas.add(
                        new NodeSpec("replica" + i, false, base + "//" + host + path + suffix, redaction.apply(host)));
            }
        } else {
            if (location.isEmpty()) {
                throw Errors.badUrl(display, "the database after '" + PREFIX + subprotocol + ":' is missing");
            }
            primary = new NodeSpec("primary", true, base + location + suffix, redaction.apply(location));
        }

        String replicaList = ours.getProperty(ReplicatedProperty.REPLICAS.getName(), "");
        if (!replicaList.isBlank()) {
            for (String raw : replicaList.split(",", -1)) {
                String item = raw.trim();
                String name = "replica" + (replicas.size() + 1);
                if (item.isEmpty()) {
                    throw Errors.badUrl(display, "option replicas has an empty item in '" + replicaList + "'");
                }
                if (item.regionMatches(true, 0, "jdbc:", 0, 5)) {
                    if (accepts(item)) {
                        throw Errors.badUrl(display, "replica " + item + " cannot itself be a replicated URL");
                    }
                    replicas.add(new NodeSpec(name, false, item, redaction.apply(item)));
                } else if (hostForm) {
                    String host = checkHost(display, item, "replica '" + item + "' in option replicas");
                    replicas.add(new NodeSpec(name, false, base + "//" + host + path + suffix, redaction.apply(host)));
                } else {
                    replicas.add(new NodeSpec(name, false, base + item + suffix, redaction.apply(item)));
                }
            }
        }

        return new Config(
                display,
                redaction,
                Dialect.forSubprotocol(subprotocol),
                primary,
                replicas,
                nodeProperties,
                Config.Balance.values()[choice(ours, ReplicatedProperty.LOAD_BALANCE)],
                Config.ReadYourWrites.values()[choice(ours, ReplicatedProperty.READ_YOUR_WRITES)],
                millis(ours, ReplicatedProperty.READ_YOUR_WRITES_WINDOW),
                Config.Scope.values()[choice(ours, ReplicatedProperty.READ_YOUR_WRITES_SCOPE)],
                millis(ours, ReplicatedProperty.READ_YOUR_WRITES_WAIT),
                choice(ours, ReplicatedProperty.READ_YOUR_WRITES_TABLES) == 1,
                millis(ours, ReplicatedProperty.REPLICA_POLL_INTERVAL),
                millis(ours, ReplicatedProperty.MAX_REPLICA_LAG),
                Durations.parseBytes(
                        ReplicatedProperty.MAX_REPLICA_LAG_BYTES.getName(),
                        ReplicatedProperty.MAX_REPLICA_LAG_BYTES.get(ours)),
                wholeNumbers(ReplicatedProperty.PRIMARY_READ_WEIGHT, ours, 1).get(0),
                replicaWeights(ours, replicas.size()),
                millis(ours, ReplicatedProperty.FAILOVER_TIMEOUT),
                millis(ours, ReplicatedProperty.REPLICA_SOCKET_TIMEOUT),
                millis(ours, ReplicatedProperty.REPLICA_RETRY_INTERVAL),
                millis(ours, ReplicatedProperty.REPLICA_CONNECT_TIMEOUT),
                choice(ours, ReplicatedProperty.LOG_ROUTING) == 0,
                functionNames(ours, ReplicatedProperty.WRITE_FUNCTIONS),
                functionNames(ours, ReplicatedProperty.READ_FUNCTIONS),
                ReplicatedProperty.NAME.get(ours),
                poolSettings(ours, replicas.size()));
    }

    private static PoolSettings poolSettings(Properties ours, int replicas) throws SQLException {
        PoolSettings.Mode mode = PoolSettings.Mode.values()[choice(ours, ReplicatedProperty.CONNECTION_MODE)];
        int primarySize =
                wholeNumbers(ReplicatedProperty.PRIMARY_POOL_SIZE, ours, 1, 1).get(0);
        List<Integer> replicaSizes = ReplicatedProperty.REPLICA_POOL_SIZE.get(ours) == null
                ? new ArrayList<>()
                : wholeNumbers(ReplicatedProperty.REPLICA_POOL_SIZE, ours, 1, 1);
        if (replicaSizes.size() > 1 && replicaSizes.size() != replicas) {
            throw Errors.badOption(
                    ReplicatedProperty.REPLICA_POOL_SIZE.getName(),
                    ReplicatedProperty.REPLICA_POOL_SIZE.get(ours),
                    "one size for all replicas, or one per replica (" + replicas + " listed)");
        }
        long timeout = millis(ours, ReplicatedProperty.POOL_TIMEOUT);
        if (timeout == 0) {
            throw Errors.badOption(
                    ReplicatedProperty.POOL_TIMEOUT.getName(),
                    ReplicatedProperty.POOL_TIMEOUT.get(ours),
                    "a duration longer than 0, such as 500ms or 30s");
        }
        return new PoolSettings(
                mode,
                primarySize,
                replicaSizes,
                timeout,
                millis(ours, ReplicatedProperty.POOL_IDLE_TIMEOUT),
                millis(ours, ReplicatedProperty.POOL_MAX_LIFETIME),
                millis(ours, ReplicatedProperty.POOL_VALIDATE_IDLE),
                millis(ours, ReplicatedProperty.POOL_LEAK_THRESHOLD));
    }

    private static long millis(Properties ours, ReplicatedProperty property) throws SQLException {
        return Durations.parseMillis(property.getName(), property.get(ours));
    }

    /** Comma-separated whole numbers from 0 to 1000, at least {@code minimum} of them. */
    private static List<Integer> wholeNumbers(ReplicatedProperty property, Properties ours, int minimum)
            throws SQLException {
        return wholeNumbers(property, ours, minimum, 0);
    }

    /** Comma-separated whole numbers from {@code lowest} to 1000, at least {@code minimum} of them. */
    private static List<Integer> wholeNumbers(ReplicatedProperty property, Properties ours, int minimum, int lowest)
            throws SQLException {
        String value = property.get(ours);
        List<Integer> numbers = new ArrayList<>();
        if (value != null && !value.isBlank()) {
            for (String item : value.split(",", -1)) {
                String number = item.trim();
                if (number.isEmpty()
                        || number.length() > 4
                        || !number.chars().allMatch(c -> c >= '0' && c <= '9')
                        || Integer.parseInt(number) < lowest
                        || Integer.parseInt(number) > 1000) {
                    throw Errors.badOption(
                            property.getName(),
                            value,
                            "whole numbers from " + lowest + " to 1000, separated by commas");
                }
                numbers.add(Integer.parseInt(number));
            }
        }
        if (numbers.size() < minimum) {
            throw Errors.badOption(
                    property.getName(), String.valueOf(value), "a whole number from " + lowest + " to 1000");
        }
        return numbers;
    }

    private static List<Integer> replicaWeights(Properties ours, int replicas) throws SQLException {
        List<Integer> weights = wholeNumbers(ReplicatedProperty.REPLICA_WEIGHTS, ours, 0);
        if (!weights.isEmpty() && weights.size() != replicas) {
            throw Errors.badOption(
                    ReplicatedProperty.REPLICA_WEIGHTS.getName(),
                    ReplicatedProperty.REPLICA_WEIGHTS.get(ours),
                    "one weight per replica (" + replicas + " listed)");
        }
        return weights;
    }

    /** Moves our options from the query into {@code ours}; returns the rest of the query, as written. */
    private static String splitQuery(String display, String query, Properties ours) throws SQLException {
        if (query.isEmpty()) {
            return "";
        }
        StringBuilder foreign = new StringBuilder();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(display, eq < 0 ? pair : pair.substring(0, eq));
            if (ReplicatedProperty.forName(name) != null) {
                if (eq < 0) {
                    throw Errors.badUrl(display, "option " + name + " needs a value: " + name + "=...");
                }
                ours.setProperty(name, decode(display, pair.substring(eq + 1)));
            } else {
                if (foreign.length() > 0) {
                    foreign.append('&');
                }
                foreign.append(pair);
            }
        }
        return foreign.toString();
    }

    private static String checkHost(String display, String host, String what) throws SQLException {
        String trimmed = host.trim();
        if (trimmed.isEmpty()) {
            throw Errors.badUrl(display, what + " is empty");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (Character.isWhitespace(c)
                    || c == '/'
                    || c == '?'
                    || c == '@'
                    || (c == '%' && !trimmed.startsWith("["))) {
                throw Errors.badUrl(display, what + " '" + trimmed + "' is not a host[:port]");
            }
        }
        String port = null;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0 || (close + 1 < trimmed.length() && trimmed.charAt(close + 1) != ':')) {
                throw Errors.badUrl(display, what + " '" + trimmed + "' is not a [IPv6 address]:port");
            }
            port = close + 1 < trimmed.length() ? trimmed.substring(close + 2) : null;
        } else if (trimmed.indexOf(':') >= 0) {
            if (trimmed.indexOf(':') != trimmed.lastIndexOf(':')) {
                throw Errors.badUrl(
                        display, what + " '" + trimmed + "': write an IPv6 address in brackets, [::1]:5432");
            }
            port = trimmed.substring(trimmed.indexOf(':') + 1);
        }
        if (port != null && !validPort(port)) {
            throw Errors.badUrl(
                    display, what + " '" + trimmed + "' has port '" + port + "': a port is a number from 1 to 65535");
        }
        return trimmed;
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65535;
    }

    /** A comma-separated list of function names: unquoted ones lower-cased, "quoted" ones kept exactly. */
    private static Set<String> functionNames(Properties ours, ReplicatedProperty property) throws SQLException {
        String value = property.get(ours);
        Set<String> names = new LinkedHashSet<>();
        if (value == null || value.isBlank()) {
            return names;
        }
        for (String raw : value.split(",", -1)) {
            String name = raw.trim();
            if (name.length() > 2 && name.startsWith("\"") && name.endsWith("\"")) {
                names.add(name.substring(1, name.length() - 1));
            } else if (!name.isEmpty()
                    && name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
                names.add(FunctionRules.lowerAscii(name));
            } else {
                throw Errors.badOption(
                        property.getName(),
                        value,
                        "comma-separated function names such as my_func or \"MyFunc\" (without schema or parentheses)");
            }
        }
        return names;
    }

    /** The index of the option's value among its choices; fails naming the option and the allowed values. */
    private static int choice(Properties ours, ReplicatedProperty property) throws SQLException {
        String value = property.get(ours).trim();
        int index = property.getChoices().indexOf(value);
        if (index < 0) {
            throw Errors.badOption(property.getName(), value, "one of " + String.join(", ", property.getChoices()));
        }
        return index;
    }

    /** Percent-decoding without turning '+' into a space, so that values such as file paths keep their plus signs. */
    private static String decode(String display, String text) throws SQLException {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()
                        || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    throw Errors.badUrl(display, "bad percent-escape in '" + text + "'");
                }
                bytes.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }
}
