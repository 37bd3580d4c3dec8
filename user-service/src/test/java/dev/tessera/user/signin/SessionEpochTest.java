package dev.tessera.user.signin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.MailTokens;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * What auth-service learns about ending sessions: each identity user-service answers carries the session epoch and
 * the kept session, and the changes that must end sessions raise the epoch. Bans also keep the user from signing in.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class SessionEpochTest {

    static final String PASSWORD = "an epoch password";

    @InjectTestStack
    TestStack stack;

    /** A confirmed user; answers its id and the identity the confirmation answered. */
    String[] confirmed(String email) {
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", PASSWORD))
                .post("/signup").then().statusCode(200).extract().path("id");
        identity(id).then().body("session_epoch", equalTo(0));
        VerifyAndAuthenticateTest.internal()
                .body(Map.of("type", "signup", "token", MailTokens.newest(stack, id, "CONFIRMATION")))
                .post("/internal/verify").then().statusCode(200)
                .body("session_epoch", equalTo(1)).body("kept_session_id", nullValue());
        return new String[] { id, email };
    }

    static io.restassured.response.Response identity(String id) {
        return VerifyAndAuthenticateTest.internal().get("/internal/users/" + id);
    }

    static long epoch(String id) {
        return identity(id).then().statusCode(200).extract().jsonPath().getLong("session_epoch");
    }

    static io.restassured.specification.RequestSpecification operator() {
        return given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON);
    }

    static io.restassured.response.Response login(String email, String password) {
        return VerifyAndAuthenticateTest.internal().body(Map.of("email", email, "password", password, "aud", ""))
                .post("/internal/authenticate");
    }

    @Test
    void aPasswordChangeEndsTheOtherSessionsAndKeepsTheCallers() {
        String email = "epoch-put-" + UUID.randomUUID() + "@example.com";
        String id = confirmed(email)[0];
        String session = UUID.randomUUID().toString();
        String bearer = bearer(id, email, session, 1);

        given().header("Authorization", bearer).contentType(ContentType.JSON).body(Map.of("data", Map.of("x", 1)))
                .put("/user").then().statusCode(200);
        assertEquals(1, epoch(id), "a metadata change ends nothing");

        given().header("Authorization", bearer).contentType(ContentType.JSON).body(Map.of("password", "a changed password"))
                .put("/user").then().statusCode(200);
        identity(id).then().body("session_epoch", equalTo(2)).body("kept_session_id", equalTo(session));
        login(email, "a changed password").then().statusCode(200)
                .body("session_epoch", equalTo(2)).body("kept_session_id", equalTo(session));

        // The kept session changes the password again and is kept again.
        given().header("Authorization", bearer).contentType(ContentType.JSON).body(Map.of("password", "a third password"))
                .put("/user").then().statusCode(200);
        identity(id).then().body("session_epoch", equalTo(3)).body("kept_session_id", equalTo(session));

        // A token without session_id, or without the epoch its session started under, keeps no session.
        given().header("Authorization", "Bearer " + TestTokens.sign(VerifyAndAuthenticateTest.SECRET, id, email))
                .contentType(ContentType.JSON).body(Map.of("password", "a fourth password")).put("/user")
                .then().statusCode(200);
        identity(id).then().body("session_epoch", equalTo(4)).body("kept_session_id", nullValue());
        given().header("Authorization", "Bearer " + TestTokens.sign(VerifyAndAuthenticateTest.SECRET, id, email,
                Instant.now().plusSeconds(600), Map.of("session_id", UUID.randomUUID().toString())))
                .contentType(ContentType.JSON).body(Map.of("password", "a fifth password")).put("/user")
                .then().statusCode(200);
        identity(id).then().body("session_epoch", equalTo(5)).body("kept_session_id", nullValue());
    }

    /**
     * A completed email change ends the other sessions, whose tokens still name the old address (which anyone may
     * register once it is free), and keeps the caller's. Its first half, and the request, end nothing.
     */
    @Test
    void aCompletedEmailChangeEndsTheOtherSessionsAndKeepsTheCallers() {
        String email = "epoch-move-" + UUID.randomUUID() + "@example.com";
        String moved = "epoch-moved-" + UUID.randomUUID() + "@example.com";
        String id = confirmed(email)[0];
        String mine = UUID.randomUUID().toString();
        String myBearer = bearer(id, email, mine, 1);
        String otherBearer = bearer(id, email, UUID.randomUUID().toString(), 1);

        given().header("Authorization", myBearer).contentType(ContentType.JSON).body(Map.of("email", moved))
                .put("/user").then().statusCode(200).body("new_email", equalTo(moved));
        List<String> tokens = MailTokens.of(stack, id, "EMAIL_CHANGE", 2);
        given().header("Authorization", myBearer).contentType(ContentType.JSON)
                .body(Map.of("email_change_token", tokens.get(0))).put("/user").then().statusCode(200)
                .body("email", equalTo(email));
        assertEquals(1, epoch(id), "a request and its first half end nothing");
        given().header("Authorization", otherBearer).get("/user").then().statusCode(200);

        given().header("Authorization", myBearer).contentType(ContentType.JSON)
                .body(Map.of("email_change_token", tokens.get(1))).put("/user").then().statusCode(200)
                .body("email", equalTo(moved));
        identity(id).then().body("session_epoch", equalTo(2)).body("kept_session_id", equalTo(mine));
        given().header("Authorization", myBearer).get("/user").then().statusCode(200).body("email", equalTo(moved));
        given().header("Authorization", otherBearer).get("/user").then().statusCode(401)
                .body("msg", equalTo("Invalid token: this session has ended, sign in again"));
    }

    /**
     * A logout (auth-service asks before it ends its sessions) ends their access tokens here too: all of them, or all
     * but the caller's. The token of a session that has already ended is refused and changes nothing, so it can
     * neither make itself the spared one nor sign the owner out.
     */
    @Test
    void aLogoutEndsTheAccessTokensOfTheSessionsItEnds() throws Exception {
        String email = "epoch-logout-" + UUID.randomUUID() + "@example.com";
        String id = confirmed(email)[0];
        String mine = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        String myBearer = bearer(id, email, mine, 1);
        String otherBearer = bearer(id, email, other, 1);
        given().header("Authorization", otherBearer).get("/user").then().statusCode(200);

        endSessions(id, Map.of("scope", "others", "caller_session_id", mine, "caller_session_epoch", 1))
                .then().statusCode(204);
        identity(id).then().body("session_epoch", equalTo(2)).body("kept_session_id", equalTo(mine));
        given().header("Authorization", myBearer).get("/user").then().statusCode(200);
        given().header("Authorization", otherBearer).get("/user").then().statusCode(401)
                .body("msg", equalTo("Invalid token: this session has ended, sign in again"));
        given().header("Authorization", otherBearer).contentType(ContentType.JSON)
                .body(Map.of("password", "the thief's password")).put("/user").then().statusCode(401);

        // The ended session's token, whatever it asks, ends nothing.
        for (String scope : List.of("others", "global", "local")) {
            endSessions(id, Map.of("scope", scope, "caller_session_id", other, "caller_session_epoch", 1))
                    .then().statusCode(401).body("msg", equalTo("Invalid token: this session has ended, sign in again"));
        }
        identity(id).then().body("session_epoch", equalTo(2)).body("kept_session_id", equalTo(mine));
        given().header("Authorization", myBearer).get("/user").then().statusCode(200);

        // A local logout ends the caller's session alone, named on the user: the epoch stays.
        String third = UUID.randomUUID().toString();
        String thirdBearer = bearer(id, email, third, 2);
        endSessions(id, Map.of("scope", "local", "caller_session_id", mine, "caller_session_epoch", 1))
                .then().statusCode(204);
        assertEquals(2, epoch(id));
        given().header("Authorization", myBearer).get("/user").then().statusCode(401)
                .body("msg", equalTo("Invalid token: this session has ended, sign in again"));
        given().header("Authorization", thirdBearer).get("/user").then().statusCode(200);
        endSessions(id, Map.of("scope", "local", "caller_session_id", mine, "caller_session_epoch", 1))
                .then().statusCode(401);

        endSessions(id, Map.of("scope", "global", "caller_session_id", third, "caller_session_epoch", 2))
                .then().statusCode(204);
        given().header("Authorization", thirdBearer).get("/user").then().statusCode(401);
        String next = UUID.randomUUID().toString();
        given().header("Authorization", bearer(id, email, next, 3)).get("/user").then().statusCode(200);
        // A token that names no session (an operator tool's) ends them all too.
        endSessions(id, Map.of("scope", "global")).then().statusCode(204);
        given().header("Authorization", bearer(id, email, next, 3)).get("/user").then().statusCode(401);
        login(email, PASSWORD).then().statusCode(200).body("session_epoch", equalTo(4));

        // Only the newest sessions ended one by one are remembered; an epoch raise forgets them all.
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 70; i++) {
            String session = UUID.randomUUID().toString();
            many.add(session);
            endSessions(id, Map.of("scope", "local", "caller_session_id", session, "caller_session_epoch", 4))
                    .then().statusCode(204);
        }
        given().header("Authorization", bearer(id, email, many.get(69), 4)).get("/user").then().statusCode(401);
        given().header("Authorization", bearer(id, email, many.get(6), 4)).get("/user").then().statusCode(401);
        given().header("Authorization", bearer(id, email, many.get(5), 4)).get("/user").then().statusCode(200);

        endSessions(id, Map.of("scope", "everything")).then().statusCode(400);
        endSessions(UUID.randomUUID().toString(), Map.of("scope", "global")).then().statusCode(404)
                .body("msg", equalTo("User not found"));
        given().contentType(ContentType.JSON).body(Map.of("scope", "global"))
                .post("/internal/users/" + id + "/end-sessions").then().statusCode(401);
        assertEquals(4, epoch(id), "refused calls end nothing");
        assertEquals(64, endedSessions(id), "the newest 64 are kept");
        operator().body(Map.of("ban_duration", "1h")).put("/admin/users/" + id).then().statusCode(200);
        assertEquals(0, endedSessions(id), "raising the epoch ended them all anyway");
    }

    /**
     * The admin API judges a user's token as {@code /user} does: a banned admin, or the token of a session a ban,
     * recovery or password change ended, manages nobody, and so cannot unban itself or set the password a recovery
     * just replaced.
     */
    @Test
    void anAdminsEndedSessionOrBanStopsTheAdminApi() {
        String email = "epoch-admin-" + UUID.randomUUID() + "@example.com";
        String id = operator().body(Map.of("email", email, "password", PASSWORD, "confirm", true, "role", "admin"))
                .post("/admin/users").then().statusCode(200).extract().path("id");
        long started = epoch(id);
        String session = UUID.randomUUID().toString();
        String admin = bearer(id, email, session, started);
        given().header("Authorization", admin).get("/admin/users").then().statusCode(200);

        operator().body(Map.of("ban_duration", "24h")).put("/admin/users/" + id).then().statusCode(200);
        given().header("Authorization", admin).get("/admin/users").then().statusCode(403)
                .body("msg", equalTo("User is banned"));
        given().header("Authorization", admin).contentType(ContentType.JSON).body(Map.of("ban_duration", "none"))
                .put("/admin/users/" + id).then().statusCode(403);
        // A banned user is mailed no recovery link (it would answer 403); the answer is the usual one.
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);
        operator().get("/admin/users/" + id).then().statusCode(200).body("recovery_sent_at", nullValue());
        operator().body(Map.of("ban_duration", "none")).put("/admin/users/" + id).then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);
        operator().get("/admin/users/" + id).then().statusCode(200).body("recovery_sent_at", notNullValue());

        // The ban ended the session: its token stays refused once the ban is lifted.
        given().header("Authorization", admin).get("/admin/users").then().statusCode(401)
                .body("msg", equalTo("Invalid token: this session has ended, sign in again"));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("password", "the thief's password")).put("/admin/users/" + id).then().statusCode(401);
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("email", "invited-" + UUID.randomUUID() + "@example.com")).post("/invite")
                .then().statusCode(401);
        login(email, PASSWORD).then().statusCode(200);
        given().header("Authorization", bearer(id, email, UUID.randomUUID().toString(), epoch(id)))
                .get("/admin/users").then().statusCode(200);
    }

    /** How many sessions ended one by one the user's row names. */
    private int endedSessions(String id) throws Exception {
        try (java.sql.Connection c = stack.jdbc(); java.sql.PreparedStatement s = c.prepareStatement(
                "select count(*) from users.users, jsonb_object_keys(coalesce(ended_sessions, '{}')) where id = ?::uuid")) {
            s.setString(1, id);
            try (java.sql.ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    static io.restassured.response.Response endSessions(String id, Map<String, Object> body) {
        return VerifyAndAuthenticateTest.internal().body(body).post("/internal/users/" + id + "/end-sessions");
    }

    /** An access token as auth-service mints it, of a session started under {@code epoch}. */
    static String bearer(String id, String email, String session, long epoch) {
        return "Bearer " + TestTokens.sign(VerifyAndAuthenticateTest.SECRET, id, email, Instant.now().plusSeconds(600),
                Map.of("session_id", session, "session_epoch", epoch));
    }

    /**
     * An attacker holding a session's access token, after the owner ended that session (a recovery, a ban, an
     * admin's reset), can neither change the account with it nor make the session live again by changing the
     * password through it.
     */
    @Test
    void anEndedSessionsTokenCannotChangeTheAccountOrReviveItsSession() {
        String email = "epoch-revive-" + UUID.randomUUID() + "@example.com";
        String id = confirmed(email)[0];
        String stolen = bearer(id, email, UUID.randomUUID().toString(), 1);
        given().header("Authorization", stolen).contentType(ContentType.JSON).body(Map.of("data", Map.of("x", 1)))
                .put("/user").then().statusCode(200);

        // The owner recovers: every session ends.
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);
        VerifyAndAuthenticateTest.internal()
                .body(Map.of("type", "recovery", "token", MailTokens.newest(stack, id, "RECOVERY")))
                .post("/internal/verify").then().statusCode(200).body("session_epoch", equalTo(2));
        for (Map<String, Object> change : List.of(Map.<String, Object>of("password", "the attacker's password"),
                Map.<String, Object>of("data", Map.of("x", 2)), Map.<String, Object>of("email", "elsewhere@example.com"))) {
            given().header("Authorization", stolen).contentType(ContentType.JSON).body(change).put("/user").then()
                    .statusCode(401).body("msg", equalTo("Invalid token: this session has ended, sign in again"));
        }
        given().header("Authorization", stolen).get("/user").then().statusCode(401)
                .body("msg", equalTo("Invalid token: this session has ended, sign in again"));
        identity(id).then().body("session_epoch", equalTo(2)).body("kept_session_id", nullValue())
                .body("user_metadata.x", equalTo(1));
        login(email, "the attacker's password").then().statusCode(400);

        // The owner's new session (started under epoch 2) sets the new password and is the one kept.
        String owner = UUID.randomUUID().toString();
        given().header("Authorization", bearer(id, email, owner, 2)).contentType(ContentType.JSON)
                .body(Map.of("password", "the owner's new password")).put("/user").then().statusCode(200);
        identity(id).then().body("session_epoch", equalTo(3)).body("kept_session_id", equalTo(owner));
        given().header("Authorization", bearer(id, email, owner, 2)).get("/user").then().statusCode(200)
                .body("id", equalTo(id));

        // A ban refuses every change, even from a live session; once lifted, the ban's ended sessions stay ended.
        operator().body(Map.of("ban_duration", "1h")).put("/admin/users/" + id).then().statusCode(200);
        given().header("Authorization", bearer(id, email, owner, 4)).contentType(ContentType.JSON)
                .body(Map.of("data", Map.of("x", 3))).put("/user").then().statusCode(403)
                .body("msg", equalTo("User is banned"));
        operator().body(Map.of("ban_duration", "none")).put("/admin/users/" + id).then().statusCode(200);
        given().header("Authorization", bearer(id, email, owner, 2)).contentType(ContentType.JSON)
                .body(Map.of("password", "revived?")).put("/user").then().statusCode(401);
        identity(id).then().body("session_epoch", equalTo(4)).body("kept_session_id", nullValue());
    }

    @Test
    void recoveryAndAnAdminPasswordResetEndEverySession() {
        String email = "epoch-recover-" + UUID.randomUUID() + "@example.com";
        String id = confirmed(email)[0];
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);
        VerifyAndAuthenticateTest.internal()
                .body(Map.of("type", "recovery", "token", MailTokens.newest(stack, id, "RECOVERY")))
                .post("/internal/verify").then().statusCode(200)
                .body("session_epoch", equalTo(2)).body("kept_session_id", nullValue());

        operator().body(Map.of("user_metadata", Map.of("team", "red"))).put("/admin/users/" + id).then().statusCode(200);
        assertEquals(2, epoch(id), "a metadata change ends nothing");
        operator().body(Map.of("password", "reset by an admin")).put("/admin/users/" + id).then().statusCode(200);
        assertEquals(3, epoch(id));
        login(email, "reset by an admin").then().statusCode(200).body("session_epoch", equalTo(3));
    }

    @Test
    void anAdminConfirmationEndsTheSessionsToo() {
        String email = "epoch-admin-" + UUID.randomUUID() + "@example.com";
        String id = operator().body(Map.of("email", email, "password", PASSWORD)).post("/admin/users")
                .then().statusCode(200).extract().path("id");
        assertEquals(0, epoch(id));
        operator().body(Map.of("confirm", true)).put("/admin/users/" + id).then().statusCode(200);
        assertEquals(1, epoch(id));
        operator().body(Map.of("confirm", true)).put("/admin/users/" + id).then().statusCode(200);
        assertEquals(1, epoch(id), "only the first confirmation");
    }

    @Test
    void aBanEndsTheSessionsAndKeepsTheUserFromSigningInUntilItIsLifted() {
        String email = "banned-" + UUID.randomUUID() + "@example.com";
        String id = confirmed(email)[0];
        // A link mailed before the ban opens nothing during it (no link is mailed to a banned user).
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);
        String recovery = MailTokens.newest(stack, id, "RECOVERY");

        operator().body(Map.of("ban_duration", "24h")).put("/admin/users/" + id).then().statusCode(200)
                .body("banned_until", notNullValue());
        JsonPath banned = operator().get("/admin/users/" + id).then().statusCode(200).extract().jsonPath();
        Instant until = Instant.parse(banned.getString("banned_until"));
        assertTrue(until.isAfter(Instant.now().plusSeconds(23 * 3600)), until.toString());
        assertEquals(2, epoch(id));

        login(email, PASSWORD).then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("User is banned"));
        login(email, "not the password").then().statusCode(400)
                .body("error_description", equalTo("No user found with that email, or password invalid."));
        VerifyAndAuthenticateTest.internal().body(Map.of("type", "recovery", "token", recovery))
                .post("/internal/verify").then().statusCode(403).body("msg", equalTo("User is banned"));
        VerifyAndAuthenticateTest.internal().body(Map.of("provider", "github", "aud", "",
                "emails", List.of(Map.of("email", email, "verified", true, "primary", true)), "profile", Map.of()))
                .post("/internal/external-login").then().statusCode(403).body("msg", equalTo("User is banned"));

        // supabase/auth reads it with Go's time.ParseDuration: no ISO-8601, no spaces, no bare number.
        for (String bad : List.of("forever", "-1h", "0", "", "P1D", " 1h", "1h ", "24", " none")) {
            operator().body(Map.of("ban_duration", bad)).put("/admin/users/" + id).then().statusCode(400)
                    .body("msg", equalTo("ban_duration must be \"none\" or a positive duration such as \"24h\""));
        }
        operator().body(Map.of("ban_duration", "none")).put("/admin/users/" + id).then().statusCode(200)
                .body("banned_until", nullValue());
        assertEquals(2, epoch(id), "lifting a ban ends nothing");
        login(email, PASSWORD).then().statusCode(200);
    }
}
