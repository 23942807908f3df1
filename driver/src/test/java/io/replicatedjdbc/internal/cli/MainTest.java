package io.replicatedjdbc.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String input, String... args) {
        return Main.run(
                args,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void explain_printsRouteTabReason_perLine() {
        int code = run("SELECT 1\nSELECT nextval('s')\nSET search_path TO app\nDELETE FROM t\n", "explain");
        assertThat(code).isZero();
        assertThat(out().lines())
                .containsExactly(
                        "REPLICA\tSELECT",
                        "PRIMARY\tcalls nextval()",
                        "ALL\tsession state: SET search_path",
                        "PRIMARY\tDELETE");
    }

    @Test
    void explain_sqliteDialect_knowsPragmas() {
        assertThat(run("PRAGMA foreign_keys = ON\nPRAGMA table_info(t)\n", "explain", "--dialect", "sqlite"))
                .isZero();
        assertThat(out().lines())
                .containsExactly("ALL\tsession state: PRAGMA foreign_keys", "REPLICA\tPRAGMA table_info");
    }

    @Test
    void explain_unknownDialect_failsWithUsage() {
        assertThat(run("", "explain", "--dialect", "oracle")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown dialect 'oracle'");
    }

    @Test
    void help_listsEveryOptionAndCommand() {
        assertThat(run("", "--help")).isZero();
        assertThat(out()).contains("explain [--dialect postgresql|sqlite]", "readYourWritesWindow", "writeFunctions");
    }
}
