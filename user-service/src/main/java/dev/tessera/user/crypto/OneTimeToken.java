package dev.tessera.user.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A confirmation, recovery, invite or email-change token: 32 random bytes, base64url. Only {@link #hash()} is
 * stored; the token itself goes sealed into the mail request and nowhere else.
 */
public record OneTimeToken(String value, String hash) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static OneTimeToken generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return new OneTimeToken(value, hashOf(value));
    }

    public static String hashOf(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "OneTimeToken[hash=" + hash + "]";
    }
}
