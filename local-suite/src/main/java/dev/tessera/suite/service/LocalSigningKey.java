package dev.tessera.suite.service;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The ES256 key of a local run started with {@code TESSERA_JWT_ALGORITHM=ES256}: a fresh P-256 key pair written as
 * {@code GOTRUE_JWT_KEYS} takes it, a JSON array of one private JWK that signs. Built with the JDK alone, as the
 * launcher carries no JOSE library.
 */
final class LocalSigningKey {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int COORDINATE_BYTES = 32;

    private LocalSigningKey() {
    }

    static String generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair pair = generator.generateKeyPair();
            ECPublicKey pub = (ECPublicKey) pair.getPublic();
            ECPrivateKey priv = (ECPrivateKey) pair.getPrivate();
            byte[] id = new byte[6];
            RANDOM.nextBytes(id);
            return "[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"local-es256-" + HexFormat.of().formatHex(id)
                    + "\",\"alg\":\"ES256\",\"use\":\"sig\",\"key_ops\":[\"sign\",\"verify\"]"
                    + ",\"x\":\"" + coordinate(pub.getW().getAffineX()) + "\""
                    + ",\"y\":\"" + coordinate(pub.getW().getAffineY()) + "\""
                    + ",\"d\":\"" + coordinate(priv.getS()) + "\"}]";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate a P-256 key", e);
        }
    }

    /** RFC 7518 §6.2.1: the unsigned big-endian value, left-padded to the curve's 32 bytes, base64url. */
    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[COORDINATE_BYTES];
        int copy = Math.min(bytes.length, COORDINATE_BYTES);
        System.arraycopy(bytes, bytes.length - copy, fixed, COORDINATE_BYTES - copy, copy);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
        Arrays.fill(fixed, (byte) 0);
        return encoded;
    }
}
