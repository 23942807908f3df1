package io.replicatedjdbc.internal.classify;

import io.replicatedjdbc.Route;
import io.replicatedjdbc.internal.classify.SqlLexer.Kind;
import io.replicatedjdbc.internal.classify.SqlLexer.Token;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.statement.Statements;

/**
 * Classifies SQL, failing closed: a statement goes to a replica only when it is provably a read.
 *
 * <p>The lexer sorts every statement by its leading keywords; that alone settles writes, transaction
 * control and session state, and most statements JSqlParser cannot parse (SET, BEGIN, VACUUM, ...). A
 * read-looking statement is then scanned token by token for anything that writes (a data-modifying CTE,
 * a row lock, SELECT INTO, a function with side effects) and parsed with JSqlParser, whose complete tree
 * walk must agree. When JSqlParser cannot parse a read-looking statement the token scan decides.
 */
public final class StatementClassifier implements SqlClassifier {

    /** Longer statements are classified by the token scan alone: the parser's cost grows with size. */
    static final int MAX_PARSE_LENGTH = 4_000;

    /** Deeper nesting of parentheses is left to the token scan: the parser's cost grows steeply with depth. */
    static final int MAX_PARSE_DEPTH = 12;

    /** Keywords that a {@code (} may follow without being function calls. */
    private static final Set<String> NOT_FUNCTIONS = new HashSet<>(Arrays.asList(
            "IN",
            "EXISTS",
            "ANY",
            "ALL",
            "SOME",
            "VALUES",
            "AS",
            "ON",
            "USING",
            "ARRAY",
            "ROW",
            "CAST",
            "COALESCE",
            "NULLIF",
            "GREATEST",
            "LEAST",
            "EXTRACT",
            "POSITION",
            "SUBSTRING",
            "TRIM",
            "OVERLAY",
            "INTERVAL",
            "DECIMAL",
            "NUMERIC",
            "VARCHAR",
            "CHAR",
            "CHARACTER",
            "FROM",
            "JOIN",
            "WHERE",
            "AND",
            "OR",
            "NOT",
            "SELECT",
            "LATERAL",
            "TABLE",
            "WITH",
            "RECURSIVE",
            "UNION",
            "INTERSECT",
            "EXCEPT",
            "BY",
            "HAVING",
            "LIMIT",
            "OFFSET",
            "THEN",
            "ELSE",
            "WHEN",
            "CASE",
            "IS",
            "LIKE",
            "ILIKE",
            "BETWEEN",
            "RETURNING",
            "SET",
            "TIMESTAMP",
            "TIME",
            "EXPLAIN",
            "ANALYZE",
            "VERBOSE",
            "ORDER",
            "GROUP",
            "GROUPING",
            "DISTINCT",
            "TABLESAMPLE",
            "XMLTABLE",
            "JSON_TABLE",
            "NORMALIZE",
            "COLLATE",
            "FOR"));
    // Unreserved keywords that may also name a user's function (CUBE, SETS, FILTER, OVER, ...): they are looked up
    // like any other name, and a name that is not a function there is the keyword (FunctionRules.isKeyword).

    private static final Set<String> WRITE_KEYWORDS = new HashSet<>(Arrays.asList(
            "INSERT",
            "UPDATE",
            "DELETE",
            "MERGE",
            "UPSERT",
            "REPLACE",
            "CREATE",
            "ALTER",
            "DROP",
            "TRUNCATE",
            "GRANT",
            "REVOKE",
            "COMMENT",
            "COPY",
            "LOCK",
            "LISTEN",
            "NOTIFY",
            "UNLISTEN",
            "VACUUM",
            "ANALYZE",
            "ANALYSE",
            "REINDEX",
            "CLUSTER",
            "CHECKPOINT",
            "CALL",
            "DO",
            "REFRESH",
            "DECLARE",
            "FETCH",
            "CLOSE",
            "MOVE",
            "PREPARE",
            "EXECUTE",
            "DEALLOCATE",
            "SECURITY",
            "LOAD",
            "IMPORT",
            "REASSIGN"));

