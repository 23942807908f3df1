package io.replicatedjdbc.internal.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it reaches a message, a log line, {@code toString()} or
 * {@code DatabaseMetaData.getURL()}: the one point every such output goes through. Percent-encoding is undone first,
 * so that a password hidden in an encoded {@code replicas=jdbc:...%26password%3D...} item is found too.
 */
public final class Redaction {

    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "((?:^|[?&;,\\s])[^=&;?,\\s]*(?:password|passwd|pwd|secret|token|sslkey|sslpassword)[^=&;?,\\s]*=)[^&;\\s']*",
            Pattern.CASE_INSENSITIVE);
    /** {@code user:password@} before a host, wherever a host may start: after //, a comma, = or a quote, or at the start. */
    private static final Pattern USER_INFO = Pattern.compile("((?:^|[/,=\\s'])[^/@?,=&\\s':]*):[^/@?,&\\s']*@");

    private Redaction() {
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = decode(text);
        if (result.indexOf('@') >= 0) {
            result = USER_INFO.matcher(result).replaceAll("$1:***@");
        }
        return SECRET_PARAMETER.matcher(result).replaceAll("$1***");
    }

    /** Undoes well-formed %XX escapes (repeatedly, for doubly encoded text); anything else stays as written. */
    private static String decode(String text) {
        String current = text;
        for (int round = 0; round < 3 && current.indexOf('%') >= 0; round++) {
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
            if (!changed) {
                break;
            }
            current = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        }
        return current;
    }
}
