package dev.tessera.user.hooks;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.internal.Deadline;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.InternalApiStub.Answer;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.InternalCalls;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The synchronous event functions as user-service runs them: which hook fires when, once per action; a refusal
 * leaves nothing written; an answer's maps are what the response, the row and the token carry.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
public class HooksTest {

    static final String SECRET = InternalCalls.SECRET;
    static final ObjectMapper JSON = new ObjectMapper();

    @InjectTestStack
    TestStack stack;

    static String email() {
        return "hooked-" + UUID.randomUUID() + "@example.com";
    }

    static RequestSpecification internal() {
        return InternalCalls.internal();
    }

    static List<String> ran(String email) {
        return HookServiceStub.ran(email);
    }

    String confirmationToken(String userId) throws Exception {
        return InternalCalls.newestMailToken(stack, userId);
    }

    long users(String email) throws Exception {
        return users(stack, email);
    }

    /** How many users have this address, in any audience. */
    public static long users(TestStack stack, String email) throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select count(*) from users.users where lower(email) = lower(?)")) {
            s.setString(1, email);
            ResultSet rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aRefusingValidateFunctionCreatesNobody() throws Exception {
        String email = email();
        HookServiceStub.ANSWERS.put(HookServiceStub.key("validate", email), Answer.error(422, "Failed to handle signup webhook"));
        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "hook-test-password")).post("/signup")
                .then().statusCode(422).body("msg", equalTo("Failed to handle signup webhook"));
        assertEquals(0, users(email));
        assertEquals(List.of("validate"), ran(email));

        HookServiceStub.ANSWERS.put(HookServiceStub.key("validate", email), Answer.error(504,
                "Failed to perform webhook in time frame (5 seconds)"));
        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "hook-test-password")).post("/signup")
                .then().statusCode(504).body("code", equalTo(504));
        assertEquals(0, users(email));
    }

    @Test
    void metadataFromTheFunctionsIsStoredAndAnsweredAndReachesTheToken() throws Exception {
        String email = email();
        HookServiceStub.ANSWERS.put(HookServiceStub.key("validate", email),
                Answer.ok(Map.of("app_metadata", Map.of("provider", "email", "roles", List.of("member")))));
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "hook-test-password",
                "data", Map.of("full_name", "Hook Hanna"))).post("/signup")
                .then().statusCode(200)
                .body("app_metadata.roles[0]", equalTo("member"))
                .body("user_metadata.full_name", equalTo("Hook Hanna"))
                .extract().path("id");

        HookServiceStub.ANSWERS.put(HookServiceStub.key("signup", email),
                Answer.ok(Map.of("user_metadata", Map.of("plan", "trial"))));
        internal().body(Map.of("type", "signup", "token", confirmationToken(id))).post("/internal/verify")
                .then().statusCode(200)
                .body("app_metadata.roles[0]", equalTo("member"))
                .body("user_metadata.plan", equalTo("trial"))
                .body("user_metadata.full_name", nullValue());

        HookServiceStub.ANSWERS.put(HookServiceStub.key("login", email),
                Answer.ok(Map.of("app_metadata", Map.of("provider", "email", "roles", List.of("admin")))));
        internal().body(Map.of("email", email, "password", "hook-test-password", "aud", "")).post("/internal/authenticate")
                .then().statusCode(200).body("app_metadata.roles[0]", equalTo("admin"))
                .body("user_metadata.plan", equalTo("trial"));

        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select app_metadata::text, user_metadata::text from users.users where id = ?")) {
            s.setObject(1, UUID.fromString(id));
            ResultSet rs = s.executeQuery();
            rs.next();
            assertEquals("[\"admin\"]", JSON.readTree(rs.getString(1)).path("roles").toString());
            assertEquals("trial", JSON.readTree(rs.getString(2)).path("plan").asText());
        }
        assertEquals(List.of("validate", "signup", "login"), ran(email), "each hook once, in the order of the actions");

        var events = stack.awaitRecords(Topic.EVENTS, seen -> seen.stream().anyMatch(r -> r.key().equals(id)
                && r.value().contains("user.updated")), Duration.ofSeconds(30));
        assertTrue(events.stream().filter(r -> r.key().equals(id) && r.value().contains("user.updated"))
                .anyMatch(r -> r.value().contains("\"roles\":[\"admin\"]")), "the event carries the stored values");
    }

    /**
     * auth-service gives the password check 1.2 s; the login function answers with new metadata after 2.5 s. The check
     * answers 504 when the budget ends, and the late answer is never stored: the client was told the login failed.
     */
    @Test
    void aLoginFunctionSlowerThanTheCallersBudgetChangesNothing() throws Exception {
        String email = email();
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "hook-test-password"))
                .post("/signup").then().statusCode(200).extract().path("id");
        internal().body(Map.of("type", "signup", "token", confirmationToken(id))).post("/internal/verify")
                .then().statusCode(200);
        String login = HookServiceStub.key("login", email);
        HookServiceStub.ANSWERS.put(login, Answer.ok(Map.of("app_metadata", Map.of("roles", List.of("late")))));
        HookServiceStub.DELAYS.put(login, Duration.ofMillis(2500));
        try {
            internal().header(Deadline.HEADER, "1200")
                    .body(Map.of("email", email, "password", "hook-test-password", "aud", ""))
                    .post("/internal/authenticate").then().statusCode(504).body("code", equalTo(504));
            Thread.sleep(2500);
            try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                    "select app_metadata::text from users.users where id = ?")) {
                s.setObject(1, UUID.fromString(id));
                ResultSet rs = s.executeQuery();
                rs.next();
                assertTrue(JSON.readTree(rs.getString(1)).path("roles").isMissingNode(), rs.getString(1));
            }
        } finally {
            HookServiceStub.DELAYS.remove(login);
            HookServiceStub.ANSWERS.remove(login);
        }
    }

    @Test
    void aRefusingSignupFunctionLeavesTheUserUnconfirmedAndTheLinkValid() throws Exception {
        String email = email();
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "hook-test-password"))
                .post("/signup").then().statusCode(200).extract().path("id");
        String token = confirmationToken(id);
        HookServiceStub.ANSWERS.put(HookServiceStub.key("signup", email), Answer.error(422, "Failed to handle signup webhook"));
        internal().body(Map.of("type", "signup", "token", token)).post("/internal/verify")
                .then().statusCode(422).body("msg", equalTo("Failed to handle signup webhook"));
        internal().body(Map.of("email", email, "password", "hook-test-password", "aud", "")).post("/internal/authenticate")
                .then().statusCode(400).body("error_description", equalTo("Email not confirmed"));

        HookServiceStub.ANSWERS.remove(HookServiceStub.key("signup", email));
        internal().body(Map.of("type", "signup", "token", token)).post("/internal/verify").then().statusCode(200);
        HookServiceStub.ANSWERS.put(HookServiceStub.key("login", email), Answer.error(422, "Failed to handle signup webhook"));
        internal().body(Map.of("email", email, "password", "hook-test-password", "aud", "")).post("/internal/authenticate")
                .then().statusCode(422);
        assertEquals(List.of("validate", "signup", "signup", "login"), ran(email));
    }

    @Test
    void wrongPasswordsAndUnconfirmedUsersNeverReachTheLoginFunction() {
        String email = email();
        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "hook-test-password")).post("/signup")
                .then().statusCode(200);
        internal().body(Map.of("email", email, "password", "hook-test-password", "aud", "")).post("/internal/authenticate")
                .then().statusCode(400);
        assertEquals(List.of("validate"), ran(email));
    }
}
