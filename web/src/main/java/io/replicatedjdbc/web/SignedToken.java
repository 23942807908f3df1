package io.replicatedjdbc.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A read-your-writes token as a client may carry it: the token, when it stops being worth anything, and an HMAC-SHA256
 * of both under the application's secret. A client cannot make up one (which could send every read of its requests to
 * the primary), nor keep one for longer than it is useful.
 */
public final class SignedToken {

    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    /** {@code secret}: shared by every instance of the application, at least 32 bytes. */
    public SignedToken(byte[] secret) {
        if (secret == null || secret.length < 32) {
            throw new IllegalArgumentException("the read-your-writes secret needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /** The value to send: {@code token} valid until {@code expiresEpochSecond}. */
    public String sign(String token, long expiresEpochSecond) {
        String payload = ENCODER.encodeToString(token.getBytes(StandardCharsets.UTF_8)) + "." + expiresEpochSecond;
        return payload + "." + ENCODER.encodeToString(mac(payload));
    }

    /** The token a value carries, or null when it is not one this secret signed, or it has expired. */
    public String verify(String value, long nowEpochSecond) {
        if (value == null) {
            return null;
        }
        int last = value.lastIndexOf('.');
        int first = value.indexOf('.');
        if (first <= 0 || last <= first) {
            return null;
        }
        String payload = value.substring(0, last);
        try {
            byte[] given = DECODER.decode(value.substring(last + 1));
            if (!MessageDigest.isEqual(given, mac(payload))) {
                return null;
            }
            long expires = Long.parseLong(payload.substring(first + 1));
            if (nowEpochSecond > expires) {
                return null;
            }
            return new String(DECODER.decode(payload.substring(0, first)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
