package dev.tessera.samples.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.tessera.platform.testing.TestKeys.SIGN;
import static dev.tessera.platform.testing.TestKeys.VERIFY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.testing.JwkSetServer;
import dev.tessera.platform.testing.TestKeys;
import dev.tessera.platform.token.JwkSets;
import dev.tessera.samples.consumer.UserTokens.TokenUser;

/**
 * UserTokens against a JWK set served over HTTP the way auth-service publishes it (platform's {@link JwkSets} turns
 * the configured private keys into the public document, with auth-service's cache header), and tokens signed with
 * the private part in the suite's header and claims (reference §4: no {@code iat}, {@code kid} and {@code typ} set).
 */
class UserTokensTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NO_FLOOR = Duration.ZERO;
    private static final Duration LONG_FLOOR = Duration.ofHours(1);

    private final PublicJsonWebKey keyA = key("key-a");
    private final PublicJsonWebKey keyB = key("key-b");
    private JwkSetServer server;
    private String jwksUrl;

    @BeforeEach
    void serveKeys() {
        server = JwkSetServer.start(published(keyA));
        jwksUrl = server.url();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void acceptsAUsersTokenSignedWithAPublishedKey() {
        UUID id = UUID.randomUUID();
        Instant exp = Instant.now().plusSeconds(3600);
        UserTokens tokens = new UserTokens(jwksUrl, Optional.empty(), Optional.empty(), LONG_FLOOR);

        Optional<TokenUser> user = tokens.verify(sign(keyA, userClaims(id, exp)));

        assertEquals(Optional.of(new TokenUser(id, "ada@example.com", Instant.ofEpochSecond(exp.getEpochSecond()))),
                user);
        assertTrue(tokens.verify(sign(keyA, userClaims(UUID.randomUUID(), exp))).isPresent());
        assertEquals(1, server.fetches(), "the set is fetched once and then cached");
    }

    @Test
    void learnsTheNewSigningKeyFromItsKidAndForgetsARetiredOne() {
        UserTokens tokens = new UserTokens(jwksUrl, Optional.empty(), Optional.empty(), NO_FLOOR);
        String underA = sign(keyA, userClaims(UUID.randomUUID(), Instant.now().plusSeconds(3600)));
        assertTrue(tokens.verify(underA).isPresent());

        // The suite rotated sooner than our cache expires: B signs, A is verify-only.
        server.serve(published(keyA, keyB));
        assertTrue(tokens.verify(sign(keyB, userClaims(UUID.randomUUID(), Instant.now().plusSeconds(3600))))
                .isPresent(), "a token naming the new kid fetches the set again");
        assertEquals(2, server.fetches());
        assertTrue(tokens.verify(underA).isPresent(), "tokens of the verify-only key keep working");

        // A retired: no longer published. A token naming a kid the set lacks refetches and is refused.
        server.serve(published(keyB));
        UserTokens fresh = new UserTokens(jwksUrl, Optional.empty(), Optional.empty(), NO_FLOOR);
        assertEquals(Optional.empty(), fresh.verify(underA));
    }

    @Test
    void unknownKidsFetchTheSetAtMostOncePerFloor() {
        UserTokens tokens = new UserTokens(jwksUrl, Optional.empty(), Optional.empty(), LONG_FLOOR);
        assertTrue(tokens.verify(sign(keyA, userClaims(UUID.randomUUID(), Instant.now().plusSeconds(3600))))
                .isPresent());

        server.serve(published(keyA, keyB));
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), tokens.verify(sign(key("made-up-" + i), userClaims(UUID.randomUUID(),
                    Instant.now().plusSeconds(3600)))));
        }
        // Within the floor even the real new key is not learned yet: its tokens wait for the next fetch.
        assertEquals(Optional.empty(), tokens.verify(sign(keyB, userClaims(UUID.randomUUID(),
                Instant.now().plusSeconds(3600)))));
        assertEquals(1, server.fetches(), "no fetch within the floor, however many unknown kids arrive");
    }

    static List<Object[]> refused() {
        PublicJsonWebKey a = key("key-a");
        Instant later = Instant.now().plusSeconds(3600);
        UUID id = UUID.randomUUID();
        String valid = sign(a, userClaims(id, later));
        String[] parts = valid.split("\\.");
        Map<String, Object> admin = new LinkedHashMap<>(userClaims(id, later));
        admin.put("app_metadata", Map.of("roles", List.of("admin")));
        String tampered = parts[0] + "." + base64(json(admin)) + "." + parts[2];

        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {"expired", a, sign(a, userClaims(id, Instant.now().minusSeconds(60)))});
        cases.add(new Object[] {"tampered payload", a, tampered});
        cases.add(new Object[] {"alg none", a, base64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"key-a\"}") + "."
                + parts[1] + "."});
        // Algorithm confusion: HS256 keyed with the published key's own bytes.
        byte[] publicBytes = a.getPublicKey().getEncoded();
        cases.add(new Object[] {"HS256 with the public key as secret", a,
                signHmac(publicBytes, userClaims(id, later))});
        cases.add(new Object[] {"the system's token (sub 0)", a, sign(a, withSubject(userClaims(id, later), "0"))});
        cases.add(new Object[] {"no exp", a, sign(a, withoutExpiry(userClaims(id, later)))});
        cases.add(new Object[] {"not a JWT", a, "Bearer nonsense"});
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refuses(String what, PublicJsonWebKey signer, String token) {
        server.serve(published(signer));
        UserTokens tokens = new UserTokens(jwksUrl, Optional.empty(), Optional.empty(), LONG_FLOOR);
        assertEquals(Optional.empty(), tokens.verify(token));
    }

    @Test
    void holdsTheIssuerAndAudienceWhenGiven() {
        Map<String, Object> claims = userClaims(UUID.randomUUID(), Instant.now().plusSeconds(3600));
        claims.put("iss", "https://id.example.com");
        claims.put("aud", "orders");
        UserTokens strict = new UserTokens(jwksUrl, Optional.of("https://id.example.com"), Optional.of("orders"),
                LONG_FLOOR);
        assertTrue(strict.verify(sign(keyA, claims)).isPresent());

        UserTokens otherIssuer = new UserTokens(jwksUrl, Optional.of("https://elsewhere.example.com"),
                Optional.empty(), LONG_FLOOR);
        assertEquals(Optional.empty(), otherIssuer.verify(sign(keyA, claims)));
        UserTokens otherAudience = new UserTokens(jwksUrl, Optional.empty(), Optional.of("billing"), LONG_FLOOR);
        assertEquals(Optional.empty(), otherAudience.verify(sign(keyA, claims)));
        claims.remove("aud");
        assertEquals(Optional.empty(), strict.verify(sign(keyA, claims)),
                "an audience required is an audience present");
    }

    /** What auth-service publishes for these keys, the last one signing (built by the code it publishes with). */
    private static String published(PublicJsonWebKey... keys) {
        for (int i = 0; i < keys.length; i++) {
            keys[i].setKeyOps(i == keys.length - 1 ? SIGN : VERIFY);
        }
        return json(JwkSets.document(JwkSets.configured(TestKeys.configured(keys))));
    }

    private static PublicJsonWebKey key(String kid) {
        return TestKeys.es256(kid, SIGN);
    }

    /** The claims of a token from auth-service: no iat, no aud unless configured, a session. */
    private static Map<String, Object> userClaims(UUID id, Instant exp) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", id.toString());
        claims.put("exp", exp.getEpochSecond());
        claims.put("email", "ada@example.com");
        claims.put("app_metadata", Map.of("provider", "email"));
        claims.put("user_metadata", Map.of());
        claims.put("session_id", UUID.randomUUID().toString());
        return claims;
    }

    private static Map<String, Object> withSubject(Map<String, Object> claims, String sub) {
        claims.put("sub", sub);
        return claims;
    }

    private static Map<String, Object> withoutExpiry(Map<String, Object> claims) {
        claims.remove("exp");
        return claims;
    }

    /** In auth-service's header: ES256, its kid, typ JWT. */
    private static String sign(PublicJsonWebKey key, Map<String, Object> claims) {
        return TestKeys.sign(key, claims);
    }

    private static String signHmac(byte[] secret, Map<String, Object> claims) {
        return TestKeys.sign(new HmacKey(secret), AlgorithmIdentifiers.HMAC_SHA256, Map.of("kid", "key-a"), claims);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
