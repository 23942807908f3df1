package io.replicatedjdbc.internal.config;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it reaches a message, a log line, {@code toString()} or
 * {@code DatabaseMetaData.getURL()}: the one point every such output goes through.
 *
 * <p>Two layers. First by structure: the secrets of a configuration (the values of password-like options in the URL
 * at every level of percent-encoding, the passwords of {@code user:password@host} items, the password-like
 * connection properties) are collected once by {@link #of(String, Properties)}, and each is masked wherever it
 * appears, in each of its encodings. Then by pattern, for text that carries secrets of no known configuration: a
 * password-like parameter's value or user information is masked on the text as written, before one level of
 * percent-encoding is undone and the next level is looked at. Undoing the encoding first would cut a value at an
 * encoded {@code &} or {@code /} and show the rest.
 */
public final class Redaction {

    private static final String SECRET_NAME = "(?:password|passwd|pwd|secret|token|sslkey|sslpassword)";
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "((?:^|[?&;,\\s])[^=&;?,\\s]*" + SECRET_NAME + "[^=&;?,\\s]*=)[^&;\\s']*", Pattern.CASE_INSENSITIVE);
    private static final Pattern SECRET_NAME_ONLY =
            Pattern.compile(".*" + SECRET_NAME + ".*", Pattern.CASE_INSENSITIVE);
    /** {@code user:password@} before a host, wherever a host may start: after //, a comma, = or a quote, or at the start. */
    private static final Pattern USER_INFO = Pattern.compile("((?:^|[/,=\\s'])[^/@?,=&\\s':]*):[^/@?,&\\s']*@");
    /** A secret this short would mask ordinary text where it happens to occur: masked only where it stands. */
    private static final int SHORTEST_MASKED_ANYWHERE = 3;

    private static final Redaction PATTERNS_ONLY = new Redaction(Collections.emptyList());

    /** Each secret in each form it may take in text, longest first (so that no part of a longer one is left). */
    private final List<String> forms;

    private Redaction(List<String> forms) {
        this.forms = forms;
    }

    /** Masks by pattern only: for text that belongs to no parsed configuration. */
    public static String redact(String text) {
        return PATTERNS_ONLY.apply(text);
    }

    /** The redaction of one configuration: knows its secrets, from the URL and the connection properties. */
    public static Redaction of(String url, Properties info) {
        Set<String> secrets = new LinkedHashSet<>();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                if (SECRET_NAME_ONLY.matcher(name).matches()) {
                    secrets.add(info.getProperty(name));
                }
                // A property may hold whole URLs too (replicas=jdbc:...?password=...).
                collect(info.getProperty(name), secrets);
            }
        }
        collect(url, secrets);
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.length() < SHORTEST_MASKED_ANYWHERE) {
                continue;
            }
            String once = URLEncoder.encode(secret, StandardCharsets.UTF_8);
            for (String form : new String[] {
                secret, once, once.replace("+", "%20"), URLEncoder.encode(once, StandardCharsets.UTF_8)
            }) {
                forms.add(form);
                forms.add(form.toLowerCase(Locale.ROOT).equals(form) ? form : lowerEscapes(form));
            }
        }
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return new Redaction(sorted);
    }

    /** The text with every secret masked. */
    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String current = maskKnown(text);
        for (int round = 0; round < 4; round++) {
            current = maskPatterns(current);
            String decoded = decodeOnce(current);
            if (decoded == null) {
                break;
            }
            current = maskKnown(decoded);
        }
        return current;
    }

    private String maskKnown(String text) {
        String current = text;
        for (String form : forms) {
            if (current.contains(form)) {
                current = current.replace(form, "***");
            }
        }
        return current;
    }

    private static String maskPatterns(String text) {
        String result = text;
        if (result.indexOf('@') >= 0) {
            result = USER_INFO.matcher(result).replaceAll("$1:***@");
        }
        return SECRET_PARAMETER.matcher(result).replaceAll("$1***");
    }

    /**
     * Collects the secrets of a URL-like text at every level of percent-encoding: password-like parameters' values
     * (up to the next separator of that level) and the passwords of user information in authorities.
     */
    private static void collect(String text, Set<String> secrets) {
        String current = text;
        for (int round = 0; round < 4 && current != null; round++) {
            Matcher parameter = SECRET_PARAMETER_VALUE.matcher(current);
            while (parameter.find()) {
                addDecoded(parameter.group(1), secrets);
            }
            Matcher authority = AUTHORITY.matcher(current);
            while (authority.find()) {
                for (String host : authority.group(1).split(",")) {
                    int at = host.lastIndexOf('@');
                    int colon = host.indexOf(':');
                    if (at > 0 && colon >= 0 && colon < at) {
                        addDecoded(host.substring(colon + 1, at), secrets);
                    }
                }
            }
            current = decodeOnce(current);
        }
    }

    /** A password-like parameter's value, up to the next separator of the level it is written at. */
    private static final Pattern SECRET_PARAMETER_VALUE = Pattern.compile(
            "(?:^|[?&;,\\s])[^=&;?,\\s]*" + SECRET_NAME + "[^=&;?,\\s]*=([^&]*)", Pattern.CASE_INSENSITIVE);
    /** What follows {@code //} up to the path or the query: one or more hosts, each perhaps with user information. */
    private static final Pattern AUTHORITY = Pattern.compile("//([^/?#]*)");

    private static void addDecoded(String raw, Set<String> secrets) {
        if (raw.isEmpty()) {
            return;
        }
        secrets.add(raw);
        for (String value = decodeOnce(raw); value != null; value = decodeOnce(value)) {
            secrets.add(value);
        }
    }

    /** {@code %2F} as {@code %2f}: some encoders write lower-case escapes. */
    private static String lowerEscapes(String text) {
        StringBuilder out = new StringBuilder(text);
        for (int i = 0; i + 2 < out.length(); i++) {
            if (out.charAt(i) == '%') {
                out.setCharAt(i + 1, Character.toLowerCase(out.charAt(i + 1)));
                out.setCharAt(i + 2, Character.toLowerCase(out.charAt(i + 2)));
            }
        }
        return out.toString();
    }

    /** Undoes one level of well-formed %XX escapes; null when there was none (anything else stays as written). */
    private static String decodeOnce(String current) {
        if (current.indexOf('%') < 0) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(current.length());
        boolean changed = false;
        for (int i = 0; i < current.length(); i++) {
            char c = current.charAt(i);
            int high = i + 2 < current.length() && c == '%' ? Character.digit(current.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(current.charAt(i + 2), 16) : -1;
            if (high >= 0 && low >= 0) {
                bytes.write(high * 16 + low);
                i += 2;
                changed = true;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return changed ? new String(bytes.toByteArray(), StandardCharsets.UTF_8) : null;
    }
}
