package dev.tessera.user.account;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.user.recover.RecoverResource;
import dev.tessera.user.testing.InternalCalls;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.ServiceCredentialForTests;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Recovery, self-service updates and invites, through the routes a client calls. */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
public class AccountTest {

    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    @InjectTestStack
    TestStack stack;

    String signupConfirmed(String email) throws Exception {
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "first password"))
                .post("/signup").then().statusCode(200).extract().path("id");
        String token = mailToken(id, "CONFIRMATION");
        internal().body(Map.of("type", "signup", "token", token)).post("/internal/verify").then().statusCode(200);
        return id;
    }

    RequestSpecification internal() {
        return given().header("Authorization", "Bearer " + ServiceCredentialForTests.derive(SECRET))
                .contentType(ContentType.JSON);
    }

    RequestSpecification as(String id, String email) {
        return given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, id, email)).contentType(ContentType.JSON);
    }

    /** The newest mail request of a kind for a user, with its token opened as mail-service would. */
    String mailToken(String userId, String kind) throws Exception {
        return mailTokenTo(userId, kind, null);
    }

    String mailTokenTo(String userId, String kind, String to) throws Exception {
        JsonNode mail = mailTo(userId, kind, to);
        return InternalCalls.openMailToken(mail);
    }

    public static boolean matches(ConsumerRecord<String, String> r, String userId, String kind, String to) {
        return r.key().equals(userId) && r.value().contains("\"kind\":\"" + kind + "\"")
                && (to == null || r.value().contains("\"to\":\"" + to + "\""));
    }

    /**
     * Known and unknown addresses get the same answers, twice in a row too: GoTrue answered a known address 429 the
     * second time (issue 15 changed that on purpose); here the second request only sends no mail.
     */
    @Test
    void recoveryMailsATokenThatLogsTheUserInOnce() throws Exception {
        String email = "recover-" + UUID.randomUUID() + "@example.com";
        String id = signupConfirmed(email);
        String nobody = "nobody-" + UUID.randomUUID() + "@example.com";
        for (String address : List.of(email, email, nobody, nobody)) {
            long asked = System.nanoTime();
            given().contentType(ContentType.JSON).body(Map.of("email", address)).post("/recover")
                    .then().statusCode(200).body(equalTo("{}"));
            // Nor does the time tell: each answer waits for the same moment, whatever work it did before.
            assertTrue(System.nanoTime() - asked >= RecoverResource.ANSWER_AFTER_MS * 1_000_000, address);
        }
        // A later mail of the same user: once it is on the topic, a second recovery mail would be before it.
        String marker = "marker-" + UUID.randomUUID() + "@example.com";
        as(id, email).body(Map.of("email", marker)).put("/user").then().statusCode(200);
        assertEquals(1, stack.awaitRecords(Topic.MAIL, seen -> seen.stream()
                .anyMatch(r -> matches(r, id, "EMAIL_CHANGE", marker)), Duration.ofSeconds(30)).stream()
                .filter(r -> matches(r, id, "RECOVERY", null)).count(), "the second request sent no mail");
        given().contentType(ContentType.JSON).body(Map.of("email", "")).post("/recover")
                .then().statusCode(422).body("msg", equalTo("Password recovery requires an email"));
        given().contentType(ContentType.JSON).body("nope").post("/recover")
                .then().statusCode(400).body("msg", startsWith("Could not read Recover params"));

        String token = mailToken(id, "RECOVERY");
        internal().body(Map.of("type", "recovery", "token", token)).post("/internal/verify")
                .then().statusCode(200).body("id", equalTo(id));
        internal().body(Map.of("type", "recovery", "token", token)).post("/internal/verify").then().statusCode(404);
    }

    /** A link mailed before the account changed hands (a new password, a new address) must not act on it. */
    @Test
    void recoveryAndConfirmationLinksStopWorkingOnceThePasswordOrTheAddressChanges() throws Exception {
        String email = "relink-" + UUID.randomUUID() + "@example.com";
        String id = signupConfirmed(email);
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);
        String recovery = mailToken(id, "RECOVERY");
        as(id, email).body(Map.of("password", "changed since the mail")).put("/user").then().statusCode(200);
        internal().body(Map.of("type", "recovery", "token", recovery)).post("/internal/verify").then().statusCode(404);

        String moved = "moved-" + UUID.randomUUID() + "@example.com";
        String invited = "invited-" + UUID.randomUUID() + "@example.com";
        RequestSpecification operator = given().header("Authorization", "Bearer test-operator-token")
                .contentType(ContentType.JSON);
        String invitedId = operator.body(Map.of("email", invited)).post("/invite").then().statusCode(200)
                .extract().path("id");
        String invite = mailToken(invitedId, "INVITE");
        given().contentType(ContentType.JSON).body(Map.of("email", invited)).post("/recover").then().statusCode(200);
        String invitedRecovery = mailToken(invitedId, "RECOVERY");
        given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .body(Map.of("email", moved)).put("/admin/users/" + invitedId).then().statusCode(200);
        internal().body(Map.of("type", "signup", "token", invite, "password", "the old mailbox's"))
                .post("/internal/verify").then().statusCode(404);
        internal().body(Map.of("type", "recovery", "token", invitedRecovery)).post("/internal/verify")
                .then().statusCode(404);
    }

    /** PostgreSQL refuses text with NUL; such an address is answered as any address without an account. */
    @Test
    void anAddressWithAControlCharacterIsAnsweredAsAnUnknownOne() {
        for (String address : List.of("nul\\u0000@example.com", "tab\\t@example.com", "\\u0000")) {
            String body = "{\"email\":\"" + address + "\"}";
            given().contentType(ContentType.JSON).body(body).post("/recover").then().statusCode(200)
                    .body(equalTo("{}"));
            internal().body("{\"email\":\"" + address + "\",\"password\":\"a password\",\"aud\":\"\"}")
                    .post("/internal/authenticate").then().statusCode(400)
                    .body("error_description", equalTo("No user found with that email, or password invalid."));
        }
    }

    @Test
    void putUserMergesMetadataChangesThePasswordAndGuardsAppMetadata() throws Exception {
        String email = "put-" + UUID.randomUUID() + "@example.com";
        String id = signupConfirmed(email);
        as(id, email).body(Map.of("data", Map.of("full_name", "Ada", "plan", "free"))).put("/user")
                .then().statusCode(200).body("user_metadata.full_name", equalTo("Ada"));
        Map<String, Object> update = new HashMap<>();
        update.put("plan", null);
        update.put("theme", "dark");
        as(id, email).body(Map.of("data", update)).put("/user").then().statusCode(200)
                .body("user_metadata.full_name", equalTo("Ada"))
                .body("user_metadata.plan", nullValue())
                .body("user_metadata.theme", equalTo("dark"));

        as(id, email).body(Map.of("app_metadata", Map.of("roles", List.of("admin")), "data", Map.of("x", 1)))
                .put("/user").then().statusCode(401).body("msg", equalTo("Updating app_metadata requires admin privileges"));
        as(id, email).get("/user").then().body("user_metadata.x", nullValue()).body("app_metadata.roles", nullValue());

        as(id, email).body(Map.of("password", "new-password")).put("/user").then().statusCode(200);
        internal().body(Map.of("email", email, "password", "new-password", "aud", "")).post("/internal/authenticate")
                .then().statusCode(200);
        internal().body(Map.of("email", email, "password", "first password", "aud", "")).post("/internal/authenticate")
                .then().statusCode(400);

        as(id, email).body("{").put("/user").then().statusCode(400).body("msg", startsWith("Could not read User Update params"));
        given().contentType(ContentType.JSON).body(Map.of("data", Map.of())).put("/user").then().statusCode(401);
    }

    /**
     * {@code GET /user} reads the user with the SQL client, the admin API through Hibernate: for a user with every
     * field of the user object set, both answer the same JSON.
     */
    @Test
    void getUserAnswersTheUserObjectTheAdminApiShows() throws Exception {
        String email = "view-" + UUID.randomUUID() + "@example.com";
        RequestSpecification operator = given().header("Authorization", "Bearer test-operator-token")
                .contentType(ContentType.JSON);
        String id = operator.body(Map.of("email", email, "password", "view password", "confirm", true,
                "user_metadata", Map.of("full_name", "Vi Ew", "nested", Map.of("x", 1.5, "big", 12345678901L)),
                "app_metadata", Map.of("roles", List.of("editor")))).post("/admin/users").then().statusCode(200)
                .extract().path("id");
        as(id, email).body(Map.of("email", "next-" + email)).put("/user").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);

        JsonNode own = JSON.readTree(as(id, email).get("/user").then().statusCode(200).extract().asString());
        JsonNode admin = JSON.readTree(given().header("Authorization", "Bearer test-operator-token")
                .get("/admin/users/" + id).then().statusCode(200).extract().asString());
        for (String field : List.of("id", "aud", "role", "email", "confirmed_at", "recovery_sent_at", "new_email",
                "email_change_sent_at", "app_metadata", "user_metadata", "created_at", "updated_at")) {
            assertTrue(own.hasNonNull(field), field + " is set: " + own);
        }
        assertEquals(admin, own);

        // A ban ends the user's sessions, and with them the pending email change.
        given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .body(Map.of("ban_duration", "24h")).put("/admin/users/" + id).then().statusCode(200);
        own = JSON.readTree(as(id, email).get("/user").then().statusCode(200).extract().asString());
        admin = JSON.readTree(given().header("Authorization", "Bearer test-operator-token")
                .get("/admin/users/" + id).then().statusCode(200).extract().asString());
        assertTrue(own.hasNonNull("banned_until"), "banned_until is set: " + own);
        assertTrue(!own.hasNonNull("new_email") && !own.hasNonNull("email_change_sent_at"), own.toString());
        assertEquals(admin, own);
    }

    @Test
    void emailChangeNeedsTheLinksMailedToBothAddressesAndTheOldAddressIsToldOnceItIsDone() throws Exception {
        String email = "old-" + UUID.randomUUID() + "@example.com";
        String newEmail = "new-" + UUID.randomUUID() + "@example.com";
        String taken = "taken-" + UUID.randomUUID() + "@example.com";
        String id = signupConfirmed(email);
        signupConfirmed(taken);

        as(id, email).body(Map.of("email", taken)).put("/user").then().statusCode(422)
                .body("msg", equalTo("Email address already registered by another user"));
        as(id, email).body(Map.of("email", "not an email")).put("/user").then().statusCode(422);
        as(id, email).body(Map.of("email", newEmail)).put("/user").then().statusCode(200)
                .body("email", equalTo(email)).body("new_email", equalTo(newEmail))
                .body("email_change_sent_at", notNullValue());

        String toNew = mailTokenTo(id, "EMAIL_CHANGE", newEmail);
        String toCurrent = mailTokenTo(id, "EMAIL_CHANGE", email);
        assertTrue(!toNew.equals(toCurrent), "each address gets a token of its own");
        as(id, email).body(Map.of("email_change_token", "wrong")).put("/user").then().statusCode(401)
                .body("msg", equalTo("Email Change Token didn't match token on file"));
        // Either link may come first; the first only records its half.
        as(id, email).body(Map.of("email_change_token", toNew)).put("/user").then().statusCode(200)
                .body("email", equalTo(email)).body("new_email", equalTo(newEmail));
        as(id, email).body(Map.of("email_change_token", toNew)).put("/user").then().statusCode(401)
                .body("msg", equalTo("Email Change Token didn't match token on file"));
        as(id, email).body(Map.of("email_change_token", toCurrent)).put("/user").then().statusCode(200)
                .body("email", equalTo(newEmail)).body("new_email", nullValue());

        JsonNode notice = mailTo(id, "EMAIL_CHANGED_NOTIFICATION", email);
        assertEquals(email, notice.get("email").asText());
        assertEquals(newEmail, notice.get("newEmail").asText());
        assertTrue(notice.get("sealedToken") == null, "a notice carries no token");

        var events = stack.awaitRecords(Topic.EVENTS, seen -> seen.stream().anyMatch(r -> r.key().equals(id)
                && r.value().contains("email_changed")), Duration.ofSeconds(30));
        List<String> types = events.stream().filter(r -> r.key().equals(id))
                .map(r -> VerifyAndAuthenticateTest.read(r.value()).get("type").asText()).toList();
        assertEquals(List.of("dev.tessera.user.signup.v1", "dev.tessera.user.confirmed.v1",
                "dev.tessera.user.email_change_requested.v1", "dev.tessera.user.email_changed.v1"), types);
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("select email,"
                + " email_change_token_hash is null and email_change_token_current_hash is null and email_change is null"
                + " from users.users where id = ?")) {
            s.setObject(1, UUID.fromString(id));
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next());
            assertEquals(newEmail, rs.getString(1));
            assertTrue(rs.getBoolean(2), "nothing of the change is left pending");
        }
    }

    /**
     * Asking for an address that has only signed up tells nothing (a signup answers it as a new one): it is asked
     * for as a free address, and completing it fails while that signup stands.
     */
    @Test
    void anEmailChangeToAnUnconfirmedAddressIsAskedForAsToAFreeOne() throws Exception {
        String email = "mover-" + UUID.randomUUID() + "@example.com";
        String id = signupConfirmed(email);
        String pending = "pending-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body(Map.of("email", pending, "password", "a pending password"))
                .post("/signup").then().statusCode(200);

        as(id, email).body(Map.of("email", pending)).put("/user").then().statusCode(200)
                .body("new_email", equalTo(pending));
        as(id, email).body(Map.of("email_change_token", mailTokenTo(id, "EMAIL_CHANGE", pending))).put("/user")
                .then().statusCode(200).body("email", equalTo(email));
        as(id, email).body(Map.of("email_change_token", mailTokenTo(id, "EMAIL_CHANGE", email))).put("/user")
                .then().statusCode(422).body("msg", equalTo("Email address already registered by another user"));
        as(id, email).get("/user").then().statusCode(200).body("email", equalTo(email));
    }

    /**
     * A change asked for and half confirmed by a thief's session (the link to the thief's own address) does not
     * survive the owner's recovery, nor a password change: the link to the current address, still in the owner's
     * inbox, completes nothing.
     */
    @Test
    void aRecoveryOrPasswordChangeCancelsAPendingEmailChange() throws Exception {
        for (boolean recovery : List.of(true, false)) {
            String email = "owner-" + UUID.randomUUID() + "@example.com";
            String id = signupConfirmed(email);
            String thief = "thief-" + UUID.randomUUID() + "@example.com";
            as(id, email).body(Map.of("email", thief)).put("/user").then().statusCode(200);
            String toThief = mailTokenTo(id, "EMAIL_CHANGE", thief);
            String toOwner = mailTokenTo(id, "EMAIL_CHANGE", email);
            as(id, email).body(Map.of("email_change_token", toThief)).put("/user").then().statusCode(200)
                    .body("new_email", equalTo(thief));
            if (recovery) {
                given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then()
                        .statusCode(200);
                internal().body(Map.of("type", "recovery", "token", mailToken(id, "RECOVERY")))
                        .post("/internal/verify").then().statusCode(200);
            } else {
                as(id, email).body(Map.of("password", "a new password " + UUID.randomUUID())).put("/user").then()
                        .statusCode(200);
            }
            as(id, email).get("/user").then().statusCode(200).body("new_email", nullValue());
            as(id, email).body(Map.of("email_change_token", toOwner)).put("/user").then().statusCode(422)
                    .body("msg", equalTo("Email change token expired"));
            as(id, email).get("/user").then().statusCode(200).body("email", equalTo(email));
        }
    }

    @Test
    void aPasswordChangeIsToldToTheAccountsAddress() throws Exception {
        String email = "pw-notice-" + UUID.randomUUID() + "@example.com";
        String id = signupConfirmed(email);

        as(id, email).body(Map.of("password", "a-new-password")).put("/user").then().statusCode(200);

        JsonNode notice = mailTo(id, "PASSWORD_CHANGED_NOTIFICATION", email);
        assertEquals(email, notice.get("email").asText());
        assertTrue(notice.get("sealedToken") == null, "a notice carries no token");
    }

    JsonNode mailTo(String userId, String kind, String to) throws Exception {
        List<ConsumerRecord<String, String>> records = stack.awaitRecords(Topic.MAIL,
                seen -> seen.stream().anyMatch(r -> matches(r, userId, kind, to)), Duration.ofSeconds(30));
        return JSON.readTree(records.stream().filter(r -> matches(r, userId, kind, to)).reduce((a, b) -> b)
                .orElseThrow().value());
    }

    @Test
    void invitesNeedAnAdminAndAcceptingSetsThePassword() throws Exception {
        String adminEmail = "admin-" + UUID.randomUUID() + "@example.com";
        String adminId = signupConfirmed(adminEmail);
        String invited = "invited-" + UUID.randomUUID() + "@example.com";

        as(adminId, adminEmail).body(Map.of("email", invited)).post("/invite")
                .then().statusCode(401).body("msg", equalTo("User not allowed"));
        given().contentType(ContentType.JSON).body(Map.of("email", invited)).post("/invite")
                .then().statusCode(401).body("msg", equalTo("This endpoint requires a Bearer token"));
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, UUID.randomUUID().toString(), "x@y.z"))
                .contentType(ContentType.JSON).body(Map.of("email", invited)).post("/invite")
                .then().statusCode(401).body("msg", equalTo("Invalid admin user"));

        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("update users.users set role = 'admin' where id = ?")) {
            s.setObject(1, UUID.fromString(adminId));
            s.executeUpdate();
        }
        String invitedId = as(adminId, adminEmail).body(Map.of("email", invited, "data", Map.of("team", "blue")))
                .post("/invite").then().statusCode(200)
                .body("email", equalTo(invited)).body("invited_at", notNullValue()).body("confirmed_at", nullValue())
                .body("user_metadata.team", equalTo("blue"))
                .extract().path("id");
        as(adminId, adminEmail).body(Map.of("email", invited)).post("/invite").then().statusCode(422)
                .body("msg", equalTo("Email address already registered by another user"));
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, "0", "system@example.com"))
                .contentType(ContentType.JSON).body(Map.of("email", "bad")).post("/invite").then().statusCode(422);

        internal().body(Map.of("email", invited, "password", "", "aud", "")).post("/internal/authenticate")
                .then().statusCode(400);
        String token = mailToken(invitedId, "INVITE");
        internal().body(Map.of("type", "signup", "token", token)).post("/internal/verify")
                .then().statusCode(422).body("msg", equalTo("Invited users must specify a password"));
        internal().body(Map.of("type", "signup", "token", token, "password", "chosen-pw")).post("/internal/verify")
                .then().statusCode(200).body("confirmed", equalTo(true));
        internal().body(Map.of("email", invited, "password", "chosen-pw", "aud", "")).post("/internal/authenticate")
                .then().statusCode(200).body("id", equalTo(invitedId));

        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select confirmation_sent_at is not null, encrypted_password like '$2a$%' from users.users where id = ?")) {
            s.setObject(1, UUID.fromString(invitedId));
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next());
            assertTrue(rs.getBoolean(1), "invite links carry a sent time, so they expire");
            assertTrue(rs.getBoolean(2));
        }
        var events = stack.awaitRecords(Topic.EVENTS, seen -> seen.stream().anyMatch(r -> r.key().equals(invitedId)
                && r.value().contains("invite_accepted")), Duration.ofSeconds(30));
        assertEquals(List.of("dev.tessera.user.invited.v1", "dev.tessera.user.confirmed.v1",
                "dev.tessera.user.invite_accepted.v1"), events.stream().filter(r -> r.key().equals(invitedId))
                        .map(r -> VerifyAndAuthenticateTest.read(r.value()).get("type").asText()).toList());
    }
}
