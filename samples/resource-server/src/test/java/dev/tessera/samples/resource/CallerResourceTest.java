package dev.tessera.samples.resource;

import static dev.tessera.samples.resource.PublishedKeys.A;
import static dev.tessera.samples.resource.PublishedKeys.B;
import static dev.tessera.samples.resource.PublishedKeys.C;
import static dev.tessera.samples.resource.PublishedKeys.sign;
import static dev.tessera.samples.resource.PublishedKeys.userClaims;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.json.JsonUtil;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.TestKeys;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The service as its callers see it: Tessera's ES256 tokens under the published keys are accepted, every other
 * token is 401 (and a user lacking the role gets 403).
 */
@QuarkusTest
@WithTestResource(PublishedKeys.class)
class CallerResourceTest {

    private static final Instant LATER = Instant.now().plusSeconds(3600);

    @Test
    void aUsersTokenFromTheSigningKeyNamesTheCaller() {
        UUID user = UUID.randomUUID();
        given().auth().oauth2(sign(userClaims(user, LATER), "key-a", A))
                .when().get("/caller")
                .then().statusCode(200)
                .body("id", equalTo(user.toString()))
                .body("email", equalTo("ada@example.com"))
                .body("roles", empty());
    }

    @Test
    void theStandbyKeyIsAcceptedOnceItSigns() {
        given().auth().oauth2(sign(userClaims(UUID.randomUUID(), LATER), "key-b", B))
                .when().get("/caller")
                .then().statusCode(200);
    }

    @Test
    void rolesComeFromAppMetadata() {
        Map<String, Object> claims = userClaims(UUID.randomUUID(), LATER);
        claims.put("app_metadata", Map.of("provider", "email", "roles", List.of("admin")));
        given().auth().oauth2(sign(claims, "key-a", A)).when().get("/caller/admin")
                .then().statusCode(200).body("roles", contains("admin"));
        given().auth().oauth2(sign(userClaims(UUID.randomUUID(), LATER), "key-a", A))
                .when().get("/caller/admin")
                .then().statusCode(403);
    }

    @Test
    void refusesTamperedExpiredAndMisaddressedTokens() {
        Map<String, Object> claims = userClaims(UUID.randomUUID(), LATER);
        String[] parts = sign(claims, "key-a", A).split("\\.");
        Map<String, Object> admin = new LinkedHashMap<>(claims);
        admin.put("app_metadata", Map.of("provider", "email", "roles", List.of("admin")));

        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("tampered payload", parts[0] + "." + base64(JsonUtil.toJson(admin)) + "." + parts[2]);
        refused.put("expired", sign(userClaims(UUID.randomUUID(), Instant.now().minusSeconds(60)), "key-a", A));
        refused.put("wrong audience", sign(with(claims, "aud", "billing"), "key-a", A));
        refused.put("no audience", sign(with(claims, "aud", null), "key-a", A));
        refused.put("wrong issuer", sign(with(claims, "iss", "https://elsewhere.example.com"), "key-a", A));
        refused.put("an unpublished key", sign(claims, "key-c", C));
        refused.put("a published kid on another key", sign(claims, "key-a", C));
        refused.put("alg none", base64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"key-a\"}") + "."
                + parts[1] + ".");
        refused.put("HS256 keyed with the public key", TestKeys.sign(new HmacKey(A.getPublicKey().getEncoded()),
                "HS256", Map.of("kid", "key-a", "typ", "JWT"), claims));
        refused.put("not a JWT", "nonsense");
        refused.forEach((what, token) -> given().auth().oauth2(token)
                .when().get("/caller")
                .then().log().ifValidationFails().statusCode(401));
        given().when().get("/caller").then().statusCode(401);
    }

    private static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(claims);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return changed;
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
