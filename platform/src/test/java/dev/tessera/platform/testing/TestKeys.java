package dev.tessera.platform.testing;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Access-token keys for tests: fresh ES256, RS256 and Ed25519 key pairs and HMAC keys as JWKs with a {@code kid} and
 * {@code key_ops}, the {@code GOTRUE_JWT_KEYS} value of a set, and tokens signed with any key, algorithm and header,
 * the forged ones of the attack tests included.
 */
public final class TestKeys {

    public static final List<String> SIGN = List.of("sign", "verify");
    public static final List<String> VERIFY = List.of("verify");
    public static final List<String> RETIRED = List.of();

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestKeys() {
    }

    public static PublicJsonWebKey es256(String kid, List<String> keyOps) {
        try {
            return named(EcJwkGenerator.generateJwk(EllipticCurves.P256), kid, keyOps);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PublicJsonWebKey rs256(String kid, List<String> keyOps) {
        try {
            return named(RsaJwkGenerator.generateJwk(2048), kid, keyOps);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PublicJsonWebKey ed25519(String kid, List<String> keyOps) {
        try {
            return named(OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519), kid, keyOps);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HMAC key whose bytes are the UTF-8 of {@code secret}, as GoTrue uses {@code GOTRUE_JWT_SECRET}. */
    public static OctetSequenceJsonWebKey oct(String kid, String secret, List<String> keyOps) {
        OctetSequenceJsonWebKey jwk = new OctetSequenceJsonWebKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        jwk.setKeyId(kid);
        jwk.setKeyOps(keyOps);
        return jwk;
    }

    private static PublicJsonWebKey named(PublicJsonWebKey jwk, String kid, List<String> keyOps) {
        jwk.setKeyId(kid);
        if (keyOps != null) {
            jwk.setKeyOps(keyOps);
        }
        return jwk;
    }

    /**
     * A key set generated once per JVM under {@code name}, kept in a system property so that a test profile and
     * the test it configures see the same keys whichever class loader each was loaded by.
     */
    public static String shared(String name, Supplier<String> generate) {
        synchronized (System.class) {
            String property = "tessera.test.keys." + name;
            String value = System.getProperty(property);
            if (value == null) {
                value = generate.get();
                System.setProperty(property, value);
            }
            return value;
        }
    }

    /** The keys of a {@code GOTRUE_JWT_KEYS} value by {@code kid}, private parts included. */
    public static Map<String, JsonWebKey> keysOf(String configured) {
        try {
            Map<String, JsonWebKey> keys = new LinkedHashMap<>();
            for (Map<String, Object> params : JSON.readValue(configured,
                    new TypeReference<List<Map<String, Object>>>() { })) {
                JsonWebKey key = JsonWebKey.Factory.newJwk(params);
                keys.put(key.getKeyId(), key);
            }
            return keys;
        } catch (JsonProcessingException | JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code GOTRUE_JWT_KEYS} value of these keys: a JSON array of JWKs with their private parts. */
    public static String configured(JsonWebKey... keys) {
        try {
            return JSON.writeValueAsString(Arrays.stream(keys)
                    .map(k -> k.toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE)).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A published JWK set of these keys' public parts, as auth-service serves one. */
    public static String published(PublicJsonWebKey... keys) {
        return JsonUtil.toJson(Map.of("keys", Arrays.stream(keys).map(k -> {
            Map<String, Object> params = new LinkedHashMap<>(k.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            params.put("alg", algorithmOf(k));
            params.put("key_ops", VERIFY);
            return params;
        }).toList()));
    }

    public static String algorithmOf(JsonWebKey key) {
        return switch (key.getKeyType()) {
            case "EC" -> "ES256";
            case "RSA" -> "RS256";
            case "OKP" -> "EdDSA";
            default -> "HS256";
        };
    }

    /** A compact JWS of {@code claims} signed with {@code key} under {@code alg}, with these header members. */
    public static String sign(Key key, String alg, Map<String, Object> header, Map<String, Object> claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(JsonUtil.toJson(claims));
        jws.setAlgorithmHeaderValue(alg);
        header.forEach((name, value) -> jws.getHeaders().setObjectHeaderValue(name, value));
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signed with the key's private part, its algorithm, and {@code kid} and {@code typ} in the header. */
    public static String sign(PublicJsonWebKey key, Map<String, Object> claims) {
        return sign(key.getPrivateKey(), algorithmOf(key), Map.of("kid", key.getKeyId(), "typ", "JWT"), claims);
    }
}
