package io.replicatedjdbc.internal.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The README documents exactly the built-in function lists. */
class ReadmeFunctionListTest {

    @Test
    void readme_namesEveryBuiltInWriteFunctionAndPrefix() throws IOException {
        String readme = Files.readString(Paths.get("..", "README.md"), StandardCharsets.UTF_8);
        for (String name : FunctionRules.POSTGRESQL_WRITES) {
            assertThat(readme).contains("`" + name + "`");
        }
        for (String prefix : FunctionRules.POSTGRESQL_WRITE_PREFIXES) {
            assertThat(readme).contains("`" + prefix + "`");
        }
        for (String name : FunctionRules.SQLITE_WRITES) {
            assertThat(readme).contains("`" + name + "`");
        }
    }
}
