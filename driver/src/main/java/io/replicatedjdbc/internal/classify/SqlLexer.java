package io.replicatedjdbc.internal.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    private SqlLexer() {
    }

    static Result lex(String sql, Dialect dialect) {
        List<Token> tokens = new ArrayList<>();
        List<String> comments = new ArrayList<>(0);
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                comments.add(sql.substring(i + 2, end));
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = skipBlockComment(sql, i, dialect);
                comments.add(sql.substring(i + 2, Math.max(i + 2, end - 2)));
                i = end;
            } else if (c == '\'') {
                i = skipQuoted(sql, i, '\'', false);
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
                    tokens.add(new Token(Kind.OPAQUE, Character.isDigit(sql.charAt(i + 1)) ? "?" : "'"));
                }
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && isWordPart(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(start, i).toUpperCase(Locale.ROOT)));
            } else if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                tokens.add(new Token(Kind.OPAQUE, "0"));
            } else if (c == '?' || ((c == ':' || c == '@') && dialect == Dialect.SQLITE
                    && i + 1 < n && isWordPart(sql.charAt(i + 1)))) {
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

    static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
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
        if (i < n && Character.isDigit(sql.charAt(i))) {
            while (i < n && Character.isDigit(sql.charAt(i))) {
                i++;
            }
            return i;
        }
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
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
