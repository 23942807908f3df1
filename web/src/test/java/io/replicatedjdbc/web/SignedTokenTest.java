package io.replicatedjdbc.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SignedTokenTest {

    private static final byte[] SECRET = "a secret shared by every instance, 32+".getBytes(StandardCharsets.UTF_8);
    private final SignedToken signer = new SignedToken(SECRET);

    @Test
    void aSignedToken_isReadBack_untilItExpires() {
        String value = signer.sign("rjdbc-lsn:0/3000060", 1_000);
        assertThat(signer.verify(value, 999)).isEqualTo("rjdbc-lsn:0/3000060");
        assertThat(signer.verify(value, 1_000)).isEqualTo("rjdbc-lsn:0/3000060");
        assertThat(signer.verify(value, 1_001)).as("expired").isNull();
    }

    @Test
    void aForgedOrAlteredValue_isIgnored() {
        String value = signer.sign("rjdbc-lsn:0/3000060", 1_000);
        String[] parts = value.split("\\.");
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        // a position of the client's choosing, with the signature of another
        String otherToken = encoder.encodeToString("rjdbc-lsn:FFFFFFFF/FFFFFFFF".getBytes(StandardCharsets.UTF_8));
        assertThat(signer.verify(otherToken + "." + parts[1] + "." + parts[2], 0))
                .isNull();
        // a later expiry
        assertThat(signer.verify(parts[0] + "." + 9_999_999 + "." + parts[2], 0))
                .isNull();
        // signed with another secret
        SignedToken other = new SignedToken("another secret of thirty-two bytes!!".getBytes(StandardCharsets.UTF_8));
        assertThat(signer.verify(other.sign("rjdbc-lsn:0/3000060", 1_000), 0)).isNull();
        // not a value at all
        assertThat(signer.verify("", 0)).isNull();
        assertThat(signer.verify("...", 0)).isNull();
        assertThat(signer.verify("abc.def", 0)).isNull();
        assertThat(signer.verify(parts[0] + ".x." + parts[2], 0)).isNull();
        assertThat(signer.verify(parts[0] + "." + parts[1] + ".%%%", 0)).isNull();
        assertThat(signer.verify(null, 0)).isNull();
    }

    @Test
    void aShortSecret_isRefused() {
        assertThatThrownBy(() -> new SignedToken("too short".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }
}
