package dev.tessera.platform.token;

import java.security.Key;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads JWK sets: the configured one ({@code GOTRUE_JWT_KEYS}: a JSON array of JWKs as supabase/auth takes it, or a
 * JWK set object {@code {"keys":[…]}}) and the one auth-service publishes. Each key names its {@code kid}; its
 * algorithm follows from its type and curve (RFC 8725's allow-list per key type: EC P-256 → ES256, RSA of at least
 * 2048 bits → RS256, OKP Ed25519 → EdDSA, oct of at least 32 bytes → HS256), and an {@code alg} member must agree
 * with it. {@code key_ops} gives the state ({@link KeyState}). Messages name a key by its position and {@code kid},
 * never by its material.
 */
public final class JwkSets {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MIN_RSA_BITS = 2048;
    private static final int MIN_HMAC_BYTES = 32;

    private JwkSets() {
    }

    /** The configured keys: private or public parts, HMAC keys allowed, exactly one signing. */
    public static List<TokenKey> configured(String json) {
        List<TokenKey> keys = new ArrayList<>();
        Set<String> kids = new HashSet<>();
        List<Map<String, Object>> entries = entries(json);
        for (int i = 0; i < entries.size(); i++) {
            TokenKey key = read(entries.get(i), i, false);
            if (!kids.add(key.kid())) {
                throw new IllegalArgumentException("GOTRUE_JWT_KEYS: kid " + key.kid() + " names two keys");
            }
            keys.add(key);
        }
        long signing = keys.stream().filter(k -> k.state() == KeyState.SIGNING).count();
        if (signing != 1) {
            throw new IllegalArgumentException("GOTRUE_JWT_KEYS: exactly one key must have \"sign\" in key_ops, "
                    + signing + " have");
        }
        return List.copyOf(keys);
    }

    /** A published set: public asymmetric keys only, each accepted (what is retired is no longer published). */
    public static List<TokenKey> published(String json) {
        List<TokenKey> keys = new ArrayList<>();
        List<Map<String, Object>> entries = entries(json);
        for (int i = 0; i < entries.size(); i++) {
            keys.add(read(entries.get(i), i, true));
        }
        return List.copyOf(keys);
    }

    /** The JWK set document of the keys that are published. */
    public static Map<String, Object> document(List<TokenKey> keys) {
        return Map.of("keys", keys.stream().filter(TokenKey::published).map(TokenKey::publicJwk).toList());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entries(String json) {
        Object parsed;
        try {
            parsed = JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the JWK set is not valid JSON");
        }
        if (parsed instanceof Map<?, ?> set && set.get("keys") instanceof List<?> list) {
            parsed = list;
        }
        if (!(parsed instanceof List<?> list)) {
            throw new IllegalArgumentException("the JWK set is neither an array of keys nor an object with \"keys\"");
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Object entry : list) {
            if (!(entry instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("the JWK set holds something that is not a key");
            }
            entries.add((Map<String, Object>) entry);
        }
        return entries;
    }

    private static TokenKey read(Map<String, Object> params, int index, boolean publicOnly) {
        String name = "key " + (index + 1);
        JsonWebKey jwk;
        try {
            jwk = JsonWebKey.Factory.newJwk(params);
        } catch (JoseException | RuntimeException e) {
            throw new IllegalArgumentException(name + " is not a usable JWK");
        }
        String kid = jwk.getKeyId();
        if (kid == null || kid.isBlank()) {
            throw new IllegalArgumentException(name + " has no kid");
        }
        name = name + " (kid " + kid + ")";
        if (jwk.getUse() != null && !"sig".equals(jwk.getUse())) {
            throw new IllegalArgumentException(name + ": use must be \"sig\"");
        }
        String algorithm = algorithmOf(jwk, name);
        if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(algorithm)) {
            throw new IllegalArgumentException(name + ": alg " + jwk.getAlgorithm() + " does not fit its key type, "
                    + "which signs with " + algorithm);
        }
        if (publicOnly) {
            if (!(jwk instanceof PublicJsonWebKey pub)) {
                throw new IllegalArgumentException(name + ": a published key cannot be symmetric");
            }
            return new TokenKey(kid, algorithm, KeyState.VERIFYING, pub.getPublicKey(), null,
                    publicJwk(pub, kid, algorithm));
        }
        KeyState state = stateOf(jwk.getKeyOps());
        if (jwk instanceof PublicJsonWebKey pub) {
            return new TokenKey(kid, algorithm, state, pub.getPublicKey(), pub.getPrivateKey(),
                    publicJwk(pub, kid, algorithm));
        }
        Key hmac = new HmacKey(((OctetSequenceJsonWebKey) jwk).getOctetSequence());
        return new TokenKey(kid, algorithm, state, hmac, hmac, null);
    }

    private static String algorithmOf(JsonWebKey jwk, String name) {
        if (jwk instanceof EllipticCurveJsonWebKey ec) {
            if (!"P-256".equals(ec.getCurveName())) {
                throw new IllegalArgumentException(name + ": EC keys must be on P-256 (ES256)");
            }
            return "ES256";
        }
        if (jwk instanceof RsaJsonWebKey rsa) {
            if (rsa.getRsaPublicKey().getModulus().bitLength() < MIN_RSA_BITS) {
                throw new IllegalArgumentException(name + ": RSA keys must have at least " + MIN_RSA_BITS + " bits");
            }
            return "RS256";
        }
        if (jwk instanceof OctetKeyPairJsonWebKey okp) {
            if (!"Ed25519".equals(okp.getSubtype())) {
                throw new IllegalArgumentException(name + ": OKP keys must be Ed25519 (EdDSA)");
            }
            return "EdDSA";
        }
        if (jwk instanceof OctetSequenceJsonWebKey oct) {
            if (oct.getOctetSequence().length < MIN_HMAC_BYTES) {
                throw new IllegalArgumentException(name + ": oct keys must have at least " + MIN_HMAC_BYTES
                        + " bytes (RFC 7518 section 3.2)");
            }
            return TokenKey.HS256;
        }
        throw new IllegalArgumentException(name + ": key type " + jwk.getKeyType() + " is not supported");
    }

    private static KeyState stateOf(List<String> keyOps) {
        if (keyOps == null) {
            return KeyState.VERIFYING;
        }
        if (keyOps.contains("sign")) {
            return KeyState.SIGNING;
        }
        return keyOps.contains("verify") ? KeyState.VERIFYING : KeyState.RETIRED;
    }

    /** As supabase/auth publishes a key: its public parameters, {@code use: sig}, {@code key_ops: [verify]}. */
    private static Map<String, Object> publicJwk(PublicJsonWebKey jwk, String kid, String algorithm) {
        Map<String, Object> params = new LinkedHashMap<>(jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        params.put("kid", kid);
        params.put("alg", algorithm);
        params.put("use", "sig");
        params.put("key_ops", List.of("verify"));
        return Collections.unmodifiableMap(params);
    }
}
