package dev.tessera.user.signup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.account.AccountTest;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.MailTokens;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Pre-account takeover (issue 15): someone signs up first with another person's address and a password of their
 * own. Whoever signs up last with another password holds the unconfirmed account, every earlier link is void, and
 * only a link from the mailbox confirms it, so the one who can read the mail decides.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class SignupAgainTest {

    static final String STRANGER = "stranger's own secret";
    static final String OWNER = "owner's own secret";

    @InjectTestStack
    TestStack stack;

    static String signup(String email, String password, Map<String, Object> data) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password, "data", data))
                .post("/signup").then().statusCode(200).extract().path("id");
    }

    static int login(String email, String password) {
        return VerifyAndAuthenticateTest.internal().body(Map.of("email", email, "password", password, "aud", ""))
                .post("/internal/authenticate").then().extract().statusCode();
    }

    static int verify(String token) {
        return VerifyAndAuthenticateTest.internal().body(Map.of("type", "signup", "token", token))
                .post("/internal/verify").then().extract().statusCode();
    }

    List<String> confirmationTokens(String userId, int count) {
        return MailTokens.of(stack, userId, "CONFIRMATION", count);
    }

    @Test
    void theOwnerSigningUpAfterAStrangerHoldsTheAccountAndTheStrangersPasswordOpensNothing() {
        String email = "owner-" + UUID.randomUUID() + "@example.com";
        String id = signup(email, STRANGER, Map.of("planted", "by the stranger"));
        String sameId = given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", OWNER, "data", Map.of("full_name", "Owner")))
                .post("/signup").then().statusCode(200)
                .body("user_metadata", equalTo(Map.of("full_name", "Owner")))
                .extract().path("id");
        assertEquals(id, sameId, "one account per address");

        // Mailed at once, inside GOTRUE_SMTP_MAX_FREQUENCY: the stranger's link is void.
        theOwnersLinkConfirmsAndOnlyTheOwnersPasswordOpens(id, email, 2);
    }

    /**
     * The answer to a signup that replaced a pending user looks like a new user's: created now, its times to the
     * microsecond as every answer's, so it does not tell that someone signed up with the address before.
     */
    @Test
    void aReplacedPendingUserIsAnsweredAsANewOne() throws Exception {
        String email = "pending-" + UUID.randomUUID() + "@example.com";
        String first = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", STRANGER))
                .post("/signup").then().statusCode(200).extract().path("created_at");
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);
        Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);
        var again = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", OWNER))
                .post("/signup").then().statusCode(200).extract().jsonPath();
        String fresh = given().contentType(ContentType.JSON)
                .body(Map.of("email", "fresh-" + UUID.randomUUID() + "@example.com", "password", OWNER))
                .post("/signup").then().statusCode(200).extract().path("created_at");

        Instant created = Instant.parse(again.getString("created_at"));
        assertEquals(null, again.getString("recovery_sent_at"), "no trace of a recovery asked for the pending user");
        assertTrue(!created.isBefore(before), "created " + created + ", the first signup at " + first);
        for (String time : List.of(first, again.getString("created_at"), again.getString("confirmation_sent_at"),
                fresh)) {
            assertEquals(Instant.parse(time), Instant.parse(time).truncatedTo(ChronoUnit.MICROS), time);
        }
    }

    @Test
    void aStrangerSigningUpAfterTheOwnerVoidsTheOwnersLinkButCannotConfirm() {
        String email = "first-" + UUID.randomUUID() + "@example.com";
        String id = signup(email, OWNER, Map.of("full_name", "Owner"));
        signup(email, STRANGER, Map.of());

        List<String> tokens = confirmationTokens(id, 2);
        assertEquals(404, verify(tokens.get(0)), "the owner's first link is void after another password");
        // Unconfirmed, so the stranger's password opens nothing; the owner's neither, until they sign up again.
        VerifyAndAuthenticateTest.internal().body(Map.of("email", email, "password", STRANGER, "aud", ""))
                .post("/internal/authenticate").then().statusCode(400)
                .body("error_description", equalTo("Email not confirmed"));

        signup(email, OWNER, Map.of("full_name", "Owner"));
        theOwnersLinkConfirmsAndOnlyTheOwnersPasswordOpens(id, email, 3);
    }

    /** The last of {@code links} links (the owner's) confirms, the stranger's before it is void. */
    void theOwnersLinkConfirmsAndOnlyTheOwnersPasswordOpens(String id, String email, int links) {
        List<String> tokens = confirmationTokens(id, links);
        assertEquals(404, verify(tokens.get(links - 2)), "the link of the stranger's signup is void");
        assertEquals(200, verify(tokens.get(links - 1)));
        assertEquals(400, login(email, STRANGER));
        assertEquals(200, login(email, OWNER));
    }

    static io.restassured.specification.RequestSpecification operator() {
        return given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON);
    }

    @Test
    void aSignupDoesNotTakeOverAnInvitedOrAdminCreatedUser() {
        String invited = "invited-" + UUID.randomUUID() + "@example.com";
        String invitedId = operator().body(Map.of("email", invited)).post("/invite").then().statusCode(200)
                .extract().path("id");
        String created = "created-" + UUID.randomUUID() + "@example.com";
        String createdId = operator().body(Map.of("email", created, "password", OWNER, "role", "editor",
                "app_metadata", Map.of("roles", List.of("admin")))).post("/admin/users").then().statusCode(200)
                .extract().path("id");

        for (String email : List.of(invited, created)) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("email", email, "password", STRANGER, "data", Map.of("planted", true)))
                    .post("/signup").then().statusCode(400)
                    .body("msg", equalTo("A user with this email address has already been registered"));
        }
        operator().get("/admin/users/" + createdId).then().statusCode(200).body("role", equalTo("editor"))
                .body("user_metadata.planted", nullValue()).body("confirmation_sent_at", nullValue());
        operator().get("/admin/users/" + invitedId).then().statusCode(200).body("user_metadata.planted", nullValue());
        assertEquals(400, login(created, STRANGER));

        // The invitee's link still works, with the password the invitee chooses.
        VerifyAndAuthenticateTest.internal().body(Map.of("type", "signup", "password", OWNER,
                "token", MailTokens.newest(stack, invitedId, "INVITE"))).post("/internal/verify").then().statusCode(200);
        assertEquals(200, login(invited, OWNER));
        assertEquals(400, login(invited, STRANGER));
    }

    /**
     * A signup with the admin's password resends a confirmation to an admin-made user (GoTrue's resend); that does
     * not make the user a signup's, which a stranger's signup with another password could then take over, role and
     * app_metadata included.
     */
    @Test
    void aConfirmationMailedToAnAdminCreatedUserDoesNotOpenItToAStranger() {
        String created = "created-resent-" + UUID.randomUUID() + "@example.com";
        String createdId = operator().body(Map.of("email", created, "password", OWNER, "role", "admin",
                "app_metadata", Map.of("roles", List.of("admin")))).post("/admin/users").then().statusCode(200)
                .extract().path("id");
        given().contentType(ContentType.JSON).body(Map.of("email", created, "password", OWNER)).post("/signup")
                .then().statusCode(200);
        operator().get("/admin/users/" + createdId).then().statusCode(200).body("confirmation_sent_at", notNullValue());

        given().contentType(ContentType.JSON).body(Map.of("email", created, "password", STRANGER)).post("/signup")
                .then().statusCode(400).body("msg", equalTo("A user with this email address has already been registered"));
        assertEquals(200, verify(confirmationTokens(createdId, 1).get(0)), "the owner's link still confirms");
        assertEquals(200, login(created, OWNER));
        assertEquals(400, login(created, STRANGER));
    }

    /**
     * A signup's pending user an admin has since given a role: a stranger's signup with another password would take
     * the role over with the account (and read it in the answer); it is answered as a registered address instead.
     */
    @Test
    void aSignupsPendingUserAnAdminChangedIsNoLongerOpenToAnotherSignup() {
        String email = "promoted-" + UUID.randomUUID() + "@example.com";
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", OWNER))
                .post("/signup").then().statusCode(200).extract().path("id");
        operator().body(Map.of("role", "admin", "app_metadata", Map.of("roles", List.of("admin"))))
                .put("/admin/users/" + id).then().statusCode(200);

        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", STRANGER)).post("/signup")
                .then().statusCode(400).body("msg", equalTo("A user with this email address has already been registered"))
                .body("role", nullValue()).body("app_metadata", nullValue());
        assertEquals(200, verify(confirmationTokens(id, 1).get(0)), "the owner's link still confirms");
        assertEquals(200, login(email, OWNER));
        assertEquals(400, login(email, STRANGER));
    }

    @Test
    void recoveryConfirmsAnUnconfirmedAccountWithoutTheStrangersPassword() {
        String email = "recovered-" + UUID.randomUUID() + "@example.com";
        String id = signup(email, STRANGER, Map.of());
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);
        VerifyAndAuthenticateTest.internal()
                .body(Map.of("type", "recovery", "token", MailTokens.newest(stack, id, "RECOVERY")))
                .post("/internal/verify").then().statusCode(200).body("confirmed", equalTo(true));

        assertEquals(400, login(email, STRANGER), "the password set before the address was proven is gone");
        assertEquals(404, verify(confirmationTokens(id, 1).get(0)), "the confirmation link is spent too");
    }

    @Test
    void theSamePasswordAgainKeepsTheLinkAndSendsNoSecondMailInsideTheThrottle() {
        String email = "again-" + UUID.randomUUID() + "@example.com";
        String id = signup(email, OWNER, Map.of("a", 1));
        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", OWNER, "data", Map.of("b", 2)))
                .post("/signup").then().statusCode(200)
                .body("user_metadata", equalTo(Map.of("a", 1, "b", 2)));

        String first = confirmationTokens(id, 1).get(0);
        assertEquals(200, verify(first), "the earlier link stays valid");
        // A later mail of the same user: once it is on the topic, a resent confirmation would be before it.
        given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/recover").then().statusCode(200);
        long confirmations = stack.awaitRecords(Topic.MAIL, seen -> seen.stream()
                .anyMatch(r -> AccountTest.matches(r, id, "RECOVERY", null)), Duration.ofSeconds(30)).stream()
                .filter(r -> AccountTest.matches(r, id, "CONFIRMATION", null)).count();
        assertEquals(1, confirmations, "the resend was throttled");
        assertEquals(200, login(email, OWNER));
    }
}
