package io.replicatedjdbc.internal.classify;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL into the tokens that matter for routing: words (upper-cased), punctuation and statement
 * separators. String literals, quoted identifiers, dollar-quoted bodies and comments can never be
 * mistaken for keywords: literals and identifiers become opaque tokens, and comments are kept apart,
 * only to be searched for routing hints.
 */
final class SqlLexer {

    enum Kind {
        /** An unquoted identifier or keyword, upper-cased. */
        WORD,
        /** A string literal, number or parameter marker: never a keyword. */
        OPAQUE,
        /** A quoted identifier: the token's text is the name inside the quotes, as written. */
        QUOTED,
        /** An operator or punctuation character: the token's text is that character. */
        SYMBOL,
        /** A {@code ;} that ends a statement. */
        SEMICOLON
    }

    static final class Token {
        final Kind kind;
        final String text;

        Token(Kind kind, String text) {
            this.kind = kind;
            this.text = text;
        }

        boolean is(String word) {
            return kind == Kind.WORD && text.equals(word);
        }

        boolean isSymbol(char c) {
            return kind == Kind.SYMBOL && text.length() == 1 && text.charAt(0) == c;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The tokens of one SQL string, and the text of its comments. */
    static final class Result {
        final List<Token> tokens;
        final List<String> comments;

        Result(List<Token> tokens, List<String> comments) {
            this.tokens = tokens;
            this.comments = comments;
        }
    }

    private SqlLexer() {}

    static Result lex(String sql, Dialect dialect) {
        return lex(sql, dialect, false);
    }

    /** With {@code backslashStrings}, {@code '...'} strings take backslash escapes (standard_conforming_strings off). */
    static Result lex(String sql, Dialect dialect, boolean backslashStrings) {
        List<Token> tokens = new ArrayList<>();
        List<String> comments = new ArrayList<>(0);
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (isSpace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = lineCommentEnd(sql, i);
                comments.add(sql.substring(i + 2, end));
                i = end;
            } else if ((c == 'U' || c == 'u') && dialect != Dialect.SQLITE && sql.startsWith("&\"", i + 1)) {
                UnicodeIdentifier id = UnicodeIdentifier.read(sql, i);
                tokens.add(new Token(Kind.QUOTED, id.name));
                i = id.end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = skipBlockComment(sql, i, dialect);
                comments.add(sql.substring(i + 2, Math.max(i + 2, end - 2)));
                i = end;
            } else if (c == '\'') {
                i = skipQuoted(sql, i, '\'', backslashStrings && dialect != Dialect.SQLITE);
                tokens.add(new Token(Kind.OPAQUE, "'"));
            } else if ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'' && dialect != Dialect.SQLITE) {
                i = skipQuoted(sql, i + 1, '\'', true);
                tokens.add(new Token(Kind.OPAQUE, "'"));
            } else if (c == '"' || (c == '`' && dialect == Dialect.SQLITE)) {
                int end = skipQuoted(sql, i, c, false);
                tokens.add(new Token(Kind.QUOTED, unquote(sql, i, end, c)));
                i = end;
            } else if (c == '[' && dialect == Dialect.SQLITE) {
                int end = sql.indexOf(']', i + 1);
                end = end < 0 ? n : end + 1;
                tokens.add(new Token(Kind.QUOTED, sql.substring(i + 1, Math.max(i + 1, end - 1))));
                i = end;
            } else if (c == '$' && dialect != Dialect.SQLITE) {
                int end = skipDollar(sql, i);
                if (end == i + 1) {
                    tokens.add(new Token(Kind.SYMBOL, "$"));
                } else {
                    tokens.add(new Token(Kind.OPAQUE, sql.charAt(i + 1) <= '9' ? "?" : "'"));
                }
                i = end;
            } else if (isWordStart(c)) {
                int start = i;
                while (i < n && isWordPart(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, upperAscii(sql.substring(start, i))));
            } else if (c >= '0' && c <= '9') {
                while (i < n && (isWordPart(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                tokens.add(new Token(Kind.OPAQUE, "0"));
            } else if (c == '?'
                    || ((c == ':' || c == '@')
                            && dialect == Dialect.SQLITE
                            && i + 1 < n
                            && isWordPart(sql.charAt(i + 1)))) {
                i++;
                while (i < n && (c == '?' ? Character.isDigit(sql.charAt(i)) : isWordPart(sql.charAt(i)))) {
                    i++;
                }
                tokens.add(new Token(Kind.OPAQUE, "?"));
            } else if (c == ';') {
                i++;
                tokens.add(new Token(Kind.SEMICOLON, ";"));
            } else {
                i++;
                tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
            }
        }
        return new Result(tokens, comments);
    }

    /** The name inside a quoted identifier, with doubled quotes undone. */
    private static String unquote(String sql, int start, int end, char quote) {
        int close = end > start + 1 && sql.charAt(end - 1) == quote ? end - 1 : end;
        String inner = sql.substring(start + 1, Math.max(start + 1, close));
        return inner.replace(String.valueOf(quote) + quote, String.valueOf(quote));
    }

    /**
     * PostgreSQL's identifier characters (scan.l's {@code ident_start}): ASCII letters, the underscore and every
     * character outside ASCII, whatever Unicode says it is.
     */
    static boolean isWordStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c > 127;
    }

    /** scan.l's {@code ident_cont}: a word start, an ASCII digit or {@code $}. */
    static boolean isWordPart(char c) {
        return isWordStart(c) || (c >= '0' && c <= '9') || c == '$';
    }

    /** scan.l's {@code space}: only these ASCII characters separate tokens; any other character is part of one. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    /** Where a {@code --} comment starting at {@code start} ends: at the first line feed or carriage return. */
    static int lineCommentEnd(String sql, int start) {
        int n = sql.length();
        for (int i = start + 2; i < n; i++) {
            char c = sql.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return n;
    }

    /** Upper-cases ASCII letters only, as PostgreSQL folds unquoted identifiers (other letters stay as written). */
    static String upperAscii(String word) {
        char[] chars = null;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c >= 'a' && c <= 'z') {
                if (chars == null) {
                    chars = word.toCharArray();
                }
                chars[i] = (char) (c - ('a' - 'A'));
            }
        }
        return chars == null ? word : new String(chars);
    }

