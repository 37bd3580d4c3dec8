package dev.tessera.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.auth.session.ExpiredTokenSweep;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.platform.token.OpaqueToken;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class TokenTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    @InjectTestStack
    TestStack stack;

    @Inject
    ExpiredTokenSweep sweep;

    /** Each test is its own client for the rate limits (named by the trusted proxy 127.0.0.1; RateLimitTest). */
    @org.junit.jupiter.api.BeforeEach
    void ownRateLimitKey() {
        io.restassured.RestAssured.requestSpecification = new io.restassured.builder.RequestSpecBuilder()
                .addHeader(TestClients.FORWARDED_FOR, TestClients.address()).build();
    }

    @org.junit.jupiter.api.AfterEach
    void sharedSpecification() {
        io.restassured.RestAssured.requestSpecification = null;
    }

    static Map<String, Object> identity(UUID id, String email) {
        return Map.of("id", id.toString(), "aud", "", "email", email, "role", "", "confirmed", true,
                "app_metadata", Map.of("provider", "email"), "user_metadata", Map.of("full_name", "Ada"));
    }

    static String knownUser(UUID id) {
        String email = "u-" + id + "@example.com";
        UserServiceStub.AUTHENTICATE.put(email, new Object[] { 200, identity(id, email) });
        UserServiceStub.USERS.put(id.toString(), new Object[] { 200, identity(id, email) });
        return email;
    }

    static Response passwordGrant(String email) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password").formParam("username", email).formParam("password", "pw")
                .post("/token");
    }

    @Test
    void passwordGrantAnswersGoTrueTokenBodyAndAJwtOfTheReferenceShape() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        Response response = passwordGrant(email);
        response.then().statusCode(200)
                .body("token_type", equalTo("bearer"))
                .body("expires_in", equalTo(3600))
                .body("refresh_token", notNullValue())
                .body("$", not(hasKey("expires_at")))
                .body("$", not(hasKey("user")));
        String jwt = response.path("access_token");

        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
        assertEquals("HS256", header.get("alg").asText());
        assertEquals("JWT", header.get("typ").asText());
        assertEquals("nf-ident", header.get("kid").asText());

        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "HS256")
                .setRequireExpirationTime().setRelaxVerificationKeyValidation().build();
        JwtClaims claims = consumer.processToClaims(jwt);
        assertEquals(id.toString(), claims.getSubject());
        assertEquals(email, claims.getStringClaimValue("email"));
        assertEquals(Map.of("provider", "email"), claims.getClaimValue("app_metadata"));
        assertEquals(Map.of("full_name", "Ada"), claims.getClaimValue("user_metadata"));
        long exp = claims.getExpirationTime().getValue();
        assertTrue(Math.abs(exp - Instant.now().plusSeconds(3600).getEpochSecond()) < 30);
        for (String absent : List.of("aud", "iat", "iss", "jti", "nbf", "role")) {
            assertFalse(claims.hasClaim(absent), absent + " must not be in the token");
        }
        assertTrue(UserServiceStub.lastAuthorization.startsWith("Bearer "), "service credential presented");

        String refresh = response.path("refresh_token");
        try (Connection c = stack.jdbc();
                PreparedStatement s = c.prepareStatement("select token_hash from auth.refresh_tokens where user_id = ?")) {
            s.setObject(1, id);
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next());
            assertEquals(64, rs.getString(1).length());
            assertFalse(rs.getString(1).contains(refresh), "only the hash is stored");
        }

        List<ConsumerRecord<String, String>> events = stack.awaitRecords(Topic.EVENTS,
                seen -> seen.stream().anyMatch(r -> r.key().equals(id.toString())), Duration.ofSeconds(30));
        String event = events.stream().filter(r -> r.key().equals(id.toString())).findFirst().orElseThrow().value();
        JsonNode login = JSON.readTree(event);
        assertEquals("dev.tessera.session.login.v1", login.get("type").asText());
        assertEquals(id.toString(), login.at("/data/user_id").asText());
        assertFalse(event.contains(refresh), "no refresh token on the public topic");
        assertFalse(event.contains(jwt), "no access token on the public topic");
    }

    @Test
    void userServiceErrorsPassThroughInTheOAuthShape() {
        String email = "unconfirmed-" + UUID.randomUUID() + "@example.com";
        UserServiceStub.AUTHENTICATE.put(email, new Object[] { 400,
                Map.of("error", "invalid_grant", "error_description", "Email not confirmed") });
        passwordGrant(email).then().statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Email not confirmed"));
    }

    @Test
    void unknownOrMissingGrantTypesAreRefused() {
        given().contentType(ContentType.URLENC).formParam("grant_type", "client_credentials").post("/token")
                .then().statusCode(400).body("error", equalTo("unsupported_grant_type"))
                .body("$", not(hasKey("error_description")));
        given().contentType(ContentType.JSON).body(Map.of("grant_type", "password")).post("/token")
                .then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        given().post("/token").then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        given().contentType(ContentType.URLENC).formParam("grant_type", "refresh_token").post("/token")
                .then().statusCode(400).body("error", equalTo("invalid_request"))
                .body("error_description", equalTo("refresh_token required"));
    }

    @Test
    void refreshRotatesAndTheOldTokenStopsWorking() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String first = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        String second = refreshGrant(first)
                .then().statusCode(200).body("access_token", notNullValue()).extract().path("refresh_token");
        assertFalse(first.equals(second));
        assertEquals(1, tokenRows(id), "the rotated token is deleted");
        refreshGrant(first)
                .then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Invalid Refresh Token"));
        refreshGrant("never-issued")
                .then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));

        UserServiceStub.USERS.remove(id.toString());
        refreshGrant(second)
                .then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        awaitEvent(id, "dev.tessera.session.refreshed.v1");
    }

    @Test
    void aRefreshTokenOlderThanItsLifetimeIsRefusedAndNothingIsIssued() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String token = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "update auth.refresh_tokens set created_at = now() - interval '31 days' where user_id = ?")) {
            s.setObject(1, id);
            assertEquals(1, s.executeUpdate());
        }
        refreshGrant(token)
                .then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Refresh token expired"));
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select count(*), count(*) filter (where revoked) from auth.refresh_tokens where user_id = ?")) {
            s.setObject(1, id);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                assertEquals(1, rows.getInt(1), "no successor was stored");
                assertEquals(0, rows.getInt(2), "the expired token was not revoked either");
            }
        }
    }

    @Test
    void concurrentRefreshesWithOneTokenRotateItOnce() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String token = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        int racers = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < racers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return refreshGrant(token).statusCode();
                }));
            }
            start.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Integer> answer : answers) {
                statuses.add(answer.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(racers - 1, statuses.stream().filter(s -> s == 400).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, tokenRows(id), "the presented token is gone; its one successor stays");
    }

    @Test
    void theSweepDeletesTokensPastLifetimeAndRetentionOnly() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String longGone = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        String justExpired = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        String live = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        issuedAgo(longGone, "32 days");
        issuedAgo(justExpired, "30 days 12 hours");
        issuedAgo(live, "29 days");

        assertTrue(sweep.sweep(Instant.now()).await().atMost(Duration.ofSeconds(30)) >= 1);

        assertEquals(2, tokenRows(id), "only the token past 30 days plus a day of retention was deleted");
        refreshGrant(longGone).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        refreshGrant(justExpired).then().statusCode(400).body("error_description", equalTo("Refresh token expired"));
        refreshGrant(live).then().statusCode(200);
        assertEquals(2, tokenRows(id), "the live token was rotated");
    }

    private Response refreshGrant(String token) {
        return given().contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", token).post("/token");
    }

    private void issuedAgo(String token, String age) throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "update auth.refresh_tokens set created_at = now() - ?::interval where token_hash = ?")) {
            s.setString(1, age);
            s.setString(2, OpaqueToken.hashOf(token));
            assertEquals(1, s.executeUpdate());
        }
    }

    private int tokenRows(UUID userId) throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select count(*) from auth.refresh_tokens where user_id = ?")) {
            s.setObject(1, userId);
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** The test profile sets {@code tessera.outbox.vacuum-after} to 20 rows. */
    @Test
    void theOutboxRelayVacuumsTheTableItHasEmptied() throws Exception {
        long before = outboxVacuums();
        UUID id = UUID.randomUUID();
        String token = passwordGrant(knownUser(id)).then().statusCode(200).extract().path("refresh_token");
        for (int i = 0; i < 25; i++) {
            token = refreshGrant(token)
                    .then().statusCode(200).extract().path("refresh_token");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (outboxVacuums() == before && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(outboxVacuums() > before, "the relay vacuumed auth.outbox after relaying 26 events");
        awaitEvent(id, "dev.tessera.session.refreshed.v1");
    }

    /** Manual vacuums only: autovacuum, where the server runs it, counts apart. */
    private long outboxVacuums() throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select vacuum_count from pg_stat_user_tables where schemaname = 'auth' and relname = 'outbox'");
                ResultSet rows = s.executeQuery()) {
            assertTrue(rows.next());
            return rows.getLong(1);
        }
    }

    @Test
    void verifyIssuesTokensAndPassesErrorsOn() {
        UUID id = UUID.randomUUID();
        UserServiceStub.VERIFY.put("good-token", new Object[] { 200, identity(id, "v@example.com") });
        given().contentType(ContentType.JSON).body(Map.of("type", "signup", "token", "good-token")).post("/verify")
                .then().statusCode(200).body("token_type", equalTo("bearer")).body("access_token", notNullValue());
        given().contentType(ContentType.JSON).body(Map.of("type", "signup", "token", "unknown")).post("/verify")
                .then().statusCode(404).body("code", equalTo(404)).body("msg", equalTo("User not found"));
        given().contentType(ContentType.JSON).body("{oops").post("/verify")
                .then().statusCode(400).body("msg", startsWith("Could not read Verify params"));
        given().contentType(ContentType.TEXT).body("").post("/verify")
                .then().statusCode(400).body("code", equalTo(400));
    }

    @Test
    void xUseCookieSetsTheNfJwtCookie() {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        given().contentType(ContentType.URLENC).header("X-Use-Cookie", "1")
                .formParam("grant_type", "password").formParam("username", email).formParam("password", "pw")
                .post("/token").then().statusCode(200)
                .header("Set-Cookie", startsWith("nf_jwt=ey"))
                .header("Set-Cookie", containsString("Max-Age=86400"))
                .header("Set-Cookie", containsString("HttpOnly"));
        given().contentType(ContentType.URLENC).header("X-Use-Cookie", "session")
                .formParam("grant_type", "password").formParam("username", email).formParam("password", "pw")
                .post("/token").then().statusCode(200)
                .header("Set-Cookie", not(containsString("Max-Age")));
    }

    @Test
    void logoutRevokesEveryRefreshTokenOfTheUser() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String refresh = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        passwordGrant(email).then().statusCode(200);
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, id.toString(), email)).post("/logout")
                .then().statusCode(204).header("Set-Cookie", startsWith("nf_jwt=;"));
        assertEquals(0, tokenRows(id), "every token of the user is deleted");
        refreshGrant(refresh).then().statusCode(400);
        awaitEvent(id, "dev.tessera.session.logout.v1");

        given().post("/logout").then().statusCode(401)
                .body("msg", equalTo("This endpoint requires a Bearer token"));
        given().header("Authorization", "Bearer " + TestTokens.sign("another-secret-another-secret-0123", id.toString(), email))
                .post("/logout").then().statusCode(401).body("msg", startsWith("Invalid token"));
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, id.toString(), email,
                Instant.now().minusSeconds(60), Map.of())).post("/logout")
                .then().statusCode(401).body("msg", equalTo("Invalid token: token is expired"));
    }

    @Test
    void authenticationFailuresClearTheCookie() {
        given().post("/logout").then().statusCode(401).header("Set-Cookie", startsWith("nf_jwt=;"));
        refreshGrant("unknown")
                .then().statusCode(400).header("Set-Cookie", startsWith("nf_jwt=;"));
        UserServiceStub.AUTHENTICATE.put("wrong@example.com", new Object[] { 400,
                Map.of("error", "invalid_grant", "error_description", "No user found with that email, or password invalid.") });
        given().contentType(ContentType.URLENC).formParam("grant_type", "password").formParam("username", "wrong@example.com")
                .formParam("password", "x").post("/token")
                .then().statusCode(400).header("Set-Cookie", nullValue());
    }

    @Test
    void corsAndBodyLimitsAnswerAsGoTrueClientsNeed() {
        given().header("Origin", "https://site.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-use-cookie,x-nf-client")
                .options("/token").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "https://site.example")
                .header("Access-Control-Allow-Credentials", "true");
        given().contentType(ContentType.URLENC).body("grant_type=password&password=" + "x".repeat(70_000))
                .post("/token").then().statusCode(413).body("code", equalTo(413));
    }

    @Test
    void settingsAndHealthAnswerGoTrueShapes() {
        given().get("/settings").then().statusCode(200)
                .body("external.email", equalTo(true))
                .body("external.google", equalTo(false))
                .body("external.saml", equalTo(false))
                .body("external_labels", equalTo(Map.of()))
                .body("disable_signup", equalTo(false))
                .body("autoconfirm", equalTo(false));
        given().get("/health").then().statusCode(200).body("name", equalTo("GoTrue"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    /** Waits for one event of a type about a user; awaitRecords also checks it against docs/asyncapi.yaml. */
    private void awaitEvent(UUID userId, String type) {
        stack.awaitRecords(Topic.EVENTS, seen -> seen.stream().anyMatch(r -> r.key().equals(userId.toString())
                && r.value().contains("\"type\":\"" + type + "\"")), Duration.ofSeconds(30));
    }
}
