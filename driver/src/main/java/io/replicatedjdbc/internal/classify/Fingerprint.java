package io.replicatedjdbc.internal.classify;

/**
 * The shape of a statement, for the classification cache: literals and parameters become {@code ?}, runs of
 * them in a list become one {@code ?} (so {@code IN (1, 2, 3)} and {@code IN (4)} share an entry), whitespace
 * becomes one space, unquoted words are lower-cased, and comments vanish unless they carry a routing hint.
 * Quoted identifiers are kept as written.
 *
 * <p>Routing never depends on what a literal holds, so a statement and its fingerprint always classify the
 * same way; the classifier works on the fingerprint, which is also shorter and cheaper to parse.
 *
 * <p>This runs for every statement whose exact text is not cached, so it is one pass over a char array.
 */
public final class Fingerprint {

    private final String shape;
    private final boolean literals;

    private Fingerprint(String shape, boolean literals) {
        this.shape = shape;
        this.literals = literals;
    }

    /**
     * Whether the statement held literals (numbers, strings) that the shape replaced: its exact text is likely to be
     * seen once, so it is not worth a cache entry of its own.
     */
    public boolean hadLiterals() {
        return literals;
    }

    /** The normalised text. */
    public String shape() {
        return shape;
    }

    @Override
    public String toString() {
        return shape;
    }

    public static Fingerprint of(String sql, Dialect dialect) {
        return of(sql, dialect, false);
    }

    /** With {@code backslashStrings}, {@code '...'} strings take backslash escapes (standard_conforming_strings off). */
    public static Fingerprint of(String sql, Dialect dialect, boolean backslashStrings) {
        char[][] buffers = new char[2][];
        int written = write(sql, dialect, backslashStrings, buffers);
        return new Fingerprint(new String(buffers[SHAPE], 0, length(written)), hadLiterals(written));
    }

    /**
     * The buffers {@link #write} takes: {@code buffers[KEPT]} is reused from one statement to the next (one per thread
     * serves every statement of ordinary length), {@code buffers[SHAPE]} holds the shape last written. Plain arrays,
     * so that a thread that keeps them holds nothing of the driver's classes (an application server can unload it).
     */
    static final int KEPT = 0;

    static final int SHAPE = 1;
    /** Buffers of this many characters or fewer are kept for the next statement; longer ones are let go. */
    static final int KEPT_CHARS = 4_096;

    /** The length of the shape, from what {@link #write} returned. */
    static int length(int written) {
        return written >>> 1;
    }

    /** Whether literals were folded into the shape, from what {@link #write} returned. */
    static boolean hadLiterals(int written) {
        return (written & 1) != 0;
    }

    /** Character classes of ASCII, scan.l's: a table look-up instead of a chain of comparisons per character. */
    private static final byte SPACE = 1;

    private static final byte WORD_START = 2;
    private static final byte WORD_PART = 4;
    private static final byte DIGIT = 8;
    private static final byte[] ASCII = new byte[128];

    static {
        for (char c = 0; c < 128; c++) {
            byte k = 0;
            if (SqlLexer.isSpace(c)) {
                k |= SPACE;
            }
            if (SqlLexer.isWordStart(c)) {
                k |= WORD_START;
            }
            if (SqlLexer.isWordPart(c)) {
                k |= WORD_PART;
            }
            if (c >= '0' && c <= '9') {
                k |= DIGIT;
            }
            ASCII[c] = k;
        }
    }

    /** scan.l's classes, as {@link SqlLexer}'s methods define them; every character beyond ASCII starts a word. */
    private static int classOf(char c) {
        return c < 128 ? ASCII[c] : WORD_START | WORD_PART;
    }

