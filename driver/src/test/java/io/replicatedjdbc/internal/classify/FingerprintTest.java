package io.replicatedjdbc.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FingerprintTest {

    @ParameterizedTest(name = "{0}  ->  {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "SELECT * FROM users WHERE id = 42|select * from users where id = ?",
                "select *   from users\t where id=7|select * from users where id=?",
                "SELECT * FROM t WHERE id IN (1, 2, 3, 4)|select * from t where id in (?)",
                "SELECT * FROM t WHERE id IN (1,2,3)|select * from t where id in (?)",
                "SELECT * FROM t WHERE id IN (?, ?, ?)|select * from t where id in (?)",
                "INSERT INTO t VALUES (1, 'a'), (2, 'b')|insert into t values (?), (?)",
                "SELECT $1::int + $2::int|select ?::int + ?::int",
                "SELECT $$DELETE FROM t$$, $tag$x$tag$|select ?",
                "SELECT E'it\\'s'|select ?",
                "SELECT 1.5e-3, 0x1F, t1.c2 FROM t1|select ?, t1.c2 from t1",
                "SELECT \"Mixed Case\" FROM \"T\"|select \"Mixed Case\" from \"T\"",
                "/* a comment */ SELECT 1 -- trailing|select ?",
                "/* replicated:primary */ SELECT 1|/* replicated:primary */ select ?",
                "SELECT 1 -- replicated:replica|select ? /* replicated:replica*/",
                "/*NO LOAD BALANCE*/ SELECT 1|/*NO LOAD BALANCE*/ select ?",
                "SELECT set_config('search_path', 'app', false)|select set_config(?, false)",
            })
    void postgresql_foldsLiteralsListsWhitespaceAndComments(String sql, String expected) {
        assertThat(Fingerprint.of(sql, Dialect.POSTGRESQL).shape()).isEqualTo(expected);
    }

    @Test
    void doubledQuotesInsideAString_stayInsideTheString() {
        assertThat(Fingerprint.of("SELECT * FROM t WHERE name = 'O''Brien' AND x = 1", Dialect.POSTGRESQL)
                        .shape())
                .isEqualTo("select * from t where name = ? and x = ?");
    }

    @ParameterizedTest(name = "{0}  ->  {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "SELECT * FROM t WHERE a = :name AND b = @b AND c = $c AND d = ?1|select * from t where a = ? and b = ? and c = ? and d = ?",
                "SELECT [Order] FROM `Update`|select [Order] from `Update`",
                "PRAGMA user_version = 5|pragma user_version = ?",
            })
    void sqlite_foldsItsOwnParameterStyles_andKeepsItsQuotedNames(String sql, String expected) {
        assertThat(Fingerprint.of(sql, Dialect.SQLITE).shape()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "SELECT * FROM users WHERE id = 1|SELECT * FROM users WHERE id = 2",
                "SELECT * FROM t WHERE id IN (1)|SELECT * FROM t WHERE id IN (1, 2, 3, 4, 5)",
                "select name from users where email = 'a@b.c'|SELECT name FROM users WHERE email = 'x@y.z'",
            })
    void statementsThatDifferOnlyInLiterals_shareAFingerprint(String a, String b) {
        assertThat(Fingerprint.of(a, Dialect.POSTGRESQL).shape())
                .isEqualTo(Fingerprint.of(b, Dialect.POSTGRESQL).shape());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "SELECT * FROM users|/* replicated:primary */ SELECT * FROM users",
                "SELECT \"a\" FROM t|SELECT \"A\" FROM t",
                "SELECT a FROM t|SELECT b FROM t",
            })
    void statementsThatMayRouteDifferently_doNotShareAFingerprint(String a, String b) {
        assertThat(Fingerprint.of(a, Dialect.POSTGRESQL).shape())
                .isNotEqualTo(Fingerprint.of(b, Dialect.POSTGRESQL).shape());
    }
}
