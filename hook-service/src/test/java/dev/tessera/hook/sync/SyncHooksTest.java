package dev.tessera.hook.sync;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServer.Received;
import dev.tessera.hook.testing.FunctionServer.Reply;
import dev.tessera.hook.testing.FunctionServerResource;
import dev.tessera.hook.testing.InjectFunctionServer;
import dev.tessera.hook.testing.Signatures;
import dev.tessera.platform.internal.Deadline;
import dev.tessera.platform.internal.ServiceCredential;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * The synchronous hooks through {@code POST /internal/hooks/{event}}, against real HTTP function and webhook
 * servers: what the functions receive (body, headers, signatures), how many times, and what the caller is told
 * (GOTRUE_WEBHOOK_RETRIES=3 and GOTRUE_WEBHOOK_TIMEOUTSEC=1 in tests).
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FunctionServerResource.class, restrictToAnnotatedClass = true)
class SyncHooksTest {

    @InjectFunctionServer
    FunctionServer functions;

    @Inject
    ServiceCredential credential;

    @Inject
    ObjectMapper mapper;

    private String userId;
    private Map<String, Object> user;

    @BeforeEach
    void freshUser() {
        functions.reset();
        userId = UUID.randomUUID().toString();
        user = new LinkedHashMap<>();
        user.put("id", userId);
        user.put("aud", "");
        user.put("role", "");
        user.put("email", "hook-" + userId.substring(0, 8) + "@example.com");
        user.put("app_metadata", Map.of("provider", "email"));
        user.put("user_metadata", Map.of("full_name", "Hook Tester"));
        user.put("created_at", "2026-11-23T18:30:11Z");
        user.put("updated_at", "2026-11-23T18:30:11Z");
    }

    @Test
    void functionThenWebhookRunInSequenceSignedAndTheLaterSeesTheEarlierReplacement() throws Exception {
        functions.on("/fn/identity-validate", (r, n) -> Reply.json(200, "{\"app_metadata\":{\"roles\":[\"admin\"]}}"));
        functions.on("/webhook", (r, n) -> Reply.json(200, "{\"user_metadata\":{\"plan\":\"pro\",\"gone\":null}}"));

        Map<?, ?> outcome = invoke("validate").statusCode(200).extract().as(Map.class);
        // Each map is replaced whole (provider and full_name are gone), and null values are dropped.
        assertEquals(Map.of("app_metadata", Map.of("roles", List.of("admin")),
                "user_metadata", Map.of("plan", "pro")), outcome);

        Received function = only("/fn/identity-validate");
        Received webhook = only("/webhook");
        assertTrue(function.at().isBefore(webhook.at()) || function.at().equals(webhook.at()), "function first");

        for (Received request : List.of(function, webhook)) {
            assertEquals("POST", request.method());
            assertEquals("application/json", request.header("content-type"));
            assertEquals("identity_validate", request.header("x-netlify-event"));
            Map<String, Object> body = json(request);
            assertEquals(List.of("event", "instance_id", "user"), List.copyOf(body.keySet()), request.text());
            assertEquals("validate", body.get("event"));
            assertEquals(Signatures.NIL_INSTANCE, body.get("instance_id"));
        }
        // The function gets the user as the caller sent it; the webhook sees the function's replacement.
        assertEquals(user, json(function).get("user"));
        Map<String, Object> seenByWebhook = new LinkedHashMap<>(user);
        seenByWebhook.put("app_metadata", Map.of("roles", List.of("admin")));
        assertEquals(seenByWebhook, json(webhook).get("user"));

        // Functions are signed with GOTRUE_JWT_SECRET, the webhook with GOTRUE_WEBHOOK_SECRET (both schemes on).
        Signatures.assertGoTrueSignature(function, Signatures.JWT_SECRET);
        Signatures.assertStandardSignature(function, Signatures.JWT_SECRET);
        Signatures.assertGoTrueSignature(webhook, FunctionServerResource.WEBHOOK_SECRET);
        Signatures.assertStandardSignature(webhook, FunctionServerResource.WEBHOOK_SECRET);
        assertEquals(function.header("webhook-id"), webhook.header("webhook-id"), "one call, one message id");
    }

