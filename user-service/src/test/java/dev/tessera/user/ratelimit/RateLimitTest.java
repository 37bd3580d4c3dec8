package dev.tessera.user.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The limits of user-service's routes with small allowances, through the public API: per client address and per
 * address, account or admin, {@code 429} with {@code Retry-After}; mails bounded per recipient (counted by the mail
 * requests actually queued) and per client address; {@code /recover} silent when the recipient has no mail left.
 */
@QuarkusTest
@TestProfile(RateLimitTest.SmallLimits.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class RateLimitTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("tessera.rate-limit.signup.per-client", "3/1h"),
                    Map.entry("tessera.rate-limit.signup.per-email", "2/1h"),
                    Map.entry("tessera.rate-limit.recover.per-client", "4/1h"),
                    Map.entry("tessera.rate-limit.recover.per-email", "3/1h"),
                    Map.entry("tessera.rate-limit.invite.per-admin", "3/1h"),
                    Map.entry("tessera.rate-limit.invite.per-email", "2/1h"),
                    Map.entry("tessera.rate-limit.user-update.per-user", "10/1h"),
                    Map.entry("tessera.rate-limit.mail.per-recipient", "2/1h"),
                    Map.entry("gotrue.rate-limit-email-sent", "6/1h"),
                    // Every recovery and resend is mailed, so only the rate limits bound them.
                    Map.entry("gotrue.smtp.max-frequency", "1ms"));
        }
    }

    @InjectTestStack
    TestStack stack;

    static RequestSpecification from(String client) {
        return given().header(TestClients.FORWARDED_FOR, client).contentType(ContentType.JSON);
    }

    static Response signup(String client, String email) {
        return from(client).body(Map.of("email", email, "password", "plum-tree-1")).post("/signup");
    }

    static Response recover(String client, String email) {
        return from(client).body(Map.of("email", email)).post("/recover");
    }

    static String email(String what) {
        return what + "-" + UUID.randomUUID() + "@example.com";
    }

    static void refused(Response response, String message) {
        response.then().statusCode(429).contentType(ContentType.JSON)
                .body("code", equalTo(429)).body("msg", equalTo(message));
        long retryAfter = Long.parseLong(response.getHeader("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
    }

    /** A confirmed user made by the operator, which mails nothing. */
    static String confirmedUser(String email) {
        return given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "plum-tree-1", "confirm", true)).post("/admin/users")
                .then().statusCode(200).extract().path("id");
    }

    static RequestSpecification as(String client, String id, String email) {
        return from(client).header("Authorization", "Bearer " + TestTokens.sign(SECRET, id, email));
    }

    /**
     * The mail requests queued for a user, once a password-change notice (never limited) queued after them has
     * arrived: the relay publishes a user's messages in order, so nothing queued before it is still to come.
     */
    List<String> mailsOnceSettled(String client, String id, String email) {
        as(client, id, email).body(Map.of("password", "pw-" + UUID.randomUUID())).put("/user").then().statusCode(200);
        List<ConsumerRecord<String, String>> records = stack.awaitRecords(Topic.MAIL, seen -> seen.stream()
                .anyMatch(r -> r.key().equals(id) && r.value().contains("PASSWORD_CHANGED_NOTIFICATION")),
                Duration.ofSeconds(60));
        List<String> mails = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            if (record.key().equals(id) && !record.value().contains("PASSWORD_CHANGED_NOTIFICATION")) {
                String value = record.value();
                String kind = value.replaceAll(".*\"kind\":\"([A-Z_]+)\".*", "$1");
                String to = value.replaceAll(".*\"to\":\"([^\"]+)\".*", "$1");
                mails.add(kind + " " + to);
            }
        }
        return mails;
    }

    @Test
    void signupsAreLimitedPerClientAddressAndPerAddress() {
        String client = TestClients.address();
        for (int i = 0; i < 3; i++) {
            signup(client, email("many")).then().statusCode(200);
        }
        refused(signup(client, email("many")), "Rate limit exceeded");
        signup(TestClients.address(), email("many")).then().statusCode(200);

        String again = email("again");
        signup(TestClients.address(), again).then().statusCode(200);
        signup(TestClients.address(), again).then().statusCode(200);
        refused(signup(TestClients.address(), again), "Rate limit exceeded");
    }

    @Test
    void recoverAnswersAlikeForKnownAndUnknownAddressesAndMailsNoMoreThanTheRecipientMayGet() {
        String known = email("known");
        String id = confirmedUser(known);
        String unknown = email("unknown");
        for (String address : List.of(known, unknown)) {
            for (int i = 0; i < 3; i++) {
                recover(TestClients.address(), address).then().statusCode(200).body(equalTo("{}"));
            }
            refused(recover(TestClients.address(), address), "Rate limit exceeded");
        }
        assertEquals(List.of("RECOVERY " + known, "RECOVERY " + known), mailsOnceSettled(TestClients.address(), id, known),
                "two mails reached the address; the third request was answered as for an unknown address");
    }

    @Test
    void sixEmailChangesMailOnlyWhatTheRecipientsMayGet() {
        String current = email("current");
        String id = confirmedUser(current);
        List<String> newAddresses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String next = email("new" + i);
            newAddresses.add(next);
            Response response = as(TestClients.address(), id, current).body(Map.of("email", next)).put("/user");
            if (i < 2) {
                response.then().statusCode(200).body("new_email", equalTo(next));
            } else {
                refused(response, "Email rate limit exceeded");
            }
        }
        as(TestClients.address(), id, current).get("/user").then().statusCode(200)
                .body("new_email", equalTo(newAddresses.get(1)));
        List<String> mails = mailsOnceSettled(TestClients.address(), id, current);
        assertEquals(List.of("EMAIL_CHANGE " + newAddresses.get(0), "EMAIL_CHANGE " + current,
                "EMAIL_CHANGE " + newAddresses.get(1), "EMAIL_CHANGE " + current), mails,
                "six requests, two pairs of mails: the current address's allowance is spent");
    }

    @Test
    void oneClientAddressMaySendOnlySoManyMailsOverAllRoutes() {
        String client = TestClients.address();
        for (int i = 0; i < 3; i++) {
            signup(client, email("mailer")).then().statusCode(200);
        }
        for (int i = 0; i < 3; i++) {
            recover(client, email("nobody")).then().statusCode(200);
        }
        // The client may still recover (three of four), but has caused the six mails it may.
        refused(recover(client, email("nobody")), "Rate limit exceeded");
    }

    @Test
    void putUserIsLimitedPerUser() {
        String email = email("busy");
        String id = confirmedUser(email);
        for (int i = 0; i < 10; i++) {
            as(TestClients.address(), id, email).body(Map.of("data", Map.of("n", i))).put("/user")
                    .then().statusCode(200);
        }
        refused(as(TestClients.address(), id, email).body(Map.of("data", Map.of("n", 10))).put("/user"),
                "Rate limit exceeded");
        String other = email("idle");
        String otherId = confirmedUser(other);
        as(TestClients.address(), otherId, other).body(Map.of("data", Map.of("n", 0))).put("/user")
                .then().statusCode(200);
    }

    @Test
    void invitesAreLimitedPerAdminAndPerInvitedAddress() {
        String invited = email("invited");
        RequestSpecification operator = given().header("Authorization", "Bearer test-operator-token")
                .contentType(ContentType.JSON);
        operator.header(TestClients.FORWARDED_FOR, TestClients.address()).body(Map.of("email", invited))
                .post("/invite").then().statusCode(200);
        given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .header(TestClients.FORWARDED_FOR, TestClients.address()).body(Map.of("email", invited))
                .post("/invite").then().statusCode(422);
        refused(given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .header(TestClients.FORWARDED_FOR, TestClients.address()).body(Map.of("email", invited))
                .post("/invite"), "Rate limit exceeded");
        // The operator has used its three invites; the system (a function's token) is another admin.
        refused(given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .header(TestClients.FORWARDED_FOR, TestClients.address()).body(Map.of("email", email("later")))
                .post("/invite"), "Rate limit exceeded");
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, "0", "system@example.com"))
                .contentType(ContentType.JSON).header(TestClients.FORWARDED_FOR, TestClients.address())
                .body(Map.of("email", email("by-system"))).post("/invite").then().statusCode(200);
    }

    @Test
    void anUntrustedPeerIsKeyedByItsOwnAddressWhateverItForwards() {
        for (int i = 0; i < 4; i++) {
            TestClients.Answer answer = TestClients.from("127.0.0.4", RestAssured.port, "POST", "/recover",
                    "application/json", "{\"email\":\"" + email("peer") + "\"}",
                    TestClients.FORWARDED_FOR, TestClients.address());
            assertEquals(200, answer.status(), answer.body());
        }
        TestClients.Answer limited = TestClients.from("127.0.0.4", RestAssured.port, "POST", "/recover",
                "application/json", "{\"email\":\"" + email("peer") + "\"}",
                TestClients.FORWARDED_FOR, TestClients.address());
        assertEquals(429, limited.status(), limited.body());
        assertEquals("{\"code\":429,\"msg\":\"Rate limit exceeded\"}", limited.body());
        assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
    }
}