    /** SQLite settings that belong to one connection: replayed on every physical connection. */
    private static final Set<String> SQLITE_SESSION_PRAGMAS = new HashSet<>(Arrays.asList(
            "analysis_limit",
            "automatic_index",
            "busy_timeout",
            "cache_size",
            "cache_spill",
            "case_sensitive_like",
            "cell_size_check",
            "checkpoint_fullfsync",
            "count_changes",
            "defer_foreign_keys",
            "empty_result_callbacks",
            "foreign_keys",
            "full_column_names",
            "fullfsync",
            "hard_heap_limit",
            "ignore_check_constraints",
            "legacy_alter_table",
            "locking_mode",
            "mmap_size",
            "query_only",
            "read_uncommitted",
            "recursive_triggers",
            "reverse_unordered_selects",
            "short_column_names",
            "soft_heap_limit",
            "synchronous",
            "temp_store",
            "threads",
            "trusted_schema"));

    /** SQLite pragmas that take an argument in parentheses and only read. */
    private static final Set<String> SQLITE_READ_PRAGMAS_WITH_ARGUMENT = new HashSet<>(Arrays.asList(
            "foreign_key_check",
            "foreign_key_list",
            "index_info",
            "index_list",
            "index_xinfo",
            "integrity_check",
            "quick_check",
            "table_info",
            "table_list",
            "table_xinfo"));

    /** SQLite pragmas that change the file even when written as a query. */
    private static final Set<String> SQLITE_WRITE_PRAGMA_QUERIES =
            new HashSet<>(Arrays.asList("incremental_vacuum", "optimize", "wal_checkpoint", "shrink_memory"));

    private final Dialect dialect;
    private final FunctionRules functions;
    private final boolean tableScoped;

    public StatementClassifier(Dialect dialect) {
        this(dialect, new FunctionRules(dialect, Collections.emptySet(), Collections.emptySet()));
    }

    public StatementClassifier(Dialect dialect, FunctionRules functions) {
        this(dialect, functions, false);
    }

    /**
     * {@code tableScoped}: also find what each statement reads or changes ({@link Classification#tables()}), for
     * {@code readYourWritesTables}; writes are then parsed too (once per statement shape, as reads are).
     */
    public StatementClassifier(Dialect dialect, FunctionRules functions, boolean tableScoped) {
        this.dialect = dialect;
        this.functions = functions;
        this.tableScoped = tableScoped && dialect == Dialect.POSTGRESQL;
    }

    /** The classifier's dialect: the one its input is lexed and fingerprinted in. */
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public Classification classify(String sql) {
        return classify(sql, false);
    }

    @Override
    public Classification classify(String sql, boolean backslashStrings) {
        SqlLexer.Result lexed = SqlLexer.lex(sql, dialect, backslashStrings);
        Classification result = classifyTokens(lexed.tokens);
        if (result.route() == Route.REPLICA) {
            result = confirmWithParser(sql, lexed.tokens, result);
            if (result.route() == Route.REPLICA && dialect == Dialect.POSTGRESQL) {
                List<Token> query = queryTokens(lexed.tokens);
                result = result.withFunctions(calledFunctions(query)).withRelations(namedRelations(query));
            }
        } else if (tableScoped && result.isWrite() && !result.changesSchema() && !result.pinsSession()) {
            ReadChecker.Walk walk = walk(sql, lexed.tokens);
            if (walk != null) {
                result = result.withTables(walk.asWrite());
            }
        }
        return applyHints(result, lexed.comments);
    }

