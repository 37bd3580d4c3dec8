package dev.tessera.platform.token;

import java.security.Key;
import java.util.Map;

/**
 * One access-token key.
 *
 * @param kid             the {@code kid} tokens signed with it carry
 * @param algorithm       the one JWS algorithm it signs and verifies with: HS256, ES256, RS256 or EdDSA
 * @param verificationKey the public key (or the HMAC key)
 * @param signingKey      the private key (or the HMAC key); null for a key known from its public part only
 * @param publicJwk       its public JWK as published; null for an HMAC key, which is never published
 */
public record TokenKey(String kid, String algorithm, KeyState state, Key verificationKey, Key signingKey,
        Map<String, Object> publicJwk) {

    public static final String HS256 = "HS256";

    /** Names the key without its material, so a log line or an exception message never carries it. */
    @Override
    public String toString() {
        return "TokenKey[kid=" + kid + ", alg=" + algorithm + ", state=" + state + "]";
    }

    public boolean symmetric() {
        return HS256.equals(algorithm);
    }

    /** Whether tokens signed with it are accepted. */
    public boolean accepted() {
        return state != KeyState.RETIRED;
    }

    /** Whether it belongs in the published JWK set: an asymmetric key that is not retired. */
    public boolean published() {
        return !symmetric() && accepted();
    }
}
