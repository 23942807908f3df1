package io.replicatedjdbc.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.Route;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lexer follows PostgreSQL's scan.l wherever a difference could hide a call from the classifier: each statement
 * here calls a function with side effects that PostgreSQL sees and a looser lexer would not. Both the classifier and
 * the cache in front of it (which classifies the statement's fingerprint) must send it to the primary.
 */
class PostgresLexingTest {

    private final StatementClassifier classifier = new StatementClassifier(Dialect.POSTGRESQL);

    private Route routeBoth(String sql) {
        Route direct = classifier.classify(sql).route();
        Route cached = new CachingClassifier(classifier).classify(sql).route();
        assertThat(cached).as("through the fingerprint cache").isEqualTo(direct);
        return direct;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // scan.l: a -- comment ends at \n or \r
                "SELECT 1 -- note\r, pg_advisory_lock(1)",
                // U& identifiers, with and without UESCAPE
                "SELECT U&\"\\0070g_advisory_lock\"(1)",
                "SELECT U&\"\\+000070g_advisory_lock\"(1)",
                "SELECT u&\"!0070g_advisory_lock\" UESCAPE '!' (1)",
                "SELECT U&\"nextv\\0061l\"('s')",
                // EXPLAIN's option names may be quoted
                "EXPLAIN (\"analyze\") DELETE FROM t",
                // every non-ASCII character is an identifier character: no dollar quote starts after one
                "SELECT 1 AS a\u20ac$x$, pg_advisory_lock(1) --$x$",
                "SELECT 1 AS \u00a0$x$, pg_advisory_lock(1) --$x$",
                "SELECT 1 AS \u2003$x$, pg_advisory_lock(1) --$x$",
                // a dollar-quote tag may hold non-ASCII characters
                "SELECT $\u20ac$'$\u20ac$, pg_advisory_lock(1) --'",
                // only ASCII digits make numbers and parameters
                "SELECT $\u0661$'$\u0661$, pg_advisory_lock(1) --'",
            })
    void whatPostgresqlSeesAsACallWithSideEffects_goesToThePrimary(String sql) {
        assertThat(routeBoth(sql)).isEqualTo(Route.PRIMARY);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT 'it''s' AS a, 1 -- comment\r\n",
                "SELECT U&\"d\\0061ta\" FROM t",
                "SELECT $tag$ DELETE FROM t $tag$",
                "SELECT caf\u00e9 FROM t",
                "SELECT a\u20ac$x$ FROM t",
            })
    void readsStayReads(String sql) {
        assertThat(routeBoth(sql)).isEqualTo(Route.REPLICA);
    }

    @Test
    void unquotedWords_areFoldedAsciiOnly_asPostgresqlFoldsThem() {
        // PostgreSQL folds only A-Z: 'İ' stays as written, so this is not a call of nextval.
        assertThat(SqlLexer.upperAscii("next\u0130val")).isEqualTo("NEXT\u0130VAL");
        assertThat(Fingerprint.of("SELECT NEXT\u0130VAL('s')", Dialect.POSTGRESQL)
                        .shape())
                .isEqualTo("select next\u0130val(?)");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT set_config('search_path', 'a', 'false')",
                "SELECT set_config('search_path', 'a', (false))",
                "SELECT set_config('search_path', 'a', 1 = 0)",
                "SELECT set_config('search_path', 'a', ?)",
                "SELECT \"set_config\"('search_path', 'a', false)",
                "SELECT U&\"set\\005fconfig\"('search_path', 'a', false)",
                "SELECT set_config('a.b', '1', true), set_config('search_path', 'a', false)",
                "SET search_path TO a; SELECT 1",
            })
    void everyFormOfASessionChange_isSeenAsOne(String sql) {
        Classification c = new CachingClassifier(classifier).classify(sql);
        assertThat(c.changesSession()).isTrue();
        assertThat(c.route()).isEqualTo(Route.ALL);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT set_config('search_path', 'a', false), nextval('s')",
                "SELECT nextval('s'), set_config('search_path', 'a', false)",
                "SET search_path TO a; INSERT INTO t VALUES (1)",
                "DO $$ BEGIN PERFORM set_config('search_path', 'a', false); END $$",
                "CALL p()",
            })
    void aSessionChangeWithSideEffects_isAWriteThatChangesTheSession(String sql) {
        Classification c = new StatementClassifier(
                        Dialect.POSTGRESQL,
                        new FunctionRules(Dialect.POSTGRESQL, Collections.emptySet(), Collections.emptySet()))
                .classify(sql);
        assertThat(c.isWrite()).isTrue();
        assertThat(c.route()).isEqualTo(Route.PRIMARY);
        assertThat(c.changesSession()).isTrue();
    }
}