    private Classification classifyTokens(List<Token> tokens) {
        Classification combined = null;
        int start = 0;
        for (int i = 0; i <= tokens.size(); i++) {
            if (i == tokens.size() || tokens.get(i).kind == Kind.SEMICOLON) {
                if (i > start) {
                    Classification one = classifyStatement(tokens, start, i);
                    combined = combined == null ? one : combine(combined, one);
                }
                start = i + 1;
            }
        }
        if (combined == null) {
            // Nothing to run: any node answers it, but it opens no replica just for that.
            return Classification.primary("empty statement");
        }
        return combined;
    }

    /**
     * The stricter of two statements of one string. A session change mixed with anything else makes the whole string
     * one that changes the session: it runs once, where the stricter part must run, and the session is then read back
     * from that node (or, where it cannot be read, the string stays on the primary).
     */
    private static Classification combine(Classification a, Classification b) {
        Classification stricter = rank(b) > rank(a) ? b : a;
        if (a.changesSession() || b.changesSession()) {
            stricter = stricter.withSessionChange();
        }
        return a.changesSchema() || b.changesSchema() ? stricter.withSchemaChange() : stricter;
    }

    private static int rank(Classification c) {
        if (c.isWrite()) {
            return 4;
        }
        if (c.txEffect() != Classification.TxEffect.NONE) {
            return 3;
        }
        switch (c.route()) {
            case PRIMARY:
                return 2;
            case ALL:
                return 1;
            default:
                return 0;
        }
    }

    private Classification classifyStatement(List<Token> t, int from, int to) {
        int first = from;
        while (first < to && t.get(first).isSymbol('(')) {
            first++;
        }
        if (first == to || t.get(first).kind != Kind.WORD) {
            return Classification.write("not provably a read: does not start with a keyword");
        }
        String keyword = t.get(first).text;
        String next = first + 1 < to && t.get(first + 1).kind == Kind.WORD ? t.get(first + 1).text : "";
        switch (keyword) {
            case "SELECT":
                return scanRead(t, first, to, "SELECT");
            case "WITH":
                return scanRead(t, first, to, "WITH ... SELECT");
            case "VALUES":
                return scanRead(t, first, to, "VALUES");
            case "TABLE":
                return scanRead(t, first, to, "TABLE");
            case "SHOW":
                return Classification.read("SHOW");
            case "EXPLAIN":
                return explain(t, first + 1, to);
            case "SET":
                return set(t, first + 1, to, next);
            case "RESET":
                return next.equals("ALL")
                        ? Classification.sessionReset("session state: RESET ALL", Classification.SessionReset.SETTINGS)
                        : Classification.session("session state: RESET " + lower(next));
            case "DISCARD":
                return next.equals("ALL")
                        ? Classification.sessionReset(
                                "session state: DISCARD ALL", Classification.SessionReset.EVERYTHING)
                        : Classification.session("session state: DISCARD " + lower(next));
            case "BEGIN":
                return Classification.begin("transaction start: BEGIN");
            case "START":
                return next.equals("TRANSACTION")
                        ? Classification.begin("transaction start: START TRANSACTION")
                        : Classification.write("not provably a read: START " + next);
            case "COMMIT":
            case "END":
                return next.equals("PREPARED")
                        ? Classification.write("two-phase COMMIT PREPARED")
                        : Classification.end("transaction end: " + keyword);
            case "ROLLBACK":
            case "ABORT":
                return rollback(t, first + 1, to, keyword);
            case "SAVEPOINT":
            case "RELEASE":
                return Classification.followsTransaction("transaction control: " + keyword);
            case "PRAGMA":
                if (dialect == Dialect.SQLITE) {
                    return pragma(t, first + 1, to);
                }
                break;
            case "CREATE":
                for (int i = first + 1; i < Math.min(to, first + 4); i++) {
                    if (t.get(i).is("TEMP") || t.get(i).is("TEMPORARY")) {
                        return Classification.sessionPinningWrite(
                                "CREATE TEMPORARY: exists only in the primary's session");
                    }
                }
                break;
            case "COPY":
                if (dialect == Dialect.POSTGRESQL) {
                    int[] query = copyToClient(t, first + 1, to);
                    if (query != null) {
                        Classification inner = query[0] == query[1]
                                ? Classification.read("COPY table TO STDOUT")
                                : classifyStatement(t, query[0], query[1]);
                        return inner.route() == Route.REPLICA && !inner.changesSession()
                                ? Classification.read("COPY (" + inner.reason() + ") TO STDOUT")
                                : inner;
                    }
                }
                break;
            case "LISTEN":
                return Classification.sessionPinningWrite("LISTEN: notifications reach only the primary's session");
            case "PREPARE":
                if (!next.equals("TRANSACTION")) {
                    return Classification.sessionPinningWrite(
                            "PREPARE: the prepared statement exists only in the primary's session");
                }
                break;
            case "DECLARE":
                for (int i = first + 1; i < to; i++) {
                    if (t.get(i).is("HOLD") && t.get(i - 1).is("WITH")) {
                        return Classification.sessionPinningWrite(
                                "DECLARE ... WITH HOLD: the cursor outlives its transaction on the primary");
                    }
                }
                break;
            case "ATTACH":
            case "DETACH":
                if (dialect == Dialect.SQLITE) {
                    return Classification.session("session state: " + keyword + " DATABASE");
                }
                break;
            default:
                break;
        }
        switch (keyword) {
            case "DO":
            case "CALL":
            case "EXECUTE":
                // Code that may call set_config or SET, or run DDL: the session is read back afterwards.
                return Classification.write(keyword).withSessionChange().withSchemaChange();
            case "CREATE":
            case "ALTER":
            case "DROP":
            case "IMPORT":
                return Classification.write(keyword).withSchemaChange();
            default:
                break;
        }
        if (WRITE_KEYWORDS.contains(keyword)) {
            return Classification.write(keyword);
        }
        return Classification.write("not provably a read: " + keyword).withSchemaChange();
    }

