package io.replicatedjdbc.internal.classify;

/**
 * The shape of a statement, for the classification cache: literals and parameters become {@code ?}, runs of
 * them in a list become one {@code ?} (so {@code IN (1, 2, 3)} and {@code IN (4)} share an entry), whitespace
 * becomes one space, unquoted words are lower-cased, and comments vanish unless they carry a routing hint.
 * Quoted identifiers are kept as written.
 *
 * <p>Routing never depends on what a literal holds, so a statement and its fingerprint always classify the
 * same way; the classifier works on the fingerprint, which is also shorter and cheaper to parse.
 */
final class Fingerprint {

    private Fingerprint() {
    }

    static String of(String sql, Dialect dialect) {
        int n = sql.length();
        StringBuilder out = new StringBuilder(Math.min(n, 256));
        boolean pendingSpace = false;
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || Character.isWhitespace(c)) {
                pendingSpace = out.length() > 0;
                i++;
                continue;
            }
            int end;
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                keepHint(out, sql, i + 2, end);
                pendingSpace = out.length() > 0;
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                end = SqlLexer.skipBlockComment(sql, i, dialect);
                keepHint(out, sql, i + 2, Math.max(i + 2, end - 2));
                pendingSpace = out.length() > 0;
                i = end;
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            if (c == '\'') {
                i = SqlLexer.skipQuoted(sql, i, '\'', false);
                placeholder(out);
            } else if ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'' && dialect != Dialect.SQLITE
                    && !endsWithWordChar(out)) {
                i = SqlLexer.skipQuoted(sql, i + 1, '\'', true);
                placeholder(out);
            } else if (c == '"' || (c == '`' && dialect == Dialect.SQLITE)) {
                end = SqlLexer.skipQuoted(sql, i, c, false);
                out.append(sql, i, end);
                i = end;
            } else if (c == '[' && dialect == Dialect.SQLITE) {
                end = sql.indexOf(']', i + 1);
                end = end < 0 ? n : end + 1;
                out.append(sql, i, end);
                i = end;
            } else if (c == '$' && dialect != Dialect.SQLITE) {
                end = SqlLexer.skipDollar(sql, i);
                if (end > i + 1) {
                    placeholder(out);
                    i = end;
                } else {
                    out.append(c);
                    i++;
                }
            } else if (Character.isDigit(c) && !endsWithWordChar(out)) {
                i = skipNumber(sql, i);
                placeholder(out);
            } else if (c == '?' || ((c == ':' || c == '@' || c == '$') && dialect == Dialect.SQLITE
                    && i + 1 < n && SqlLexer.isWordPart(sql.charAt(i + 1)))) {
                i++;
                while (i < n && (c == '?' ? Character.isDigit(sql.charAt(i)) : SqlLexer.isWordPart(sql.charAt(i)))) {
                    i++;
                }
                placeholder(out);
            } else if (Character.isLetter(c) || c == '_') {
                while (i < n && SqlLexer.isWordPart(sql.charAt(i))) {
                    out.append(Character.toLowerCase(sql.charAt(i)));
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Appends {@code ?}, unless it continues a list that already ends in one ({@code ?, ?} becomes {@code ?}). */
    private static void placeholder(StringBuilder out) {
        int length = out.length();
        if (length >= 2 && out.charAt(length - 1) == ',' && out.charAt(length - 2) == '?') {
            out.setLength(length - 1);
        } else if (length >= 3 && out.charAt(length - 1) == ' ' && out.charAt(length - 2) == ','
                && out.charAt(length - 3) == '?') {
            out.setLength(length - 2);
        } else {
            out.append('?');
        }
    }

    private static boolean endsWithWordChar(StringBuilder out) {
        return out.length() > 0 && SqlLexer.isWordPart(out.charAt(out.length() - 1));
    }

    private static int skipNumber(String sql, int start) {
        int n = sql.length();
        int i = start;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_') {
                i++;
            } else if ((c == '+' || c == '-') && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')
                    && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    /** A comment stays in the fingerprint only when it holds a routing hint. */
    private static void keepHint(StringBuilder out, String sql, int from, int to) {
        if (Hints.mentionsHint(sql, from, to)) {
            out.append(out.length() > 0 ? " /*" : "/*").append(sql, from, to).append("*/");
        }
    }
}