    @Test
    void aWrongSecretDoesNotVerify() {
        functions.on("/fn/identity-login", (r, n) -> Reply.status(204));
        invoke("login").statusCode(200);
        Received request = only("/fn/identity-login");
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> Signatures.assertGoTrueSignature(request, "another-secret-another-secret-0123456789"));
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> Signatures.assertStandardSignature(request, "another-secret-another-secret-0123456789"));
    }

    @Test
    void everyStatusOtherThan200_202_204BlocksAfterTheLastAttempt() {
        for (int status : new int[] { 201, 203, 301, 302, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503 }) {
            functions.reset();
            functions.on("/fn/identity-login", (r, n) -> Reply.json(status, "{\"app_metadata\":{\"roles\":[\"x\"]}}"));
            invoke("login").statusCode(422)
                    .body("code", equalTo(422))
                    .body("msg", equalTo("Failed to handle signup webhook"));
            assertEquals(3, mine("/fn/identity-login").size(), "GOTRUE_WEBHOOK_RETRIES attempts for " + status);
            assertEquals(0, mine("/webhook").size(), "the webhook is not called once the function blocked");
        }
    }

    @Test
    void success200_202_204LetTheActionGoOn() {
        for (int status : new int[] { 200, 202, 204 }) {
            functions.reset();
            functions.on("/fn/identity-signup", (r, n) -> Reply.status(status));
            invoke("signup").statusCode(200).body(equalTo("{}"));
            assertEquals(1, mine("/fn/identity-signup").size(), "exactly once for " + status);
        }
    }

    @Test
    void a202WithMetadataAlsoReplaces() {
        functions.on("/fn/identity-signup", (r, n) -> Reply.json(202, "{\"user_metadata\":{\"a\":1}}"));
        invoke("signup").statusCode(200).body("user_metadata.a", equalTo(1)).body("app_metadata", equalTo(null));
    }

    @Test
    void signupIsNotAWebhookEventHereSoOnlyTheFunctionRuns() {
        invoke("signup").statusCode(200);
        assertEquals(1, mine("/fn/identity-signup").size());
        assertEquals(0, mine("/webhook").size(), "GOTRUE_WEBHOOK_EVENTS does not list signup");
    }

    @Test
    void failuresAreRetriedUntilTheLastAttempt() {
        functions.on("/fn/identity-login", (r, n) -> n < 3 ? Reply.status(500)
                : Reply.json(200, "{\"app_metadata\":{\"tier\":\"gold\"}}"));
        invoke("login").statusCode(200).body("app_metadata.tier", equalTo("gold"));
        assertEquals(3, mine("/fn/identity-login").size());
        assertEquals(1, mine("/webhook").size());
    }

    @Test
    void aTimeoutIsRetriedAndOnTheLastAttemptIs504() {
        functions.on("/fn/identity-login", (r, n) -> Reply.status(204).after(Duration.ofMillis(2500)));
        Instant started = Instant.now();
        invoke("login").statusCode(504)
                .body("code", equalTo(504))
                .body("msg", equalTo("Failed to perform webhook in time frame (1 seconds)"))
                .body("error_id", notNullValue());
        Duration took = Duration.between(started, Instant.now());
        assertEquals(3, functions.await(mine("/fn/identity-login", true), 3, Duration.ofSeconds(5)).size());
        assertTrue(took.compareTo(Duration.ofMillis(2900)) > 0 && took.compareTo(Duration.ofSeconds(8)) < 0,
                "three attempts of one second each, took " + took);
        assertEquals(0, mine("/webhook").size());
    }

    /**
     * The caller (user-service, with auth-service behind it) gives 1.6 s: the attempts fit in that (one of at most a
     * second, then what is left less the margin), so the 504 comes without the three full attempts that a call
     * without a budget gets. Counted, not timed: a loaded machine stretches every duration but not the count.
     */
    @Test
    void theAttemptsFitInTheCallersBudget() throws Exception {
        functions.on("/fn/identity-login", (r, n) -> Reply.status(204).after(Duration.ofMillis(2500)));
        authorized().header(Deadline.HEADER, "1600").body(Map.of("event", "login", "user", user))
                .post("/internal/hooks/login").then().statusCode(504)
                .body("msg", equalTo("Failed to perform webhook in time frame (1 seconds)"));
        Thread.sleep(1500);
        int attempts = mine("/fn/identity-login").size();
        assertTrue(attempts >= 1 && attempts <= 2, attempts + " attempts: " + functions.describe());
    }

    @Test
    void aTimeoutThenAnAnswerSucceeds() {
        functions.on("/fn/identity-login", (r, n) -> n == 1 ? Reply.status(204).after(Duration.ofMillis(2500))
                : Reply.json(200, "{\"user_metadata\":{\"second\":true}}"));
        invoke("login").statusCode(200).body("user_metadata.second", equalTo(true));
        assertEquals(2, mine("/fn/identity-login").size());
    }

    @Test
    void malformedJsonIsA500() {
        functions.on("/fn/identity-validate", (r, n) -> Reply.json(200, "{not json"));
        invoke("validate").statusCode(500)
                .body("code", equalTo(500))
                .body("msg", startsWith("Webhook returned malformed JSON: "))
                .body("error_id", notNullValue());
        functions.on("/fn/identity-validate", (r, n) -> Reply.json(200, "{\"app_metadata\":\"admin\"}"));
        invoke("validate").statusCode(500).body("msg", startsWith("Webhook returned malformed JSON: "));
        assertEquals(0, mine("/webhook").size(), "nothing runs after a failed target");
    }

    @Test
    void aJsonNullAnswerChangesNothing() {
        functions.on("/fn/identity-validate", (r, n) -> Reply.json(200, "null"));
        functions.on("/webhook", (r, n) -> Reply.json(200, "{\"app_metadata\":null}"));
        invoke("validate").statusCode(200).body(equalTo("{}"));
    }

    @Test
    void theInternalRouteChecksItsCallerAndInput() {
        given().contentType("application/json").body(Map.of("event", "login", "user", user))
                .post("/internal/hooks/login").then().statusCode(401).body("code", equalTo(401));
        given().header("Authorization", "Bearer not-the-credential").contentType("application/json")
                .body(Map.of("user", user)).post("/internal/hooks/login").then().statusCode(401);
        authorized().body(Map.of("user", user)).post("/internal/hooks/usermodified").then().statusCode(404)
                .body("msg", equalTo("Unknown hook event: usermodified"));
        authorized().body(Map.of("event", "signup", "user", user)).post("/internal/hooks/login").then()
                .statusCode(400).body("code", equalTo(400));
        authorized().body(Map.of("event", "login")).post("/internal/hooks/login").then().statusCode(400)
                .body("msg", equalTo("Could not read hook params: user is required"));
        authorized().body("{\"user\":").post("/internal/hooks/login").then().statusCode(400)
                .body("msg", startsWith("Could not read hook params: "));
        assertEquals(0, functions.received().size(), "no function was called for a refused request");
    }

    // --- helpers ---

    private ValidatableResponse invoke(String event) {
        return authorized().body(Map.of("event", event, "user", user)).post("/internal/hooks/" + event).then();
    }

    private io.restassured.specification.RequestSpecification authorized() {
        return given().header("Authorization", credential.authorizationHeader()).contentType("application/json");
    }

    private Received only(String path) {
        List<Received> mine = mine(path);
        assertEquals(1, mine.size(), "exactly once to " + path + ": " + functions.describe());
        return mine.get(0);
    }

    private List<Received> mine(String path) {
        return functions.received(mine(path, true));
    }

    private Predicate<Received> mine(String path, boolean unused) {
        return r -> r.path().equals(path) && r.text().contains(userId);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(Received request) throws Exception {
        return mapper.readValue(request.body(), LinkedHashMap.class);
    }
}
