package dev.tessera.auth.token;

import static dev.tessera.auth.testing.Grants.assertRows;
import static dev.tessera.auth.testing.Grants.knownUser;
import static dev.tessera.auth.testing.Grants.passwordGrant;
import static dev.tessera.auth.testing.Grants.refreshGrant;
import static dev.tessera.auth.testing.Grants.sessionOf;
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

import java.net.URL;
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
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.auth.session.SessionSweep;
import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.OwnRateLimitKey;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.InternalApiStub;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.platform.token.OpaqueToken;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.builder.MultiPartSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@ExtendWith(OwnRateLimitKey.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
public class TokenTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    @InjectTestStack
    TestStack stack;

    @Inject
    SessionSweep sweep;

    /** Readiness is on the management port, which the ingress never routes. */
    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    public static Map<String, Object> identity(UUID id, String email) {
        return Grants.identity(id, email, 0, null);
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
        String session = claims.getStringClaimValue("session_id");
        assertEquals(1, Grants.count(stack, "sessions", "id = ?::uuid and epoch = 0 and user_id = '" + id + "'", session),
                "the session_id claim names the session the sign-in started");
        assertEquals(0L, claims.getClaimValue("session_epoch", Long.class),
                "session_epoch is the user's session epoch the session started under");
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
        assertEquals(session, login.at("/data/session_id").asText());
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
    void aMultipartFormIsReadAsGoTrueReadsIt() {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        given().multiPart("grant_type", "password").multiPart("username", email)
                .multiPart(new MultiPartSpecBuilder("pâss wörd; \"quoted\"\r\n").controlName("password")
                        .charset(StandardCharsets.UTF_8).build())
                .post("/token").then().statusCode(200).body("token_type", equalTo("bearer"))
                .body("access_token", notNullValue());
        assertEquals(email, UserServiceStub.lastCall.body().path("email").asText());
        assertEquals("pâss wörd; \"quoted\"\r\n", UserServiceStub.lastCall.body().path("password").asText(),
                "the part's bytes, up to the delimiter's own line break, are the password");

        // A file part is not a form value (Go's FormValue reads only text parts), so no grant type was sent.
        given().multiPart("grant_type", "grant.txt", "password".getBytes(StandardCharsets.UTF_8))
                .multiPart("username", email).multiPart("password", "pw")
                .post("/token").then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        // A body cut off before its closing delimiter gives no values at all.
        byte[] cut = ("--cut\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\npassword\r\n--cut\r\n"
                + "Content-Disposition: form-data; name=\"username\"").getBytes(StandardCharsets.UTF_8);
        given().contentType("multipart/form-data; boundary=cut").body(cut).post("/token")
                .then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        // Nor may a multipart body carry a credential in the URL.
        given().multiPart("grant_type", "password").multiPart("username", email).queryParam("password", "pw")
                .post("/token").then().statusCode(400).body("error", equalTo("invalid_request"));
    }

    /**
     * Changed on purpose with reuse detection: a rotated-out token used to be refused at once; within the reuse
     * interval it is now answered with the session's current tokens.
     */
    @Test
    void refreshRotatesAndARotatedOutTokenIsAnsweredWithTheCurrentTokensWithinTheReuseInterval() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        Response login = passwordGrant(email).then().statusCode(200).extract().response();
        String first = login.path("refresh_token");
        String session = sessionOf(login.path("access_token"));
        Response rotated = refreshGrant(first).then().statusCode(200).extract().response();
        String second = rotated.path("refresh_token");
        assertFalse(first.equals(second));
        assertEquals(session, sessionOf(rotated.path("access_token")), "the session goes on");
        assertRows(stack, id, 1, 2, 1, "the rotated-out token stays, with its rotation");

        Response again = refreshGrant(first).then().statusCode(200).extract().response();
        assertEquals(second, again.path("refresh_token"), "the current refresh token, not a new one");
        assertEquals(session, sessionOf(again.path("access_token")));
        assertRows(stack, id, 1, 2, 1, "answering with the current tokens writes nothing");
        String third = refreshGrant(second).then().statusCode(200).extract().path("refresh_token");
        assertEquals(third, refreshGrant(first).then().statusCode(200).extract().path("refresh_token"),
                "the chain is followed to the live token");

        refreshGrant("never-issued")
                .then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Invalid Refresh Token"));
        Grants.awaitEvent(stack, id, "dev.tessera.session.refreshed.v1");
    }

    @Test
    void aRotatedOutTokenPresentedAfterTheReuseIntervalRevokesTheWholeSession() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String other = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        Response login = passwordGrant(email).then().statusCode(200).extract().response();
        String stolen = login.path("refresh_token");
        String session = sessionOf(login.path("access_token"));
        String second = refreshGrant(stolen).then().statusCode(200).extract().path("refresh_token");
        String newest = refreshGrant(second).then().statusCode(200).extract().path("refresh_token");
        assertEquals(1, Grants.backdate(stack, "refresh_token_rotations", "rotated_at", "11 seconds",
                "token_id = (select id from auth.refresh_tokens where token_hash = ?)", OpaqueToken.hashOf(stolen)));

        refreshGrant(stolen).then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Invalid Refresh Token"))
                .header("Set-Cookie", startsWith("nf_jwt=;"));
        refreshGrant(newest).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        refreshGrant(second).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        assertEquals(0, Grants.count(stack, "sessions", "id = ?::uuid", session), "the session is gone");
        assertRows(stack, id, 1, 1, 0, "the revoked session's tokens and rotations are gone; the other session stays");
        refreshGrant(other).then().statusCode(200);

        JsonNode revoked = JSON.readTree(Grants.awaitEvent(stack, id, "dev.tessera.session.revoked.v1"));
        assertEquals(session, revoked.at("/data/session_id").asText());
        assertEquals("refresh_token_reused", revoked.at("/data/reason").asText());

        // user-service is told, so the session's access tokens (the thief's and the owner's) stop working on /user.
        JsonNode userSide = endSessionsCall(id);
        assertEquals("local", userSide.path("scope").asText(), userSide.toString());
        assertEquals(session, userSide.path("caller_session_id").asText());
    }

    @Test
    void aSessionUserServiceNoLongerAllowsEndsAtItsNextRefresh() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id, 2);
        Response kept = passwordGrant(email).then().statusCode(200).extract().response();
        Response ended = passwordGrant(email).then().statusCode(200).extract().response();
        String keptSession = sessionOf(kept.path("access_token"));
        assertEquals(1, Grants.count(stack, "sessions", "id = ?::uuid and epoch = 2", keptSession),
                "the session records the epoch user-service answered at sign-in");
        String keptToken = refreshGrant(kept.path("refresh_token")).then().statusCode(200).extract().path("refresh_token");

        // user-service raised the epoch (say, a password change in the first session) and spared that session.
        UserServiceStub.USERS.put(id.toString(), new Object[] { 200,
                Grants.identity(id, email, 3, UUID.fromString(keptSession)) });
        refreshGrant(ended.path("refresh_token")).then().statusCode(400)
                .body("error", equalTo("invalid_grant")).body("error_description", equalTo("Invalid Refresh Token"));
        assertEquals(0, Grants.count(stack, "sessions", "id = ?::uuid", sessionOf(ended.path("access_token"))),
                "the refused session is deleted");
        Response refreshed = refreshGrant(keptToken).then().statusCode(200).extract().response();
        keptToken = refreshed.path("refresh_token");
        assertEquals(2, Grants.claims(refreshed.path("access_token")).path("session_epoch").asLong(-1),
                "a refreshed token carries the epoch its session started under, which user-service checks");

        UserServiceStub.USERS.put(id.toString(), new Object[] { 200, Grants.identity(id, email, 4, null) });
        refreshGrant(keptToken).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        assertRows(stack, id, 0, 0, 0, "every session of the user has ended");

        passwordGrant(email).then().statusCode(200);
        UserServiceStub.USERS.remove(id.toString());
        String orphan = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        refreshGrant(orphan).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        assertEquals(1, Grants.rows(stack, id).get(0), "a refresh for a user who no longer exists deletes its session");
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
        assertRows(stack, id, 1, 1, 0, "nor rotated out");
    }

    /**
     * Changed on purpose with the reuse interval: of 8 concurrent refreshes with one token, one used to succeed; now
     * all do, and all end up with the same refresh token (StrictReuseTest covers an interval of 0).
     */
    @Test
    void concurrentRefreshesWithOneTokenAllGetTheSameNewToken() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String token = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        List<Response> answers = Grants.race(token, 8);
        java.util.Set<String> issued = new java.util.HashSet<>();
        for (Response answer : answers) {
            assertEquals(200, answer.statusCode(), answer.asString());
            issued.add(answer.path("refresh_token"));
        }
        assertEquals(1, issued.size(), "every racer holds the same refresh token: " + issued);
        assertRows(stack, id, 1, 2, 1, "one rotation: the presented token and its one successor");
        refreshGrant(issued.iterator().next()).then().statusCode(200);
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

        assertTrue(sweep.sweep(Instant.now()).await().atMost(Duration.ofSeconds(30)).expired() >= 1);

        assertRows(stack, id, 2, 2, 0, "only the token past 30 days plus a day of retention was deleted, with its session");
        refreshGrant(longGone).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        refreshGrant(justExpired).then().statusCode(400).body("error_description", equalTo("Refresh token expired"));
        refreshGrant(live).then().statusCode(200);
        assertRows(stack, id, 2, 3, 1, "the live token was rotated");
    }

    @Test
    void theSweepDeletesRotatedOutTokensADayAfterTheirRotation() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String first = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        String second = refreshGrant(first).then().statusCode(200).extract().path("refresh_token");
        String third = refreshGrant(second).then().statusCode(200).extract().path("refresh_token");
        String rotatedLongAgo = "token_id = (select id from auth.refresh_tokens where token_hash = ?)";
        assertEquals(1, Grants.backdate(stack, "refresh_token_rotations", "rotated_at", "25 hours", rotatedLongAgo,
                OpaqueToken.hashOf(first)));
        assertEquals(1, Grants.backdate(stack, "refresh_token_rotations", "rotated_at", "23 hours", rotatedLongAgo,
                OpaqueToken.hashOf(second)));

        assertTrue(sweep.sweep(Instant.now()).await().atMost(Duration.ofSeconds(30)).rotated() >= 1);

        assertRows(stack, id, 1, 2, 1, "the token rotated out more than a day ago is gone, with its rotation");
        refreshGrant(first).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        refreshGrant(third).then().statusCode(200);
        assertEquals(1, Grants.rows(stack, id).get(0), "a token no longer recognised revokes nothing");
    }

    private void issuedAgo(String token, String age) throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "update auth.refresh_tokens set created_at = now() - ?::interval where token_hash = ?")) {
            s.setString(1, age);
            s.setString(2, OpaqueToken.hashOf(token));
            assertEquals(1, s.executeUpdate());
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
        Grants.awaitEvent(stack, id, "dev.tessera.session.refreshed.v1");
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
        assertRows(stack, id, 0, 0, 0, "every session of the user is deleted, with its tokens");
        JsonNode userSide = endSessionsCall(id);
        assertEquals("global", userSide.path("scope").asText(), "user-service ends every session: " + userSide);
        refreshGrant(refresh).then().statusCode(400);
        JsonNode logout = JSON.readTree(Grants.awaitEvent(stack, id, "dev.tessera.session.logout.v1"));
        assertEquals("global", logout.at("/data/scope").asText());

        given().post("/logout").then().statusCode(401)
                .body("msg", equalTo("This endpoint requires a Bearer token"));
        given().header("Authorization", "Bearer " + TestTokens.sign("another-secret-another-secret-0123", id.toString(), email))
                .post("/logout").then().statusCode(401).body("msg", startsWith("Invalid token"));
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, id.toString(), email,
                Instant.now().minusSeconds(60), Map.of())).post("/logout")
                .then().statusCode(401).body("msg", equalTo("Invalid token: token is expired"));
    }

    /** The body of the last end-sessions call auth-service made to user-service for this user. */
    private static JsonNode endSessionsCall(UUID id) {
        String path = "/internal/users/" + id + "/end-sessions";
        List<InternalApiStub.Call> calls = UserServiceStub.END_SESSIONS_CALLS.stream()
                .filter(call -> call.path().equals(path)).toList();
        assertFalse(calls.isEmpty(), "user-service was asked to end the sessions");
        return calls.get(calls.size() - 1).body();
    }

    /**
     * user-service refuses the token of a session that has already ended (a recovery or a password change ended it):
     * the logout answers its 401, clears the cookie and ends none of the owner's sessions.
     */
    @Test
    void anEndedSessionsTokenSignsNobodyOut() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String stolen = passwordGrant(email).then().statusCode(200).extract().path("access_token");
        String owners = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        UserServiceStub.END_SESSIONS.put(id.toString(),
                new Object[] { 401, Map.of("code", 401, "msg", "Invalid token: this session has ended, sign in again") });
        try {
            given().header("Authorization", "Bearer " + stolen).post("/logout").then().statusCode(401)
                    .body("msg", equalTo("Invalid token: this session has ended, sign in again"))
                    .header("Set-Cookie", startsWith("nf_jwt=;"));
            assertEquals(2, Grants.rows(stack, id).get(0), "no session ended");
            refreshGrant(owners).then().statusCode(200);
        } finally {
            UserServiceStub.END_SESSIONS.remove(id.toString());
        }
    }

    @Test
    void logoutScopesEndTheCallersSessionOrAllTheOthers() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        Response mine = passwordGrant(email).then().statusCode(200).extract().response();
        String mySession = sessionOf(mine.path("access_token"));
        String elsewhere = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        passwordGrant(email).then().statusCode(200);

        // The caller's session goes on, and so does its cookie (the site's access to the caller's pages).
        given().header("Authorization", "Bearer " + mine.path("access_token")).queryParam("scope", "others")
                .post("/logout").then().statusCode(204).header("Set-Cookie", nullValue());
        assertRows(stack, id, 1, 1, 0, "only the caller's session is left");
        JsonNode userSide = endSessionsCall(id);
        assertEquals("others", userSide.path("scope").asText(), userSide.toString());
        assertEquals(mySession, userSide.path("caller_session_id").asText(), "user-service spares the caller's session");
        assertTrue(userSide.path("caller_session_epoch").isNumber(), userSide.toString());
        refreshGrant(elsewhere).then().statusCode(400);
        String myToken = refreshGrant(mine.path("refresh_token")).then().statusCode(200).extract().path("refresh_token");
        JsonNode others = JSON.readTree(Grants.awaitEvent(stack, id, "dev.tessera.session.logout.v1"));
        assertEquals("others", others.at("/data/scope").asText());
        assertEquals(mySession, others.at("/data/session_id").asText());

        String another = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        given().header("Authorization", "Bearer " + mine.path("access_token")).queryParam("scope", "local")
                .post("/logout").then().statusCode(204).header("Set-Cookie", startsWith("nf_jwt=;"));
        refreshGrant(myToken).then().statusCode(400);
        refreshGrant(another).then().statusCode(200);
        assertEquals("local", endSessionsCall(id).path("scope").asText(), "a local logout is checked there too");
        assertEquals(1, Grants.rows(stack, id).get(0), "the caller's session ended, the newer one goes on");

        String sessionless = TestTokens.sign(SECRET, id.toString(), email);
        for (String scope : List.of("local", "others")) {
            given().header("Authorization", "Bearer " + sessionless).queryParam("scope", scope).post("/logout")
                    .then().statusCode(400).body("code", equalTo(400))
                    .body("msg", containsString("needs an access token with a session_id"));
        }
        given().header("Authorization", "Bearer " + sessionless).queryParam("scope", "everyone").post("/logout")
                .then().statusCode(400).body("msg", equalTo("Unsupported logout scope; use global, local or others"));
        assertEquals(1, Grants.rows(stack, id).get(0), "a refused logout ends nothing");
        given().header("Authorization", "Bearer " + sessionless).queryParam("scope", "global").post("/logout")
                .then().statusCode(204);
        assertRows(stack, id, 0, 0, 0, "global needs no session");
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
        given().accept("text/html").get("/settings").then().statusCode(200).contentType(ContentType.JSON)
                .body("external.email", equalTo(true))
                .body("external.google", equalTo(false))
                .body("external.saml", equalTo(false))
                .body("external_labels", equalTo(Map.of()))
                .body("disable_signup", equalTo(false))
                .body("autoconfirm", equalTo(false));
        given().accept("text/plain").get("/health").then().statusCode(200).body("name", equalTo("GoTrue"));
        given().accept("image/png").contentType(ContentType.URLENC).formParam("grant_type", "magic").post("/token")
                .then().statusCode(400).contentType(ContentType.JSON).body("error", equalTo("unsupported_grant_type"));
        given().get(ready).then().statusCode(200).body("status", equalTo("UP"));
    }


}
