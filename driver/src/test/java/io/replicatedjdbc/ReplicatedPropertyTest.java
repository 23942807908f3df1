package io.replicatedjdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Meta-tests over the one enum of options, and the README's option table generated from it. */
class ReplicatedPropertyTest {

    @Test
    void options_areSortedByName() {
        List<String> names = Arrays.stream(ReplicatedProperty.values())
                .map(ReplicatedProperty::getName)
                .collect(Collectors.toList());
        assertThat(names).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
    }

    @Test
    void options_haveCamelCaseNamesMatchingTheConstant() {
        for (ReplicatedProperty property : ReplicatedProperty.values()) {
            assertThat(property.getName()).matches("[a-z][a-zA-Z]*");
            assertThat(property.name().replace("_", "")).isEqualToIgnoringCase(property.getName());
        }
    }

    @Test
    void options_areDocumented_andDefaultsAreAllowedValues() {
        for (ReplicatedProperty property : ReplicatedProperty.values()) {
            assertThat(property.getDescription())
                    .as(property.getName())
                    .hasSizeGreaterThan(30)
                    .endsWith(".");
            if (!property.getChoices().isEmpty()) {
                assertThat(property.getChoices()).as(property.getName()).contains(property.getDefaultValue());
            }
        }
    }

    @Test
    void forName_findsEveryOption_andNothingElse() {
        for (ReplicatedProperty property : ReplicatedProperty.values()) {
            assertThat(ReplicatedProperty.forName(property.getName())).isSameAs(property);
        }
        assertThat(ReplicatedProperty.forName("user")).isNull();
        assertThat(ReplicatedProperty.forName("LOADBALANCE")).isNull();
    }

    @Test
    void getPropertyInfo_isGeneratedFromTheEnum_withValuesFromUrlAndProperties() throws SQLException {
        Properties info = new Properties();
        info.setProperty("readYourWrites", "off");
        DriverPropertyInfo[] infos =
                new ReplicatedDriver().getPropertyInfo("jdbc:replicated:sqlite:/a.db?loadBalance=random", info);

        assertThat(infos)
                .extracting(i -> i.name)
                .containsExactly(Arrays.stream(ReplicatedProperty.values())
                        .map(ReplicatedProperty::getName)
                        .toArray(String[]::new));
        for (DriverPropertyInfo i : infos) {
            ReplicatedProperty property = ReplicatedProperty.forName(i.name);
            assertThat(i.description).isEqualTo(property.getDescription());
            assertThat(i.required).isFalse();
            if (!property.getChoices().isEmpty()) {
                assertThat(i.choices).containsExactlyElementsOf(property.getChoices());
            }
        }
        assertThat(value(infos, "loadBalance")).isEqualTo("random");
        assertThat(value(infos, "readYourWrites")).isEqualTo("off");
        assertThat(value(infos, "replicaRetryInterval")).isEqualTo("30s");
    }

    private static String value(DriverPropertyInfo[] infos, String name) {
        return Arrays.stream(infos).filter(i -> i.name.equals(name)).findFirst().orElseThrow().value;
    }

    /** The README's option table is exactly what the enum says; the failure message shows the table to paste. */
    @Test
    void readmeOptionTable_matchesTheEnum() throws IOException {
        Path readme = Paths.get("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        String table = optionTable();
        assertThat(text).as("README.md must contain this table:%n%s", table).contains(table);
    }

    static String optionTable() {
        StringBuilder table = new StringBuilder();
        table.append("<!-- options:start (generated from ReplicatedProperty; checked by ReplicatedPropertyTest) -->\n");
        table.append("| option | default | values | what it does |\n");
        table.append("|---|---|---|---|\n");
        for (ReplicatedProperty property : ReplicatedProperty.values()) {
            table.append("| `")
                    .append(property.getName())
                    .append("` | ")
                    .append(property.getDefaultValue() == null ? "" : "`" + property.getDefaultValue() + "`")
                    .append(" | ")
                    .append(property.getChoices().stream()
                            .map(c -> "`" + c + "`")
                            .collect(Collectors.joining(", ")))
                    .append(" | ")
                    .append(property.getDescription())
                    .append(" |\n");
        }
        table.append("<!-- options:end -->\n");
        return table.toString();
    }
}