    /**
     * Writes the shape of {@code sql} to {@code buffers[SHAPE]}, reusing {@code buffers[KEPT]} when it is long enough.
     * Returns the shape's length and whether literals were folded, for {@link #length} and {@link #hadLiterals}.
     */
    static int write(String sql, Dialect dialect, boolean backslashStrings, char[][] buffers) {
        int n = sql.length();
        // A fingerprint is never longer than its statement, except for the " /*" and "*/" around kept hints.
        char[] kept = buffers[KEPT];
        char[] out = kept != null && kept.length >= n + 16 ? kept : new char[Math.max(n + 16, 256)];
        int o = 0;
        boolean postgres = dialect != Dialect.SQLITE;
        boolean pendingSpace = false;
        boolean literals = false;
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            int k = classOf(c);
            if ((k & SPACE) != 0) {
                pendingSpace = o > 0;
                i++;
                continue;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = SqlLexer.lineCommentEnd(sql, i);
                if (Hints.mentionsHint(sql, i + 2, end)) {
                    out = ensure(out, o, end - i + 6);
                    o = keep(out, o, sql, i + 2, end);
                }
                pendingSpace = o > 0;
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = SqlLexer.skipBlockComment(sql, i, dialect);
                int to = Math.max(i + 2, end - 2);
                if (Hints.mentionsHint(sql, i + 2, to)) {
                    out = ensure(out, o, end - i + 6);
                    o = keep(out, o, sql, i + 2, to);
                }
                pendingSpace = o > 0;
                i = end;
                continue;
            }
            if (pendingSpace) {
                out[o++] = ' ';
                pendingSpace = false;
            }
            if ((k & WORD_START) != 0) {
                if ((c == 'E' || c == 'e') && postgres && i + 1 < n && sql.charAt(i + 1) == '\'') {
                    i = SqlLexer.skipQuoted(sql, i + 1, '\'', true);
                    o = placeholder(out, o);
                    literals = true;
                    continue;
                }
                if ((c == 'U' || c == 'u')
                        && postgres
                        && i + 2 < n
                        && sql.charAt(i + 1) == '&'
                        && sql.charAt(i + 2) == '"') {
                    // Decoded here, so that the shape names the identifier PostgreSQL sees (and holds no UESCAPE
                    // literal).
                    SqlLexer.UnicodeIdentifier id = SqlLexer.UnicodeIdentifier.read(sql, i);
                    String quoted = "\"" + id.name.replace("\"", "\"\"") + "\"";
                    out = ensure(out, o, quoted.length() + (n - id.end));
                    quoted.getChars(0, quoted.length(), out, o);
                    o += quoted.length();
                    i = id.end;
                    continue;
                }
                // PostgreSQL folds only ASCII letters of unquoted words; other characters stay as written.
                while (i < n && (classOf(sql.charAt(i)) & WORD_PART) != 0) {
                    char w = sql.charAt(i++);
                    out[o++] = w >= 'A' && w <= 'Z' ? (char) (w + ('a' - 'A')) : w;
                }
            } else if ((k & DIGIT) != 0) {
                i = skipNumber(sql, i, n);
                o = placeholder(out, o);
                literals = true;
            } else if (c == '\'') {
                i = SqlLexer.skipQuoted(sql, i, '\'', backslashStrings && postgres);
                o = placeholder(out, o);
                literals = true;
            } else if (c == '"' || (c == '`' && !postgres)) {
                int end = SqlLexer.skipQuoted(sql, i, c, false);
                sql.getChars(i, end, out, o);
                o += end - i;
                i = end;
            } else if (c == '[' && !postgres) {
                int end = sql.indexOf(']', i + 1);
                end = end < 0 ? n : end + 1;
                sql.getChars(i, end, out, o);
                o += end - i;
                i = end;
            } else if (c == '?') {
                i++;
                while (i < n && sql.charAt(i) >= '0' && sql.charAt(i) <= '9') {
                    i++;
                }
                o = placeholder(out, o);
            } else if (c == '$' && postgres) {
                int end = SqlLexer.skipDollar(sql, i);
                if (end > i + 1) {
                    o = placeholder(out, o);
                    literals = true;
                } else {
                    out[o++] = c;
                }
                i = end;
            } else if ((c == ':' || c == '@' || c == '$')
                    && !postgres
                    && i + 1 < n
                    && SqlLexer.isWordPart(sql.charAt(i + 1))) {
                i++;
                while (i < n && SqlLexer.isWordPart(sql.charAt(i))) {
                    i++;
                }
                o = placeholder(out, o);
            } else {
                out[o++] = c;
                i++;
            }
        }
        if (out != kept && out.length <= KEPT_CHARS + 16) {
            buffers[KEPT] = out;
        }
        buffers[SHAPE] = out;
        return o << 1 | (literals ? 1 : 0);
    }

    /** Writes {@code ?}, unless it continues a list that already ends in one ({@code ?, ?} becomes {@code ?}). */
    private static int placeholder(char[] out, int o) {
        if (o >= 2 && out[o - 1] == ',' && out[o - 2] == '?') {
            return o - 1;
        }
        if (o >= 3 && out[o - 1] == ' ' && out[o - 2] == ',' && out[o - 3] == '?') {
            return o - 2;
        }
        out[o] = '?';
        return o + 1;
    }

    private static int skipNumber(String sql, int start, int n) {
        int i = start;
        while (i < n) {
            char c = sql.charAt(i);
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_') {
                i++;
            } else if ((c == '+' || c == '-')
                    && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')
                    && i + 1 < n
                    && sql.charAt(i + 1) >= '0'
                    && sql.charAt(i + 1) <= '9') {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    /** Copies a hint comment into the fingerprint as {@code /*...*}{@code /}. */
    private static int keep(char[] out, int o, String sql, int from, int to) {
        if (o > 0) {
            out[o++] = ' ';
        }
        out[o++] = '/';
        out[o++] = '*';
        sql.getChars(from, to, out, o);
        o += to - from;
        out[o++] = '*';
        out[o++] = '/';
        return o;
    }

    private static char[] ensure(char[] out, int used, int more) {
        if (used + more <= out.length) {
            return out;
        }
        char[] bigger = new char[Math.max(out.length * 2, used + more)];
        System.arraycopy(out, 0, bigger, 0, used);
        return bigger;
    }
}
