package io.replicatedjdbc.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalPositionTest {

    @ParameterizedTest
    @ValueSource(strings = {"0/0", "16/B374D848", "ffffffff/ffffffff", "0/1", "A/a"})
    void positionsAsTheServerWritesThem_parse(String text) {
        assertThat(WalPosition.format(WalPosition.parse(text))).isEqualToIgnoringCase(text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-1/-1",
                "+0/+10",
                "-0/-0",
                "1/-1",
                "1/+1",
                "/1",
                "1/",
                "1",
                "",
                " 1/1",
                "1/1 ",
                "123456789/0",
                "0/123456789",
                "0x1/1",
                "1//1",
                "g/1",
                "１/1",
                "1/1/1"
            })
    void anythingElse_isRefused(String text) {
        assertThatThrownBy(() -> WalPosition.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