    /** A {@code U&"..."} identifier with its escapes decoded, and where it ends (after any {@code UESCAPE 'c'}). */
    static final class UnicodeIdentifier {
        final String name;
        final int end;

        private UnicodeIdentifier(String name, int end) {
            this.name = name;
            this.end = end;
        }

        /** Reads the identifier whose {@code U} is at {@code start}. Undecodable escapes are kept as written. */
        static UnicodeIdentifier read(String sql, int start) {
            int quote = start + 2;
            int close = skipQuoted(sql, quote, '"', false);
            String body = unquote(sql, quote, close, '"');
            char escape = '\\';
            int end = close;
            int i = close;
            while (i < sql.length() && isSpace(sql.charAt(i))) {
                i++;
            }
            if (sql.regionMatches(true, i, "UESCAPE", 0, 7)) {
                int j = i + 7;
                while (j < sql.length() && isSpace(sql.charAt(j))) {
                    j++;
                }
                if (j + 2 < sql.length() && sql.charAt(j) == '\'' && sql.charAt(j + 2) == '\'') {
                    escape = sql.charAt(j + 1);
                    end = j + 3;
                }
            }
            return new UnicodeIdentifier(decode(body, escape), end);
        }

        private static String decode(String body, char escape) {
            StringBuilder out = new StringBuilder(body.length());
            int i = 0;
            while (i < body.length()) {
                char c = body.charAt(i);
                if (c != escape || i + 1 >= body.length()) {
                    out.append(c);
                    i++;
                } else if (body.charAt(i + 1) == escape) {
                    out.append(escape);
                    i += 2;
                } else {
                    int digits = body.charAt(i + 1) == '+' ? 6 : 4;
                    int from = body.charAt(i + 1) == '+' ? i + 2 : i + 1;
                    int code = from + digits <= body.length() ? hex(body, from, from + digits) : -1;
                    if (code < 0 || !Character.isValidCodePoint(code)) {
                        out.append(c);
                        i++;
                    } else {
                        out.appendCodePoint(code);
                        i = from + digits;
                    }
                }
            }
            return out.toString();
        }

        private static int hex(String s, int from, int to) {
            int value = 0;
            for (int i = from; i < to; i++) {
                int digit = Character.digit(s.charAt(i), 16);
                if (digit < 0 || s.charAt(i) > 127) {
                    return -1;
                }
                value = value * 16 + digit;
            }
            return value;
        }
    }

    /** PostgreSQL block comments nest; SQLite's do not. An unterminated comment runs to the end. */
    static int skipBlockComment(String sql, int start, Dialect dialect) {
        int depth = 0;
        int i = start;
        int n = sql.length();
        while (i < n) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
                if (dialect == Dialect.SQLITE && depth > 1) {
                    depth = 1;
                }
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** Skips a quoted run whose quote is doubled to escape it; with backslashes, also skips {@code \x}. */
    static int skipQuoted(String sql, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /**
     * Where a {@code $} run ends: after the digits of a {@code $1} parameter, after the closing tag of a
     * {@code $tag$ ... $tag$} or {@code $$ ... $$} string (or at the end when it is unterminated), or right after
     * the {@code $} when it is neither.
     */
    static int skipDollar(String sql, int start) {
        int n = sql.length();
        int i = start + 1;
        if (i < n && sql.charAt(i) >= '0' && sql.charAt(i) <= '9') {
            while (i < n && sql.charAt(i) >= '0' && sql.charAt(i) <= '9') {
                i++;
            }
            return i;
        }
        // scan.l: a tag starts with dolq_start (a word start) and goes on with dolq_cont (no '$').
        while (i < n && sql.charAt(i) != '$' && isWordPart(sql.charAt(i))) {
            i++;
        }
        if (i < n && sql.charAt(i) == '$') {
            String tag = sql.substring(start, i + 1);
            int end = sql.indexOf(tag, i + 1);
            return end < 0 ? n : end + tag.length();
        }
        return start + 1;
    }
}