    /**
     * The query a {@code COPY ... TO STDOUT} sends to the client, as a token range: {@code COPY name [(columns)] TO
     * STDOUT} gives an empty range (a plain read of the table), {@code COPY (query) TO STDOUT} the query's tokens.
     * Null for any other COPY: {@code FROM} writes, and {@code TO 'file'} or {@code TO PROGRAM} act on the server's host.
     */
    static int[] copyToClient(List<Token> t, int from, int to) {
        int at = from;
        int[] query;
        if (at < to && t.get(at).isSymbol('(')) {
            int close = closingParenthesis(t, at, to);
            if (close < 0) {
                return null;
            }
            query = new int[] {at + 1, close};
            at = close + 1;
        } else {
            // a possibly qualified table name, then an optional column list
            if (at >= to || (t.get(at).kind != Kind.WORD && t.get(at).kind != Kind.QUOTED)) {
                return null;
            }
            at++;
            while (at + 1 < to
                    && t.get(at).isSymbol('.')
                    && (t.get(at + 1).kind == Kind.WORD || t.get(at + 1).kind == Kind.QUOTED)) {
                at += 2;
            }
            if (at < to && t.get(at).isSymbol('(')) {
                at = closingParenthesis(t, at, to);
                if (at < 0) {
                    return null;
                }
                at++;
            }
            query = new int[] {at, at};
        }
        return at + 1 < to && t.get(at).is("TO") && t.get(at + 1).is("STDOUT") ? query : null;
    }

