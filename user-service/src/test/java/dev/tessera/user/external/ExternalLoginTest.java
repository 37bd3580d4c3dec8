package dev.tessera.user.external;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.InternalApiStub.Answer;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.user.testing.InternalCalls;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.hooks.HooksTest;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * OAuth sign-in as auth-service drives it after {@code /callback}: {@code POST /internal/external-login} with what the
 * provider said, and {@code POST /internal/invites/check} before {@code /authorize} leaves for the provider. Checked
 * through the rows, the public topic, the mail requests mail-service would send, the password grant, and the hook
 * calls the function server received.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class ExternalLoginTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NO_EMAIL = "Error getting user email from external provider";
    static final String TAKEN = "A user with this email address has already been registered";

    static final String SIGNUP = "dev.tessera.user.signup.v1";
    static final String CONFIRMED = "dev.tessera.user.confirmed.v1";
    static final String UPDATED = "dev.tessera.user.updated.v1";

    @InjectTestStack
    TestStack stack;

    static String email(String what) {
        return what + "-" + UUID.randomUUID() + "@example.com";
    }

    static Map<String, Object> address(String email, boolean verified, boolean primary) {
        return Map.of("email", email, "verified", verified, "primary", primary);
    }

    static RequestSpecification internal() {
        return VerifyAndAuthenticateTest.internal();
    }

    static ValidatableResponse signIn(String provider, List<Map<String, Object>> emails, Map<String, Object> profile,
            String inviteToken) {
        Map<String, Object> body = new HashMap<>();
        body.put("provider", provider);
        body.put("aud", "");
        body.put("emails", emails);
        body.put("profile", profile);
        body.put("invite_token", inviteToken);
        return internal().body(body).post("/internal/external-login").then();
    }

    static ValidatableResponse signIn(String provider, Map<String, Object> address) {
        return signIn(provider, List.of(address), Map.of("full_name", "Octo Cat"), null);
    }

    static ValidatableResponse authenticate(String email, String password) {
        return internal().body(Map.of("email", email, "password", password, "aud", "")).post("/internal/authenticate")
                .then();
    }

    static RequestSpecification operator() {
        return given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON);
    }

    /** The user's events on the public topic, once the last one expected has arrived. */
    List<String> events(String userId, String last) {
        return stack.awaitRecords(Topic.EVENTS, seen -> seen.stream()
                .anyMatch(r -> r.key().equals(userId) && r.value().contains(last)), Duration.ofSeconds(30))
                .stream().filter(r -> r.key().equals(userId)).map(r -> r.value()).toList();
    }

    List<String> eventTypes(String userId, String last) {
        return events(userId, last).stream().map(e -> VerifyAndAuthenticateTest.read(e).get("type").asText()).toList();
    }

    /** The newest mail request of a kind for a user, with its token opened as mail-service would. */
    String mailedToken(String userId, String kind, String to) throws Exception {
        var records = stack.awaitRecords(Topic.MAIL, seen -> seen.stream().anyMatch(r -> r.key().equals(userId)
                && r.value().contains("\"kind\":\"" + kind + "\"")), Duration.ofSeconds(30));
        JsonNode mail = JSON.readTree(records.stream().filter(r -> r.key().equals(userId)
                && r.value().contains("\"kind\":\"" + kind + "\"")).reduce((a, b) -> b).orElseThrow().value());
        assertEquals(to, mail.get("to").asText());
        return InternalCalls.openMailToken(mail);
    }

    String signupConfirmed(String email, String password) throws Exception {
        String id = signupUnconfirmed(email, password);
        internal().body(Map.of("type", "signup", "token", mailedToken(id, "CONFIRMATION", email)))
                .post("/internal/verify").then().statusCode(200);
        return id;
    }

    static String signupUnconfirmed(String email, String password) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password))
                .post("/signup").then().statusCode(200).extract().path("id");
    }

    /** An invite as an admin sends it, and the token from its mail. */
    String[] invite(String email) throws Exception {
        String id = operator().body(Map.of("email", email, "data", Map.of("team", "blue"))).post("/invite")
                .then().statusCode(200).extract().path("id");
        return new String[] { id, mailedToken(id, "INVITE", email) };
    }

    Map<String, Object> row(String id) throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select confirmed_at, encrypted_password, confirmation_token_hash, app_metadata::text,"
                        + " user_metadata::text from users.users where id = ?")) {
            s.setObject(1, UUID.fromString(id));
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next(), "user " + id + " exists");
            Map<String, Object> row = new HashMap<>();
            row.put("confirmed_at", rs.getTimestamp(1));
            row.put("encrypted_password", rs.getString(2));
            row.put("confirmation_token_hash", rs.getString(3));
            row.put("app_metadata", JSON.readTree(rs.getString(4)));
            row.put("user_metadata", rs.getString(5) == null ? null : JSON.readTree(rs.getString(5)));
            return row;
        }
    }

    long users(String email) throws Exception {
        return HooksTest.users(stack, email);
    }

    void inviteSentAt(String id, Instant sentAt) throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "update users.users set confirmation_sent_at = ? where id = ?")) {
            s.setTimestamp(1, Timestamp.from(sentAt));
            s.setObject(2, UUID.fromString(id));
            s.executeUpdate();
        }
    }

    @Test
    void aVerifiedAddressCreatesAConfirmedUserAndLaterSignInsOnlyLogIn() throws Exception {
        String email = email("octo");
        String id = signIn("GitHub", List.of(address("  " + email + " ", true, true),
                address(email("secondary"), false, false)), Map.of("full_name", "Octo Cat", "avatar_url", "https://a/x.png"),
                null)
                .statusCode(200)
                .body("outcome", equalTo("CONFIRMED"))
                .body("user.email", equalTo(email))
                .body("user.confirmed", equalTo(true))
                .body("user.role", equalTo(""))
                .body("user.app_metadata.provider", equalTo("github"))
                .body("user.user_metadata.full_name", equalTo("Octo Cat"))
                .body("user.user_metadata.avatar_url", equalTo("https://a/x.png"))
                .extract().path("user.id");

        Map<String, Object> stored = row(id);
        assertNotNull(stored.get("confirmed_at"));
        assertNull(stored.get("encrypted_password"), "an OAuth user has no password");
        assertEquals("github", ((JsonNode) stored.get("app_metadata")).path("provider").asText());
        assertEquals("Octo Cat", ((JsonNode) stored.get("user_metadata")).path("full_name").asText());
        assertEquals(List.of("validate", "signup"), HookServiceStub.ran(email));

        signIn("github", address(email.toUpperCase(), true, true)).statusCode(200)
                .body("outcome", equalTo("LOGGED_IN")).body("user.id", equalTo(id));
        HookServiceStub.ANSWERS.put(HookServiceStub.key("login", email),
                Answer.ok(Map.of("user_metadata", Map.of("plan", "pro"))));
        signIn("github", address(email, true, true)).statusCode(200)
                .body("outcome", equalTo("LOGGED_IN")).body("user.id", equalTo(id))
                .body("user.user_metadata.plan", equalTo("pro"))
                .body("user.user_metadata.full_name", nullValue());

        assertEquals(List.of("validate", "signup", "login", "login"), HookServiceStub.ran(email),
                "validate and signup once, at the first sign-in; login once at each later one");
        assertEquals("pro", ((JsonNode) row(id).get("user_metadata")).path("plan").asText());
        // The outbox publishes a user's events in order, so once the last sign-in's update is seen, an event of the
        // sign-in before it would have been seen too.
        assertEquals(List.of(SIGNUP, CONFIRMED, UPDATED), eventTypes(id, UPDATED));
        assertEquals(1, users(email));
    }

    @Test
    void whatTheFunctionsAnswerIsWhatTheResultAndTheRowCarry() throws Exception {
        String email = email("answered");
        HookServiceStub.ANSWERS.put(HookServiceStub.key("validate", email),
                Answer.ok(Map.of("app_metadata", Map.of("provider", "gitlab", "roles", List.of("member")))));
        HookServiceStub.ANSWERS.put(HookServiceStub.key("signup", email),
                Answer.ok(Map.of("user_metadata", Map.of("plan", "trial"))));
        String id = signIn("gitlab", address(email, true, true)).statusCode(200)
                .body("outcome", equalTo("CONFIRMED"))
                .body("user.app_metadata.roles[0]", equalTo("member"))
                .body("user.user_metadata.plan", equalTo("trial"))
                .body("user.user_metadata.full_name", nullValue())
                .extract().path("user.id");
        Map<String, Object> stored = row(id);
        assertEquals("[\"member\"]", ((JsonNode) stored.get("app_metadata")).path("roles").toString());
        assertEquals("trial", ((JsonNode) stored.get("user_metadata")).path("plan").asText());
    }

    @Test
    void refusingFunctionsLeaveNoUser() throws Exception {
        String refusedByValidate = email("refused");
        HookServiceStub.ANSWERS.put(HookServiceStub.key("validate", refusedByValidate),
                Answer.error(422, "Failed to handle signup webhook"));
        signIn("github", address(refusedByValidate, true, true))
                .statusCode(422).body("msg", equalTo("Failed to handle signup webhook"));
        assertEquals(0, users(refusedByValidate));
        assertEquals(List.of("validate"), HookServiceStub.ran(refusedByValidate));

        String refusedBySignup = email("refused");
        HookServiceStub.ANSWERS.put(HookServiceStub.key("signup", refusedBySignup),
                Answer.error(422, "Failed to handle signup webhook"));
        signIn("github", address(refusedBySignup, true, true)).statusCode(422);
        assertEquals(0, users(refusedBySignup));
        assertEquals(List.of("validate", "signup"), HookServiceStub.ran(refusedBySignup));
    }

    @Test
    void anUnverifiedAddressGetsAConfirmationMailAndNoTokens() throws Exception {
        String email = email("unverified");
        String id = signIn("gitlab", address(email, false, true)).statusCode(200)
                .body("outcome", equalTo("CONFIRMATION_SENT"))
                .body("user.confirmed", equalTo(false))
                .body("user.app_metadata.provider", equalTo("gitlab"))
                .extract().path("user.id");
        assertEquals(List.of("validate"), HookServiceStub.ran(email), "not confirmed, so no signup hook yet");
        assertNull(row(id).get("confirmed_at"));
        assertEquals(64, ((String) row(id).get("confirmation_token_hash")).length(), "only the token's hash is kept");

        // Until the address is confirmed, the provider's unverified word does not reach the account.
        signIn("gitlab", address(email, false, true)).statusCode(400).body("msg", equalTo(TAKEN));
        assertEquals(List.of("validate"), HookServiceStub.ran(email));

        String token = mailedToken(id, "CONFIRMATION", email);
        internal().body(Map.of("type", "signup", "token", token)).post("/internal/verify")
                .then().statusCode(200).body("id", equalTo(id)).body("confirmed", equalTo(true));
        List<String> events = events(id, CONFIRMED);
        assertEquals(List.of(SIGNUP, CONFIRMED),
                events.stream().map(e -> VerifyAndAuthenticateTest.read(e).get("type").asText()).toList());
        assertFalse(events.stream().anyMatch(e -> e.contains(token)), "no one-time token on the public topic");
    }

    @Test
    void aVerifiedAddressSignsInToTheConfirmedPasswordAccountWithoutChangingIt() throws Exception {
        String email = email("linked");
        String id = signupConfirmed(email, "pw-linked");
        signIn("google", address(email.toUpperCase(), true, true)).statusCode(200)
                .body("outcome", equalTo("LOGGED_IN"))
                .body("user.id", equalTo(id))
                .body("user.app_metadata.provider", equalTo("email"))
                .body("user.user_metadata.full_name", nullValue());
        authenticate(email, "pw-linked").statusCode(200).body("id", equalTo(id));
        assertEquals(List.of("validate", "signup", "login", "login"), HookServiceStub.ran(email));
    }

    @Test
    void anUnverifiedAddressNeverSignsInToSomeoneElsesAccount() throws Exception {
        String victim = email("victim");
        String victimId = signupConfirmed(victim, "pw-victim");
        List<String> before = HookServiceStub.ran(victim);

        signIn("github", address(victim, false, true)).statusCode(400).body("msg", equalTo(TAKEN));

        String own = email("attacker");
        String attackerId = signIn("github", List.of(address(victim, false, false), address(own, true, true)),
                Map.of(), null).statusCode(200)
                .body("outcome", equalTo("CONFIRMED")).body("user.email", equalTo(own))
                .extract().path("user.id");
        assertNotEquals(victimId, attackerId);
        assertEquals(before, HookServiceStub.ran(victim), "no hook ran for the victim's account");
        assertEquals("email", ((JsonNode) row(victimId).get("app_metadata")).path("provider").asText());
        authenticate(victim, "pw-victim").statusCode(200).body("id", equalTo(victimId));
    }

    @Test
    void confirmingByProviderClearsAPasswordNobodyProvedTheAddressFor() throws Exception {
        String email = email("squatted");
        String id = signupUnconfirmed(email, "squatter-pw");
        String staleLink = mailedToken(id, "CONFIRMATION", email);

        signIn("google", address(email, true, true)).statusCode(200)
                .body("outcome", equalTo("CONFIRMED")).body("user.id", equalTo(id))
                .body("user.confirmed", equalTo(true));

        Map<String, Object> stored = row(id);
        assertNotNull(stored.get("confirmed_at"));
        assertNull(stored.get("encrypted_password"), "the squatter's password is gone");
        assertNull(stored.get("confirmation_token_hash"));
        authenticate(email, "squatter-pw").statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("No user found with that email, or password invalid."));
        internal().body(Map.of("type", "signup", "token", staleLink)).post("/internal/verify").then().statusCode(404);
        assertEquals(List.of("validate", "signup"), HookServiceStub.ran(email), "signup hook once, at confirmation");
        assertEquals(List.of(SIGNUP, CONFIRMED), eventTypes(id, CONFIRMED));
    }

    @Test
    void anInviteIsAcceptedThroughTheProviderOnce() throws Exception {
        String email = email("invitee");
        String[] invite = invite(email);
        String id = invite[0];
        String token = invite[1];
        internal().body(Map.of("token", token)).post("/internal/invites/check").then().statusCode(204);

        // The invited address only needs to be listed: the mailed token already proves it.
        signIn("gitlab", List.of(address(email("work"), true, true), address(email, false, false)),
                Map.of("full_name", "Invi Tee", "team", "red"), token)
                .statusCode(200)
                .body("outcome", equalTo("CONFIRMED"))
                .body("user.id", equalTo(id))
                .body("user.confirmed", equalTo(true))
                .body("user.app_metadata.provider", equalTo("gitlab"))
                .body("user.user_metadata.full_name", equalTo("Invi Tee"))
                .body("user.user_metadata.team", equalTo("red"));

        assertNull(row(id).get("confirmation_token_hash"));
        assertEquals(List.of("validate", "signup"), HookServiceStub.ran(email), "validate at the invite, signup at acceptance");
        assertEquals(List.of("dev.tessera.user.invited.v1", CONFIRMED, "dev.tessera.user.invite_accepted.v1"),
                eventTypes(id, "invite_accepted"));

        internal().body(Map.of("token", token)).post("/internal/invites/check").then().statusCode(404)
                .body("msg", equalTo("User not found"));
        signIn("gitlab", List.of(address(email, true, true)), Map.of(), token)
                .statusCode(404).body("msg", equalTo("User not found"));
        internal().body(Map.of("type", "signup", "token", token, "password", "invited password")).post("/internal/verify")
                .then().statusCode(404);
        assertEquals(List.of("validate", "signup"), HookServiceStub.ran(email));
    }

    @Test
    void anInviteForAnAddressTheProviderDoesNotListIsRefusedAndStaysValid() throws Exception {
        String email = email("invited");
        String[] invite = invite(email);
        signIn("github", List.of(address(email("other"), true, true)), Map.of(), invite[1])
                .statusCode(400).body("code", equalTo(400))
                .body("msg", equalTo("Invited email does not match emails from external provider"));
        assertEquals(List.of("validate"), HookServiceStub.ran(email));
        assertNull(row(invite[0]).get("confirmed_at"));
        internal().body(Map.of("token", invite[1])).post("/internal/invites/check").then().statusCode(204);
    }

    @Test
    void expiredAndUnknownInvitesAreRefused() throws Exception {
        String email = email("late");
        String[] invite = invite(email);
        inviteSentAt(invite[0], Instant.now().minus(Duration.ofHours(169)));

        internal().body(Map.of("token", invite[1])).post("/internal/invites/check").then().statusCode(404)
                .body("msg", equalTo("User not found"));
        signIn("github", List.of(address(email, true, true)), Map.of(), invite[1])
                .statusCode(422).body("msg", equalTo("Confirmation token expired"));

        internal().body(Map.of("token", "no-such-token")).post("/internal/invites/check").then().statusCode(404);
        internal().body(Map.of("token", " ")).post("/internal/invites/check").then().statusCode(404);
        signIn("github", List.of(address(email, true, true)), Map.of(), "no-such-token")
                .statusCode(404).body("msg", equalTo("User not found"));
        assertEquals(List.of("validate"), HookServiceStub.ran(email));

        given().contentType(ContentType.JSON).body(Map.of("token", invite[1])).post("/internal/invites/check")
                .then().statusCode(401);
    }

    @Test
    void aSignupConfirmationTokenAlsoPassesTheInviteCheckUntilItExpires() throws Exception {
        String email = email("pending");
        String id = signupUnconfirmed(email, "pending password");
        String token = mailedToken(id, "CONFIRMATION", email);
        internal().body(Map.of("token", token)).post("/internal/invites/check").then().statusCode(204);
        inviteSentAt(id, Instant.now().minus(Duration.ofHours(25)));
        internal().body(Map.of("token", token)).post("/internal/invites/check").then().statusCode(404);
    }

    @Test
    void withoutAProviderOrAUsableAddressThereIsNothingToSignIn() {
        signIn(" ", address(email("x"), true, true)).statusCode(400).body("msg", equalTo(NO_EMAIL));
        signIn("github", List.of(), Map.of(), null).statusCode(400).body("code", equalTo(400))
                .body("msg", equalTo(NO_EMAIL));
        signIn("github", List.of(address("not an address", true, true)), Map.of(), null)
                .statusCode(400).body("msg", equalTo(NO_EMAIL));
        internal().body(Map.of("provider", "github")).post("/internal/external-login").then().statusCode(400)
                .body("msg", equalTo(NO_EMAIL));
        given().contentType(ContentType.JSON).body(Map.of("provider", "github", "emails", List.of(address("a@b.co", true, true))))
                .post("/internal/external-login").then().statusCode(401);
    }

    @Test
    void concurrentFirstSignInsCreateOneUser() throws Exception {
        for (int round = 0; round < 3; round++) {
            String email = email("twice");
            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> VerifyAndAuthenticateTest.read(
                        signIn("github", address(email, true, true)).statusCode(200).extract().asString())));
            }
            List<JsonNode> results = calls.stream().map(CompletableFuture::join).toList();
            assertEquals(results.get(0).path("user").path("id"), results.get(1).path("user").path("id"));
            assertEquals(List.of("CONFIRMED", "LOGGED_IN"),
                    results.stream().map(r -> r.path("outcome").asText()).sorted().toList());
            assertEquals(1, users(email));
        }
    }
}
