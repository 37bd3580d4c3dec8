package dev.tessera.auth.keys;

import static dev.tessera.platform.testing.TestKeys.RETIRED;
import static dev.tessera.platform.testing.TestKeys.SIGN;
import static dev.tessera.platform.testing.TestKeys.VERIFY;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.auth.oauth.OAuthState;
import dev.tessera.auth.oauth.OAuthStates;
import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.OwnRateLimitKey;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.testing.TestKeys;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * auth-service with a configured key set: ES256 key A signs, RS256 B is on standby, Ed25519 C is verify-only, R is
 * retired, and GoTrue's secret stays an accepted HS256 key ({@code nf-ident}, verify-only) as in the middle of a
 * move from HS256; {@code GOTRUE_JWT_ISSUER} is set. Tokens are minted with A, the public keys are published, and
 * every forged or foreign token gets GoTrue's 401 at {@code POST /logout}.
 */
@QuarkusTest
@TestProfile(SigningKeysTest.Keys.class)
@ExtendWith(OwnRateLimitKey.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class SigningKeysTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    static final String OPERATOR_TOKEN = "test-operator-token";
    static final String ISSUER = "https://identity.example.test";
    static final ObjectMapper JSON = new ObjectMapper();

    static final String CONFIGURED = TestKeys.shared("auth-signing-keys", () -> TestKeys.configured(
            TestKeys.es256("key-a", SIGN), TestKeys.rs256("key-b", VERIFY), TestKeys.ed25519("key-c", VERIFY),
            TestKeys.es256("key-r", RETIRED), TestKeys.oct("nf-ident", SECRET, VERIFY)));
    static final Map<String, JsonWebKey> KEYS = TestKeys.keysOf(CONFIGURED);

    public static class Keys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gotrue.jwt.keys", CONFIGURED, "gotrue.jwt.issuer", ISSUER);
        }
    }

    @Inject
    OAuthStates states;

    static PublicJsonWebKey key(String kid) {
        return (PublicJsonWebKey) KEYS.get(kid);
    }

    @Test
    void tokensAreSignedWithTheSigningKeyAndNameItsKidAndTheIssuer() throws Exception {
        String email = Grants.knownUser(UUID.randomUUID());
        String token = Grants.passwordGrant(email).then().statusCode(200).extract().path("access_token");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        assertEquals("ES256", jws.getAlgorithmHeaderValue());
        assertEquals("key-a", jws.getKeyIdHeaderValue());
        JwtClaims claims = new JwtConsumerBuilder().setVerificationKey(key("key-a").getPublicKey())
                .setExpectedIssuer(ISSUER).setSkipDefaultAudienceValidation().build().processToClaims(token);
        assertEquals(email, claims.getClaimValueAsString("email"));
        given().header("Authorization", "Bearer " + token).post("/logout").then().statusCode(204);
    }

    @Test
    void theKeySetPublishesThePublicPartsOfStandbySigningAndVerifyOnlyKeys() throws Exception {
        Response answer = given().get("/.well-known/jwks.json").then().statusCode(200)
                .header("Cache-Control", "public, max-age=300").extract().response();
        JsonNode keys = JSON.readTree(answer.asString()).path("keys");
        List<String> kids = new ArrayList<>();
        for (JsonNode jwk : keys) {
            kids.add(jwk.path("kid").asText());
            for (String secretPart : List.of("d", "p", "q", "dp", "dq", "qi", "k")) {
                assertFalse(jwk.has(secretPart), jwk.path("kid").asText() + " publishes " + secretPart);
            }
            // A verifier can use what is published: the public key equals the configured one's.
            PublicJsonWebKey published = PublicJsonWebKey.Factory.newPublicJwk(jwk.toString());
            assertEquals(key(jwk.path("kid").asText()).getPublicKey(), published.getPublicKey());
        }
        assertEquals(List.of("key-a", "key-b", "key-c"), kids.stream().sorted().toList(),
                "neither the retired key nor the HMAC secret is published");
    }

    @Test
    void theDiscoveryDocumentPointsAtTheKeySet() {
        // Built from the request's address: a shared cache must not hand one asker's document to the others.
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .header("Cache-Control", "private, max-age=300")
                .body("issuer", equalTo(ISSUER))
                .body("jwks_uri", equalTo("http://localhost:" + RestAssured.port
                        + "/.well-known/jwks.json"))
                .body("id_token_signing_alg_values_supported[0]", equalTo("ES256"))
                .body("id_token_signing_alg_values_supported", hasItems("ES256", "RS256", "EdDSA"));
        given().header("X-Forwarded-Prefix", "/.netlify/identity").header("X-Forwarded-Host", "id.example.test")
                .header("X-Forwarded-Proto", "https").get("/.well-known/openid-configuration").then()
                .statusCode(200)
                .body("jwks_uri", equalTo("https://id.example.test/.netlify/identity/.well-known/jwks.json"));
    }

    /** The same signature bytes with the last character's unused bits set (an ES256 signature, 64 bytes, has 4). */
    private static String unusedBitsSet(String signature) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(signature.charAt(signature.length() - 1));
        return signature.substring(0, signature.length() - 1) + alphabet.charAt(last | 1);
    }

    /** One forged or foreign token, the audience the request names, and GoTrue's 401 message it must get. */
    record Attack(String name, String token, String audience, String msg) {
    }

    @Test
    void everyForgedOrForeignTokenIsRefusedWithGoTruesUnauthorized() {
        UUID user = UUID.randomUUID();
        Instant now = Instant.now();
        Map<String, Object> good = claims(user, now.plusSeconds(600));
        PublicJsonWebKey a = key("key-a");
        PublicJsonWebKey attacker = TestKeys.es256("key-a", SIGN);
        String valid = TestKeys.sign(a, good);
        String[] parts = valid.split("\\.");

        List<Attack> attacks = List.of(
                new Attack("alg none", unsigned(Map.of("alg", "none", "kid", "key-a"), good), null,
                        "Invalid token: signing method is not allowed"),
                new Attack("HS512", TestKeys.sign(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)), "HS512",
                        Map.of("kid", "nf-ident"), good), null, "Invalid token: signing method is not allowed"),
                new Attack("HS256 keyed with the public key's bytes", TestKeys.sign(
                        new HmacKey(a.getPublicKey().getEncoded()), "HS256", Map.of("kid", "key-a"), good), null,
                        "Invalid token: signing method does not match the key"),
                new Attack("HS256 keyed with the published JWK's text", TestKeys.sign(new HmacKey(a.toJson()
                        .getBytes(StandardCharsets.UTF_8)), "HS256", Map.of(), good), null,
                        "Invalid token: signature is invalid"),
                new Attack("unknown kid", TestKeys.sign(TestKeys.es256("key-x", SIGN), good), null,
                        "Invalid token: the token's key is unknown or retired"),
                new Attack("retired key", TestKeys.sign(key("key-r"), good), null,
                        "Invalid token: the token's key is unknown or retired"),
                new Attack("jku pointing elsewhere", TestKeys.sign(attacker.getPrivateKey(), "ES256", Map.of("kid",
                        "key-a", "jku", "https://attacker.example/jwks.json"), good), null,
                        "Invalid token: signature is invalid"),
                new Attack("embedded jwk", TestKeys.sign(attacker.getPrivateKey(), "ES256", Map.of("kid", "key-a",
                        "jwk", attacker.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)), good), null,
                        "Invalid token: signature is invalid"),
                new Attack("x5u pointing elsewhere", TestKeys.sign(attacker.getPrivateKey(), "ES256", Map.of(
                        "kid", "key-a", "x5u", "https://attacker.example/cert.pem"), good), null,
                        "Invalid token: signature is invalid"),
                new Attack("no kid on an asymmetric token", TestKeys.sign(a.getPrivateKey(), "ES256", Map.of(),
                        good), null, "Invalid token: the token's key is unknown or retired"),
                new Attack("expired", TestKeys.sign(a, with(good, "exp", now.minusSeconds(5).getEpochSecond())),
                        null, "Invalid token: token is expired"),
                new Attack("no exp", TestKeys.sign(a, without(good, "exp")), null,
                        "Invalid token: token has no expiry"),
                new Attack("future nbf", TestKeys.sign(a, with(good, "nbf", now.plusSeconds(600).getEpochSecond())),
                        null, "Invalid token: token is not valid yet"),
                new Attack("wrong aud", TestKeys.sign(a, with(good, "aud", "site-b")), "site-a",
                        "Token audience doesn't match request audience"),
                new Attack("wrong iss", TestKeys.sign(a, with(good, "iss", "https://elsewhere.example")), null,
                        "Invalid token: issuer is not accepted"),
                new Attack("no iss", TestKeys.sign(a, without(good, "iss")), null,
                        "Invalid token: issuer is not accepted"),
                new Attack("tampered payload", parts[0] + "." + encode(with(good, "email", "admin@example.com"))
                        + "." + parts[2], null, "Invalid token: signature is invalid"),
                new Attack("hook signature", hookSignature(now), null, "Invalid token: token has no expiry"),
                new Attack("OAuth state", states.sign(new OAuthState("github", null, null, "http://localhost",
                        null, now.plus(Duration.ofMinutes(5)))), null, "Invalid token: signature is invalid"),
                new Attack("not a JWT", "not.a.jwt", null, "Invalid token: token is malformed"),
                // Another spelling of the same signature: anything that tells tokens apart by their text (a
                // denylist, a cache) would take it for a new one.
                new Attack("padded signature", valid + "==", null, "Invalid token: token is malformed"),
                new Attack("signature's unused bits set", parts[0] + "." + parts[1] + "." + unusedBitsSet(parts[2]),
                        null, "Invalid token: token is malformed"),
                new Attack("standard base64 alphabet", parts[0] + "." + parts[1].replace('-', '+').replace('_', '/')
                        + "+/." + parts[2], null, "Invalid token: token is malformed"));

        for (Attack attack : attacks) {
            var request = given().header("Authorization", "Bearer " + attack.token());
            if (attack.audience() != null) {
                request.header("X-JWT-AUD", attack.audience());
            }
            request.post("/logout").then().statusCode(401)
                    .header("Set-Cookie", startsWith("nf_jwt=;"))
                    .body("code", equalTo(401)).body("msg", equalTo(attack.msg()));
        }
        // The same request with a sound token of each accepted key: the table fails for its rows' reasons only.
        for (String kid : List.of("key-a", "key-b", "key-c")) {
            given().header("Authorization", "Bearer " + TestKeys.sign(key(kid), good)).post("/logout").then()
                    .statusCode(204);
        }
        given().header("Authorization", "Bearer " + TestKeys.sign(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)),
                "HS256", Map.of("kid", "nf-ident"), good)).post("/logout").then().statusCode(204);
        given().header("Authorization", "Bearer " + TestKeys.sign(a, with(good, "aud", "site-a")))
                .header("X-JWT-AUD", "site-a").post("/logout").then().statusCode(204);
    }

    static Map<String, Object> claims(UUID user, Instant exp) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", user.toString());
        claims.put("exp", exp.getEpochSecond());
        claims.put("iss", ISSUER);
        claims.put("email", "u-" + user + "@example.com");
        claims.put("app_metadata", Map.of("provider", "email"));
        claims.put("user_metadata", Map.of());
        return claims;
    }

    static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> changed = new HashMap<>(claims);
        changed.put(name, value);
        return changed;
    }

    static Map<String, Object> without(Map<String, Object> claims, String name) {
        Map<String, Object> changed = new HashMap<>(claims);
        changed.remove(name);
        return changed;
    }

    /** GoTrue's {@code x-webhook-signature} of a function call: HS256 with the JWT secret, no {@code exp}. */
    static String hookSignature(Instant now) {
        return TestKeys.sign(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)), "HS256", Map.of("typ", "JWT"),
                Map.of("iss", "gotrue", "sub", "00000000-0000-0000-0000-000000000000", "iat", now.getEpochSecond(),
                        "sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    static String unsigned(Map<String, Object> header, Map<String, Object> claims) {
        return encode(header) + "." + encode(claims) + ".";
    }

    static String encode(Map<String, Object> json) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
