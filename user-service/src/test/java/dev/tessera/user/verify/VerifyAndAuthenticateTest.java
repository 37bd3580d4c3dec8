package dev.tessera.user.verify;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.InternalCalls;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The internal API auth-service relies on (redeeming one-time tokens, checking passwords), and GET /user, against
 * the real database and broker. Tokens are taken from the mail requests on the internal topic, as mail-service
 * would.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
public class VerifyAndAuthenticateTest {

    public static final String SECRET = InternalCalls.SECRET;
    public static final ObjectMapper JSON = new ObjectMapper();

    @InjectTestStack
    TestStack stack;

    public static RequestSpecification internal() {
        return InternalCalls.internal();
    }

    String signup(String email, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password))
                .post("/signup").then().statusCode(200).extract().path("id");
    }

    String confirmationToken(String userId) throws Exception {
        return InternalCalls.newestMailToken(stack, userId);
    }

    @Test
    void internalRoutesRequireTheServiceCredential() {
        given().contentType(ContentType.JSON).body(Map.of("email", "a@b.c", "password", "x"))
                .post("/internal/authenticate").then().statusCode(401).body("code", equalTo(401));
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON)
                .body(Map.of("type", "signup", "token", "x")).post("/internal/verify").then().statusCode(401);
    }

    @Test
    void confirmationTokenConfirmsOnceThenPasswordLoginWorks() throws Exception {
        String email = "verify-" + UUID.randomUUID() + "@example.com";
        String id = signup(email, "s3cret-pass");

        internal().body(Map.of("email", email, "password", "s3cret-pass", "aud", "")).post("/internal/authenticate")
                .then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Email not confirmed"));
        internal().body(Map.of("email", email, "password", "a-wrong-guess", "aud", "")).post("/internal/authenticate")
                .then().statusCode(400).body("error_description", equalTo("No user found with that email, or password invalid."));

        String token = confirmationToken(id);
        internal().body(Map.of("type", "signup", "token", token)).post("/internal/verify")
                .then().statusCode(200).body("id", equalTo(id)).body("confirmed", equalTo(true))
                .body("email", equalTo(email)).body("app_metadata.provider", equalTo("email"));
        internal().body(Map.of("type", "signup", "token", token)).post("/internal/verify")
                .then().statusCode(404).body("msg", equalTo("User not found"));

        internal().body(Map.of("email", email.toUpperCase(), "password", "s3cret-pass", "aud", ""))
                .post("/internal/authenticate").then().statusCode(200).body("id", equalTo(id));
        internal().body(Map.of("email", email, "password", "wrong", "aud", "")).post("/internal/authenticate")
                .then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("No user found with that email, or password invalid."));
        internal().body(Map.of("email", "nobody-" + UUID.randomUUID() + "@example.com", "password", "x", "aud", ""))
                .post("/internal/authenticate").then().statusCode(400)
                .body("error_description", equalTo("No user found with that email, or password invalid."));

        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select confirmed_at, confirmation_token_hash from users.users where id = ?")) {
            s.setObject(1, UUID.fromString(id));
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next());
            assertTrue(rs.getTimestamp(1) != null);
            assertNull(rs.getString(2), "a used token is cleared");
        }

        var events = stack.awaitRecords(Topic.EVENTS, seen -> seen.stream()
                .filter(r -> r.key().equals(id)).count() >= 2, Duration.ofSeconds(30));
        List<String> types = events.stream().filter(r -> r.key().equals(id))
                .map(r -> read(r.value()).get("type").asText()).toList();
        assertEquals(List.of("dev.tessera.user.signup.v1", "dev.tessera.user.confirmed.v1"), types);
        assertFalse(events.stream().anyMatch(r -> r.value().contains(token)), "no one-time token on the public topic");
    }

    @Test
    void expiredAndMalformedVerificationsAreRefused() throws Exception {
        String email = "expired-" + UUID.randomUUID() + "@example.com";
        String id = signup(email, "verify password");
        String token = confirmationToken(id);
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "update users.users set confirmation_sent_at = ? where id = ?")) {
            s.setTimestamp(1, Timestamp.from(Instant.now().minus(Duration.ofHours(25))));
            s.setObject(2, UUID.fromString(id));
            s.executeUpdate();
        }
        internal().body(Map.of("type", "signup", "token", token)).post("/internal/verify")
                .then().statusCode(422).body("msg", equalTo("Confirmation token expired"));
        internal().body(Map.of("type", "signup", "token", "  ")).post("/internal/verify")
                .then().statusCode(422).body("msg", equalTo("Verify requires a token"));
        internal().body(Map.of("type", "magiclink", "token", token)).post("/internal/verify")
                .then().statusCode(422).body("msg", equalTo("Verify requires a verification type"));
        internal().body(Map.of("type", "recovery", "token", token)).post("/internal/verify")
                .then().statusCode(404);
    }

    @Test
    void getUserAnswersTheCallersUserObject() throws Exception {
        String email = "me-" + UUID.randomUUID() + "@example.com";
        String id = signup(email, "verify password");
        String jwt = TestTokens.sign(SECRET, id, email);
        given().header("Authorization", "Bearer " + jwt).get("/user").then().statusCode(200)
                .body("id", equalTo(id)).body("email", equalTo(email)).body("aud", equalTo(""))
                .body("confirmation_sent_at", notNullValue()).body("user_metadata", equalTo(null));

        given().get("/user").then().statusCode(401).body("msg", equalTo("This endpoint requires a Bearer token"));
        given().header("Authorization", "Bearer not.a.jwt").get("/user").then().statusCode(401)
                .body("msg", startsWith("Invalid token"));
        given().header("Authorization", "Bearer " + TestTokens.sign("forged-forged-forged-forged-forged", id, email))
                .get("/user").then().statusCode(401).body("msg", equalTo("Invalid token: signature is invalid"));
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, id, email, Instant.now().minusSeconds(5), Map.of()))
                .get("/user").then().statusCode(401).body("msg", equalTo("Invalid token: token is expired"));
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, "not-a-uuid", email))
                .get("/user").then().statusCode(400).body("msg", equalTo("Could not read User ID claim"));
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, "1-2-3-4-5", email))
                .get("/user").then().statusCode(400).body("msg", equalTo("Could not read User ID claim"));
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, UUID.randomUUID().toString(), email))
                .get("/user").then().statusCode(404).body("msg", equalTo("User not found"));
        // GoTrue's message; 401 rather than GoTrue's 400, as every other token the verifier refuses (compatibility.md).
        given().header("Authorization", "Bearer " + jwt).header("X-JWT-AUD", "other")
                .get("/user").then().statusCode(401).body("msg", equalTo("Token audience doesn't match request audience"));
    }

    public static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
