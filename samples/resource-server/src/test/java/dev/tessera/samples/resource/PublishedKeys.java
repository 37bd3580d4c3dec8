package dev.tessera.samples.resource;

import static dev.tessera.platform.testing.TestKeys.SIGN;
import static dev.tessera.platform.testing.TestKeys.VERIFY;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwk.PublicJsonWebKey;

import dev.tessera.platform.testing.JwkSetServer;
import dev.tessera.platform.testing.TestKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for the suite's {@code /.well-known/jwks.json} during a rotation: key A signing, key B in standby, both
 * published as auth-service publishes them (public parts, {@code alg}, {@code key_ops: [verify]}, its
 * {@code Cache-Control}). Tokens are signed with the private parts in auth-service's header and claims (reference
 * §4: {@code kid} and {@code typ: JWT}; {@code sub}, {@code exp}, {@code email}, {@code app_metadata},
 * {@code user_metadata}, {@code session_id}; no {@code iat}; {@code iss} and {@code aud} as the suite is configured
 * here). Key C is never published.
 */
public class PublishedKeys implements QuarkusTestResourceLifecycleManager {

    static final String ISSUER = "https://id.example.com/.netlify/identity";
    static final String AUDIENCE = "orders";

    static final PublicJsonWebKey A = TestKeys.es256("key-a", SIGN);
    static final PublicJsonWebKey B = TestKeys.es256("key-b", VERIFY);
    static final PublicJsonWebKey C = TestKeys.es256("key-c", SIGN);

    private JwkSetServer server;

    @Override
    public Map<String, String> start() {
        server = JwkSetServer.start(TestKeys.published(A, B));
        return Map.of(
                "TESSERA_JWKS_URL", server.url(),
                "TESSERA_JWT_ISSUER", ISSUER,
                "TESSERA_JWT_AUD", AUDIENCE);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The claims of a user's token as auth-service issues it with GOTRUE_JWT_ISSUER and an audience configured. */
    static Map<String, Object> userClaims(UUID user, Instant expiresAt) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", user.toString());
        claims.put("exp", expiresAt.getEpochSecond());
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("email", "ada@example.com");
        claims.put("app_metadata", Map.of("provider", "email"));
        claims.put("user_metadata", Map.of());
        claims.put("session_id", UUID.randomUUID().toString());
        return claims;
    }

    /** Signed with the key's private part under its own kid (or, for a forgery, another key's). */
    static String sign(Map<String, Object> claims, String kid, PublicJsonWebKey key) {
        return TestKeys.sign(key.getPrivateKey(), "ES256", Map.of("kid", kid, "typ", "JWT"), claims);
    }
}
