package dev.tessera.user.account;

import static dev.tessera.platform.testing.TestKeys.SIGN;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.PublishedKeySetStub;
import dev.tessera.platform.testing.TestKeys;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.InternalCalls;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * user-service as a verifier outside auth-service: its own configuration holds only GoTrue's secret, and it learns
 * auth-service's ES256 keys from the published set ({@code TESSERA_JWT_KEYS_URL}, a stub here) when a token names a
 * {@code kid} it does not know, at most once per refetch floor however many such tokens arrive.
 */
@QuarkusTest
@TestProfile(LearnedKeysTest.Floor.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = PublishedKeySetStub.class, restrictToAnnotatedClass = true)
class LearnedKeysTest {

    static final Duration FLOOR = Duration.ofSeconds(6);

    public static class Floor implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tessera.jwt.keys-refetch-floor", FLOOR.toSeconds() + "s", "tessera.jwt.keys-refresh", "1h");
        }
    }

    @Test
    void anUnknownKidIsLearnedFromThePublishedSetNoMoreOftenThanTheFloorAllows() throws Exception {
        String email = "learned-" + UUID.randomUUID() + "@example.com";
        String id = given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "correct horse", "confirm", true)).post("/admin/users")
                .then().statusCode(200).extract().path("id");
        PublicJsonWebKey first = TestKeys.es256("auth-key-1", SIGN);
        PublicJsonWebKey second = TestKeys.es256("auth-key-2", SIGN);
        PublishedKeySetStub.serve(TestKeys.published(first));
        int before = PublishedKeySetStub.FETCHES.get();
        Instant start = Instant.now();

        // An ES256 token of a key this service was never configured with: fetched once, then known.
        getUser(TestKeys.sign(first, claims(id, email))).then().statusCode(200).body("email", equalTo(email));
        getUser(TestKeys.sign(first, claims(id, email))).then().statusCode(200);
        assertEquals(before + 1, PublishedKeySetStub.FETCHES.get(), "one fetch, then the key is known");

        // Invented kids within the floor cause no fetch at all.
        for (int i = 0; i < 20; i++) {
            getUser(TestKeys.sign(TestKeys.es256("invented-" + i, SIGN), claims(id, email))).then().statusCode(401)
                    .body("msg", equalTo("Invalid token: the token's key is unknown or retired"));
        }
        PublishedKeySetStub.serve(TestKeys.published(second));
        getUser(TestKeys.sign(second, claims(id, email))).then().statusCode(401);
        assertTrue(Duration.between(start, Instant.now()).compareTo(FLOOR) < 0, "the floor outlasted the test's steps");
        assertEquals(before + 1, PublishedKeySetStub.FETCHES.get(), "no fetch within the floor");

        // After the floor, the next unknown kid fetches again: the new key is learned, and the one no longer
        // published is forgotten.
        Thread.sleep(FLOOR.toMillis() - Duration.between(start, Instant.now()).toMillis() + 1500);
        getUser(TestKeys.sign(second, claims(id, email))).then().statusCode(200);
        assertEquals(before + 2, PublishedKeySetStub.FETCHES.get());
        getUser(TestKeys.sign(first, claims(id, email))).then().statusCode(401)
                .body("msg", equalTo("Invalid token: the token's key is unknown or retired"));

        // GoTrue's HS256 tokens with the configured secret need nothing fetched.
        getUser(TestTokens.sign(InternalCalls.SECRET, id, email)).then().statusCode(200);
        assertEquals(before + 2, PublishedKeySetStub.FETCHES.get());
    }

    static Response getUser(String token) {
        return given().header("Authorization", "Bearer " + token).get("/user");
    }

    static Map<String, Object> claims(String id, String email) {
        return Map.of("sub", id, "email", email, "exp", Instant.now().plusSeconds(600).getEpochSecond(),
                "app_metadata", Map.of(), "user_metadata", Map.of());
    }
}
