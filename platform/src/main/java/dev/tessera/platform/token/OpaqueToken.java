package dev.tessera.platform.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A bearer secret handed to a client once (a refresh token, or a confirmation, recovery, invite or email-change
 * token): 32 random bytes, base64url. Services store and look up only {@link #hash()}, the hex SHA-256 of the value,
 * so a database leak hands out nothing usable.
 */
public record OpaqueToken(String value, String hash) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static OpaqueToken generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return new OpaqueToken(value, hashOf(value));
    }

    public static String hashOf(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Never prints the value, so a token cannot reach a log through string formatting. */
    @Override
    public String toString() {
        return "OpaqueToken[hash=" + hash + "]";
    }
}
