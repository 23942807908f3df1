package io.replicatedjdbc.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.Route;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** What JSqlParser finds a statement to read or change, for readYourWritesTables. */
class TouchedTablesTest {

    private final StatementClassifier classifier = new StatementClassifier(
            Dialect.POSTGRESQL,
            new FunctionRules(Dialect.POSTGRESQL, Collections.emptySet(), Collections.emptySet()),
            true);

    private TouchedTables tables(String sql) {
        return classifier.classify(sql).tables();
    }

    @Test
    void aReadNamesEveryRelation_withoutSchema_foldedAsPostgresqlFoldsThem() {
        TouchedTables read = tables("SELECT a.v FROM Public.Orders a JOIN \"Line Items\" l ON l.o = a.id"
                + " WHERE a.id IN (SELECT o FROM refunds)");
        assertThat(classifier.classify("SELECT 1 FROM t").route()).isEqualTo(Route.REPLICA);
        assertThat(read.relations()).containsExactlyInAnyOrder("orders", "Line Items", "refunds");
        assertThat(read.cteNames()).isEmpty();
    }

    @Test
    void aReadsCteNames_areListed_andItsFunctionsToo() {
        TouchedTables read = tables("WITH recent AS (SELECT * FROM orders) SELECT count(*), lower(x) FROM recent");
        assertThat(read.relations()).containsExactlyInAnyOrder("orders", "recent");
        assertThat(read.cteNames()).containsExactly("recent");
        assertThat(read.functions()).containsExactlyInAnyOrder("count", "lower");
    }

    @Test
    void aWriteNamesTheTablesItChanges_notThoseItOnlyReads() {
        assertThat(tables("UPDATE stock SET n = n - 1 FROM orders o WHERE o.id = stock.id")
                        .relations())
                .containsExactly("stock");
        assertThat(tables("INSERT INTO audit (a, b) SELECT x, y FROM orders").relations())
                .containsExactly("audit");
        assertThat(tables("DELETE FROM \"Carts\" WHERE id = 1").relations()).containsExactly("Carts");
        assertThat(tables("INSERT INTO s.t VALUES (1) ON CONFLICT (id) DO UPDATE SET v = 2")
                        .relations())
                .containsExactly("t");
    }

    @Test
    void aDataModifyingCte_namesItsTarget() {
        Classification c = classifier.classify(
                "WITH moved AS (DELETE FROM queue WHERE id = 1 RETURNING *)" + " INSERT INTO done SELECT * FROM moved");
        assertThat(c.isWrite()).isTrue();
        assertThat(c.tables().relations()).containsExactlyInAnyOrder("queue", "done");
    }

    @Test
    void aSelectWithAnInsertInACte_isAWrite_thatNamesTheInsertsTarget() {
        Classification c = classifier.classify("WITH x AS (INSERT INTO log VALUES (1) RETURNING id) SELECT id FROM x");
        assertThat(c.isWrite()).isTrue();
        assertThat(c.tables()).isNotNull();
        assertThat(c.tables().relations()).containsExactly("log");
    }

    @Test
    void aWriteCallingAFunction_listsIt() {
        assertThat(tables("UPDATE t SET v = bump(v) WHERE id = 1").functions()).containsExactly("bump");
        assertThat(tables("INSERT INTO t (a) VALUES (1)").functions()).isEmpty();
    }

    @Test
    void statementsThatAreNotQueriesOrDml_touchEveryTable() {
        assertThat(tables("TRUNCATE t")).isNull();
        assertThat(tables("ALTER TABLE t RENAME TO u")).isNull();
        assertThat(tables("CALL p(1)")).isNull();
        assertThat(tables("COPY t FROM STDIN")).isNull();
        assertThat(tables("UPDATE a SET v = 1; TRUNCATE b")).isNull();
        assertThat(tables("SELECT * INTO copy_of_t FROM t")).isNull();
        assertThat(tables("CREATE TEMP TABLE x (i int)")).isNull();
    }

    @Test
    void aMultiStatementWrite_namesEveryStatementsTargets() {
        assertThat(tables("UPDATE a SET v = 1; DELETE FROM b WHERE id = 2").relations())
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void withoutTheOption_nothingIsFound() {
        StatementClassifier plain = new StatementClassifier(Dialect.POSTGRESQL);
        assertThat(plain.classify("UPDATE a SET v = 1").tables()).isNull();
        assertThat(plain.classify("SELECT v FROM a").tables()).isNull();
    }
}