    private static int closingParenthesis(List<Token> t, int open, int to) {
        int depth = 0;
        for (int i = open; i < to; i++) {
            if (t.get(i).isSymbol('(')) {
                depth++;
            } else if (t.get(i).isSymbol(')') && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Token scan of a read-looking statement for anything that writes, wherever it is nested. A {@code set_config}
     * call anywhere in it, however its arguments are written, marks it as a session change as well.
     */
    private Classification scanRead(List<Token> t, int from, int to, String label) {
        Classification sessionChange = setConfigCalls(t, from, to);
        Classification found = scanForWrites(t, from, to, label);
        if (sessionChange == null) {
            return found;
        }
        return found.route() == Route.REPLICA ? sessionChange : found.withSessionChange();
    }

    private Classification scanForWrites(List<Token> t, int from, int to, String label) {
        for (int i = from; i < to; i++) {
            Token token = t.get(i);
            if (token.kind == Kind.QUOTED && i + 1 < to && t.get(i + 1).isSymbol('(')) {
                if (token.text.equals("set_config")) {
                    continue;
                }
                String reason = functions.writeReason(token.text, true);
                if (reason != null) {
                    return Classification.write(reason);
                }
                continue;
            }
            if (token.kind != Kind.WORD) {
                continue;
            }
            switch (token.text) {
                case "FOR":
                    String lock = rowLock(t, i + 1, to);
                    if (lock != null) {
                        return Classification.write("row lock FOR " + lock);
                    }
                    break;
                case "INSERT":
                case "UPDATE":
                case "DELETE":
                case "MERGE":
                    return Classification.write("data-modifying " + token.text + " inside " + label);
                case "INTO":
                    if (i + 1 < to && (t.get(i + 1).is("TEMP") || t.get(i + 1).is("TEMPORARY"))) {
                        return Classification.sessionPinningWrite(
                                "SELECT INTO TEMP: exists only in the primary's session");
                    }
                    return Classification.write("SELECT INTO creates a table");
                default:
                    if (i + 1 < to && t.get(i + 1).isSymbol('(')) {
                        if (token.text.equals("SET_CONFIG")) {
                            continue;
                        }
                        String reason = functions.writeReason(token.text, false);
                        if (reason != null) {
                            return FunctionRules.locksForTheSession(lower(token.text))
                                    ? Classification.sessionPinningWrite(
                                            reason + ": a session lock held on the primary")
                                    : Classification.write(reason);
                        }
                    }
            }
        }
        return Classification.read(label);
    }

    private static String rowLock(List<Token> t, int at, int to) {
        if (at >= to || t.get(at).kind != Kind.WORD) {
            return null;
        }
        switch (t.get(at).text) {
            case "UPDATE":
                return "UPDATE";
            case "SHARE":
                return "SHARE";
            case "NO":
                return "NO KEY UPDATE";
            case "KEY":
                return "KEY SHARE";
            default:
                return null;
        }
    }

    /**
     * The {@code set_config(name, value, is_local)} calls of a statement (unquoted, quoted or schema-qualified), or
     * null when there are none. Only a call whose is_local is the bare literal {@code true} is left to its
     * transaction; any other form ({@code false}, {@code 'false'}, {@code 1 = 0}, a parameter) may change the session.
     */
    private static Classification setConfigCalls(List<Token> t, int from, int to) {
        Classification result = null;
        for (int i = from; i + 1 < to; i++) {
            Token token = t.get(i);
            boolean named = token.is("SET_CONFIG") || (token.kind == Kind.QUOTED && token.text.equals("set_config"));
            if (!named || !t.get(i + 1).isSymbol('(')) {
                continue;
            }
            if (transactionLocal(t, i + 2, to)) {
                if (result == null) {
                    result = Classification.followsTransaction("set_config(..., true) belongs to its transaction");
                }
            } else {
                return Classification.session("session state: set_config()");
            }
        }
        return result;
    }

    /** Whether the call whose arguments start at {@code from} ends with {@code , true)}. */
    private static boolean transactionLocal(List<Token> t, int from, int to) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Token token = t.get(i);
            if (token.isSymbol('(')) {
                depth++;
            } else if (token.isSymbol(')') && depth-- == 0) {
                return i - 2 >= from && t.get(i - 1).is("TRUE") && t.get(i - 2).isSymbol(',');
            }
        }
        return false;
    }

    private Classification explain(List<Token> t, int from, int to) {
        int i = from;
        boolean analyze = false;
        if (i < to && t.get(i).isSymbol('(')) {
            int depth = 0;
            for (; i < to; i++) {
                Token token = t.get(i);
                if (token.isSymbol('(')) {
                    depth++;
                } else if (token.isSymbol(')')) {
                    if (--depth == 0) {
                        i++;
                        break;
                    }
                } else if (token.is("ANALYZE")
                        || token.is("ANALYSE")
                        || (token.kind == Kind.QUOTED
                                && (token.text.equals("analyze") || token.text.equals("analyse")))) {
                    Token value = i + 1 < to ? t.get(i + 1) : null;
                    analyze = value == null || !(value.is("FALSE") || value.is("OFF"));
                }
            }
        } else {
            while (i < to
                    && t.get(i).kind == Kind.WORD
                    && (t.get(i).is("ANALYZE")
                            || t.get(i).is("ANALYSE")
                            || t.get(i).is("VERBOSE")
                            || t.get(i).is("QUERY")
                            || t.get(i).is("PLAN"))) {
                analyze |= t.get(i).is("ANALYZE") || t.get(i).is("ANALYSE");
                i++;
            }
        }
        if (!analyze) {
            return Classification.read("EXPLAIN");
        }
        Classification inner = classifyStatement(t, i, to);
        if (inner.route() == Route.REPLICA) {
            return Classification.read("EXPLAIN ANALYZE of a read");
        }
        Classification runs = Classification.write("EXPLAIN ANALYZE runs it: " + inner.reason());
        // What the statement does to the session it also does when EXPLAIN ANALYZE runs it.
        return inner.changesSession() ? runs.withSessionChange() : runs;
    }

    private static Classification set(List<Token> t, int from, int to, String next) {
        switch (next) {
            case "LOCAL":
                return Classification.followsTransaction("SET LOCAL belongs to its transaction");
            case "TRANSACTION":
            case "CONSTRAINTS":
                return Classification.followsTransaction("SET " + next + " belongs to its transaction");
            case "SESSION":
                if (from + 1 < to && t.get(from + 1).is("CHARACTERISTICS")) {
                    return Classification.session("session state: SET SESSION CHARACTERISTICS");
                }
                return Classification.session("session state: SET SESSION " + wordAt(t, from + 1, to));
            default:
                return Classification.session("session state: SET " + lower(next));
        }
    }

    private static Classification rollback(List<Token> t, int from, int to, String keyword) {
        for (int i = from; i < to && i < from + 2; i++) {
            if (t.get(i).is("TO")) {
                return Classification.followsTransaction("transaction control: ROLLBACK TO SAVEPOINT");
            }
            if (t.get(i).is("PREPARED")) {
                return Classification.write("two-phase ROLLBACK PREPARED");
            }
        }
        return Classification.end("transaction end: " + keyword);
    }

    /** {@code PRAGMA [schema.]name [= value | (argument)]}. */
    private static Classification pragma(List<Token> t, int from, int to) {
        int i = from;
        if (i + 2 < to && t.get(i + 1).isSymbol('.')) {
            i += 2;
        }
        if (i >= to || t.get(i).kind != Kind.WORD) {
            return Classification.write("not provably a read: PRAGMA");
        }
        String name = lower(t.get(i).text);
        boolean assigns = i + 1 < to && t.get(i + 1).isSymbol('=');
        boolean argument = i + 1 < to && t.get(i + 1).isSymbol('(');
        if (assigns || (argument && !SQLITE_READ_PRAGMAS_WITH_ARGUMENT.contains(name))) {
            return SQLITE_SESSION_PRAGMAS.contains(name)
                    ? Classification.session("session state: PRAGMA " + name)
                    : Classification.write("PRAGMA " + name + " changes the database");
        }
        if (SQLITE_WRITE_PRAGMA_QUERIES.contains(name)) {
            return Classification.write("PRAGMA " + name + " changes the database");
        }
        return Classification.read("PRAGMA " + name);
    }

    /**
     * JSqlParser's tree walk must agree that a read-looking statement is a read. The parser is bounded: long or
     * deeply nested statements (where its cost explodes) are left to the token scan, which already decided.
     */
    private Classification confirmWithParser(String sql, List<Token> tokens, Classification byTokens) {
        ReadChecker.Walk walk = walk(sql, tokens);
        if (walk == null) {
            // Not parseable by JSqlParser (a PostgreSQL-only construct), too slow to parse, or a tree the walk does not
            // support: the token scan decides.
            return byTokens;
        }
        if (walk.writeReason != null) {
            Classification write = Classification.write(walk.writeReason);
            return tableScoped ? write.withTables(walk.asWrite()) : write;
        }
        return tableScoped && dialect == Dialect.POSTGRESQL ? byTokens.withTables(walk.asRead()) : byTokens;
    }

    /** JSqlParser's walk of the statement string, or null when it cannot parse it in time or walk the tree. */
    private ReadChecker.Walk walk(String sql, List<Token> tokens) {
        if (sql.length() > MAX_PARSE_LENGTH || maxDepth(tokens) > MAX_PARSE_DEPTH) {
            return null;
        }
        Statements statements = ParserGuard.parse(sql, dialect == Dialect.SQLITE);
        if (statements == null) {
            return null;
        }
        try {
            return ReadChecker.walk(statements, functions);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * How deeply the statement nests, counting every construct whose nesting makes JSqlParser's cost explode:
     * parentheses, brackets ({@code ARRAY[...]}) and {@code CASE ... END}.
     */
    private static int maxDepth(List<Token> tokens) {
        int depth = 0;
        int max = 0;
        for (Token token : tokens) {
            if (token.isSymbol('(') || token.isSymbol('[') || token.is("CASE")) {
                max = Math.max(max, ++depth);
            } else if (token.isSymbol(')') || token.isSymbol(']') || token.is("END")) {
                depth--;
            }
        }
        return max;
    }

    /** Names of the functions a read calls, for the PostgreSQL volatility check; keywords followed by ( are not. */
    /**
     * Whether the parenthesis at {@code open} lists a CTE's columns ({@code WITH t(n) AS (...)}) rather than a call's
     * arguments: its closing parenthesis is followed by {@code AS (} or {@code AS [NOT] MATERIALIZED}.
     */
    private static boolean namesColumns(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.isSymbol('(')) {
                depth++;
            } else if (token.isSymbol(')') && --depth == 0) {
                if (i + 2 >= tokens.size() || !tokens.get(i + 1).is("AS")) {
                    return false;
                }
                Token after = tokens.get(i + 2);
                return after.isSymbol('(') || after.is("MATERIALIZED") || after.is("NOT");
            }
        }
        return false;
    }

    /** The tokens whose calls a read makes: all of them, or only the query of a {@code COPY (query) TO STDOUT}. */
    private static List<Token> queryTokens(List<Token> tokens) {
        if (tokens.isEmpty() || !tokens.get(0).is("COPY")) {
            return tokens;
        }
        int[] query = copyToClient(tokens, 1, tokens.size());
        return query == null ? tokens : tokens.subList(query[0], query[1]);
    }

    private List<String> calledFunctions(List<Token> tokens) {
        List<String> names = null;
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (!tokens.get(i + 1).isSymbol('(')) {
                continue;
            }
            String name;
            if (token.kind == Kind.QUOTED) {
                name = token.text;
            } else if (token.kind == Kind.WORD
                    && !NOT_FUNCTIONS.contains(token.text)
                    && !(i > 0
                            && (tokens.get(i - 1).is("AS") || tokens.get(i - 1).isSymbol(')')))
                    && !namesColumns(tokens, i + 1)) {
                name = lower(token.text);
            } else {
                continue;
            }
            if (!functions.isKnown(name)) {
                if (names == null) {
                    names = new ArrayList<>(2);
                }
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names == null ? Collections.emptyList() : names;
    }

    /**
     * The relations a read names after {@code FROM} or {@code JOIN} (and after commas of a {@code FROM} list), without
     * schema: each may be a view, whose definition the database knows. A name that is not a view (a table, a CTE, an
     * alias) costs one look-up per configuration.
     */
    private static List<String> namedRelations(List<Token> tokens) {
        List<String> names = null;
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).is("FROM") && !tokens.get(i).is("JOIN")) {
                continue;
            }
            int at = i + 1;
            while (at < tokens.size()) {
                if (tokens.get(at).is("ONLY") || tokens.get(at).is("LATERAL")) {
                    at++;
                    continue;
                }
                int end = at;
                String name = null;
                // a qualified name: part [. part ...]; the last part names the relation
                while (end < tokens.size()
                        && (tokens.get(end).kind == Kind.WORD || tokens.get(end).kind == Kind.QUOTED)) {
                    Token part = tokens.get(end);
                    name = part.kind == Kind.QUOTED ? part.text : lower(part.text);
                    if (end + 1 < tokens.size() && tokens.get(end + 1).isSymbol('.')) {
                        end += 2;
                    } else {
                        end++;
                        break;
                    }
                }
                if (name == null || (end < tokens.size() && tokens.get(end).isSymbol('('))) {
                    break; // a subquery or a function: neither is a relation name
                }
                if (names == null) {
                    names = new ArrayList<>(2);
                }
                if (!names.contains(name)) {
                    names.add(name);
                }
                // an alias, then perhaps a comma and the next relation of the FROM list
                at = end;
                if (at < tokens.size() && tokens.get(at).is("AS")) {
                    at++;
                }
                if (at < tokens.size()
                        && tokens.get(at).kind == Kind.WORD
                        && !RELATION_LIST_ENDS.contains(tokens.get(at).text)) {
                    at++;
                }
                if (at < tokens.size() && tokens.get(at).isSymbol(',')) {
                    at++;
                    continue;
                }
                break;
            }
        }
        return names == null ? Collections.emptyList() : names;
    }

    /** Words that end a FROM item where an alias could stand. */
    private static final Set<String> RELATION_LIST_ENDS = new HashSet<>(Arrays.asList(
            "WHERE",
            "GROUP",
            "ORDER",
            "LIMIT",
            "OFFSET",
            "HAVING",
            "WINDOW",
            "UNION",
            "INTERSECT",
            "EXCEPT",
            "JOIN",
            "INNER",
            "LEFT",
            "RIGHT",
            "FULL",
            "CROSS",
            "NATURAL",
            "ON",
            "USING",
            "FOR",
            "FETCH",
            "RETURNING",
            "TABLESAMPLE"));

    private static Classification applyHints(Classification c, List<String> comments) {
        if (comments.isEmpty()) {
            return c;
        }
        Hints.Hint hint = Hints.of(comments);
        switch (hint) {
            case PRIMARY:
            case NO_LOAD_BALANCE:
                return c.route() == Route.REPLICA ? Classification.primary(hint.reason) : c;
            case REPLICA:
                return c.route() == Route.REPLICA ? c.withReplicaHint() : c;
            default:
                return c;
        }
    }

    private static String wordAt(List<Token> t, int at, int to) {
        return at < to && t.get(at).kind == Kind.WORD ? lower(t.get(at).text) : "";
    }

    /** PostgreSQL folds unquoted names by ASCII rules only: 'I' becomes 'i', 'İ' stays as written. */
    private static String lower(String word) {
        char[] chars = null;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (chars == null) {
                    chars = word.toCharArray();
                }
                chars[i] = (char) (c + ('a' - 'A'));
            }
        }
        return chars == null ? word : new String(chars);
    }
}
