package io.replicatedjdbc.internal.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Removes secrets from URLs before they reach a message, a log line or {@code DatabaseMetaData.getURL()}. */
public final class Redaction {

    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "((?:^|[?&;])[^=&;?]*(?:password|passwd|pwd|secret|token|sslkey|sslpassword)[^=&;?]*=)[^&;]*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern USER_INFO = Pattern.compile("//([^/@?,]*):([^/@?,]*)@");

    private Redaction() {
    }

    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        String result = url;
        if (lower.contains("@")) {
            result = USER_INFO.matcher(result).replaceAll("//$1:***@");
        }
        return SECRET_PARAMETER.matcher(result).replaceAll("$1***");
    }
}
