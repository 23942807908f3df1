package io.replicatedjdbc.internal.config;

import io.replicatedjdbc.internal.Errors;
import java.sql.SQLException;

/** Parses the durations options take: {@code 500ms}, {@code 5s}, {@code 1m}, {@code 1h}, or plain milliseconds. */
final class Durations {

    private static final String EXPECTED = "a duration such as 500ms, 5s, 1m or a number of milliseconds";
    private static final long MAX_MILLIS = 30L * 24 * 3_600_000;

    private Durations() {}

    /** A number of bytes: {@code 16777216}, {@code 512kB}, {@code 16MB}, {@code 1GB} (units of 1024). */
    static long parseBytes(String option, String text) throws SQLException {
        String value = text.trim();
        long unit = 1;
        String digits = value;
        String[] suffixes = {"kB", "MB", "GB"};
        for (int i = 0; i < suffixes.length; i++) {
            if (value.endsWith(suffixes[i])) {
                unit = 1L << (10 * (i + 1));
                digits = value.substring(0, value.length() - 2);
            }
        }
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(Character::isDigit)) {
            throw Errors.badOption(option, text, "a number of bytes such as 16777216, 512kB, 16MB or 1GB");
        }
        return Long.parseLong(digits) * unit;
    }

    static long parseMillis(String option, String text) throws SQLException {
        String value = text.trim();
        long unit = 1;
        String digits = value;
        if (value.endsWith("ms")) {
            digits = value.substring(0, value.length() - 2);
        } else if (value.endsWith("s")) {
            unit = 1_000;
            digits = value.substring(0, value.length() - 1);
        } else if (value.endsWith("m")) {
            unit = 60_000;
            digits = value.substring(0, value.length() - 1);
        } else if (value.endsWith("h")) {
            unit = 3_600_000;
            digits = value.substring(0, value.length() - 1);
        }
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(Character::isDigit)) {
            throw Errors.badOption(option, text, EXPECTED);
        }
        long millis;
        try {
            millis = Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (ArithmeticException e) {
            millis = Long.MAX_VALUE;
        }
        if (millis > MAX_MILLIS) {
            // Durations become nanoseconds inside the driver: anything longer would overflow, and mean nothing.
            throw Errors.badOption(option, text, "a duration of at most 30 days");
        }
        return millis;
    }
}
