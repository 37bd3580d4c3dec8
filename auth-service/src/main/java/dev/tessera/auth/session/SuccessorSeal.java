package dev.tessera.auth.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the successor of a rotated-out refresh token under a key derived from the rotated-out token itself, so that
 * whoever presents that token again within the reuse interval can be answered with the session's current token,
 * while the database holds nothing that opens it: the stored hash of a token does not yield its key. The key is
 * HMAC-SHA256 keyed with the token (32 random bytes) over a fixed label, i.e. HKDF-Expand with the token as the
 * pseudorandom key; the cipher is AES-256-GCM with a random nonce and the rotated token's id as associated data, so
 * a sealed value opens only for the row it was written for.
 */
final class SuccessorSeal {

    private static final byte[] LABEL = "tessera/refresh-token/successor/v1\u0001".getBytes(StandardCharsets.UTF_8);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SuccessorSeal() {
    }

    /** The successor's value, sealed under {@code rotated}'s key and bound to {@code rotatedId}: nonce, then ciphertext. */
    static byte[] seal(String rotated, UUID rotatedId, String successor) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, rotated, rotatedId, nonce);
            byte[] sealed = cipher.doFinal(successor.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The successor's value, or null when {@code sealed} was not sealed under {@code rotated} for {@code rotatedId}. */
    static String open(byte[] sealed, String rotated, UUID rotatedId) {
        if (sealed == null || sealed.length <= NONCE_BYTES) {
            return null;
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, rotated, rotatedId, Arrays.copyOf(sealed, NONCE_BYTES));
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private static Cipher cipher(int mode, String rotated, UUID rotatedId, byte[] nonce) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(rotated.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] key = mac.doFinal(LABEL);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(ByteBuffer.allocate(16).putLong(rotatedId.getMostSignificantBits())
                .putLong(rotatedId.getLeastSignificantBits()).array());
        return cipher;
    }
}
