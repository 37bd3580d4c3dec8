package dev.tessera.hook.background;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.testing.EventStream;
import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServer.Received;
import dev.tessera.hook.testing.FunctionServer.Reply;
import dev.tessera.hook.testing.FunctionServerResource;
import dev.tessera.hook.testing.InjectFunctionServer;
import dev.tessera.hook.testing.Signatures;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.IdentityEvent;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.internal.ServiceCredential;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Background functions and the usermodified/userdeleted webhooks, delivered from the real event stream: what each
 * target receives, deduplication by event id, retries with backoff, the dead-letter topic after the last attempt
 * (3 attempts in tests), the rows an operator inspects, and a replay.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FunctionServerResource.class, restrictToAnnotatedClass = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackgroundDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @InjectFunctionServer
    FunctionServer functions;

    @InjectTestStack
    TestStack stack;

    @Inject
    ServiceCredential credential;

    @Inject
    ObjectMapper mapper;

    @Inject
    DeliveryRetention retention;

    private EventStream events;
    private String userId;
    private String email;

    @BeforeEach
    void fresh() {
        if (events == null) {
            events = new EventStream(stack);
        }
        userId = UUID.randomUUID().toString();
        email = "bg-" + userId.substring(0, 8) + "@example.com";
    }

    @AfterAll
    void close() {
        if (events != null) {
            events.close();
        }
    }

    @Test
    void aSignupReachesTheValidateBackgroundFunctionOnceWithItsEventId() throws Exception {
        IdentityEvent signup = EventStream.event(EventType.SIGNUP, userId,
                Map.of("user", EventStream.user(userId, email)));
        events.publish(signup);
        Received request = functions.await(byEvent(signup), 1, WAIT).get(0);

        assertEquals("/fn/identity-validate-background", request.path());
        assertEquals("identity_validate", request.header("x-netlify-event"));
        assertEquals(signup.id(), request.header("x-tessera-event-id"));
        assertEquals(signup.id(), request.header("webhook-id"), "Standard Webhooks' id is the event id");
        Map<String, Object> body = json(request);
        assertEquals(List.of("event", "instance_id", "user"), List.copyOf(body.keySet()));
        assertEquals("validate", body.get("event"));
        assertEquals(EventStream.user(userId, email), body.get("user"));
        Signatures.assertGoTrueSignature(request, Signatures.JWT_SECRET);
        Signatures.assertStandardSignature(request, Signatures.JWT_SECRET);

        // The same event again (an at-least-once redelivery), then a marker event behind it on the same key.
        events.publish(signup);
        IdentityEvent marker = EventStream.event(EventType.CONFIRMED, userId,
                Map.of("user", EventStream.user(userId, email)));
        events.publish(marker);
        functions.await(byEvent(marker), 1, WAIT);
        assertEquals(1, functions.received(byEvent(signup)).size(), "a redelivered event is not sent again");

        Map<String, Object> row = awaitRow(signup.id(), "identity-validate-background", "delivered");
        assertEquals(1, ((Number) row.get("attempts")).intValue());
        assertEquals(204, ((Number) row.get("last_status")).intValue());
    }

    @Test
    void finishedDeliveriesLeaveTheLogAfterTheRetention() throws Throwable {
        IdentityEvent old = EventStream.event(EventType.SIGNUP, userId, Map.of("user", EventStream.user(userId, email)));
        IdentityEvent recent = EventStream.event(EventType.SIGNUP, userId,
                Map.of("user", EventStream.user(userId, email)));
        events.publish(old);
        events.publish(recent);
        Object oldId = awaitRow(old.id(), "identity-validate-background", "delivered").get("id");
        Object recentId = awaitRow(recent.id(), "identity-validate-background", "delivered").get("id");
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "update hooks.delivery set updated_at = now() - interval '31 days' where id = ?")) {
            s.setObject(1, oldId);
            assertEquals(1, s.executeUpdate());
        }

        int removed = VertxContextSupport.subscribeAndAwait(() -> retention.prune(Instant.now()));

        assertTrue(removed >= 1);
        assertEquals(0, logRows(oldId), "the delivery and its attempt are gone");
        assertEquals(2, logRows(recentId), "the recent delivery and its attempt stay");
    }

    /** The delivery's row plus its attempts' rows. */
    private int logRows(Object deliveryId) throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select (select count(*) from hooks.delivery where id = ?)"
                        + " + (select count(*) from hooks.delivery_attempt where delivery_id = ?)")) {
            s.setObject(1, deliveryId);
            s.setObject(2, deliveryId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void eachEventTypeGoesToItsTarget() throws Exception {
        Map<String, Object> user = EventStream.user(userId, email);
        IdentityEvent invited = EventStream.event(EventType.INVITED, userId, Map.of("user", user));
        IdentityEvent confirmed = EventStream.event(EventType.CONFIRMED, userId, Map.of("user", user));
        IdentityEvent login = EventStream.event(EventType.LOGIN, userId,
                Map.of("user_id", userId, "email", email, "session_id", UUID.randomUUID().toString()));
        Map<String, Object> admin = Map.of("id", UUID.randomUUID().toString(), "email", "admin@example.com");
        IdentityEvent updated = EventStream.event(EventType.USER_UPDATED, userId, Map.of("user", user, "actor", admin));
        IdentityEvent password = EventStream.event(EventType.PASSWORD_CHANGED, userId,
                Map.of("user", user, "actor", admin));
        IdentityEvent ownUpdate = EventStream.event(EventType.USER_UPDATED, userId, Map.of("user", user));
        IdentityEvent logout = EventStream.event(EventType.LOGOUT, userId, Map.of("user_id", userId, "email", email));
        IdentityEvent deleted = EventStream.event(EventType.USER_DELETED, userId, Map.of("user", user));
        for (IdentityEvent event : List.of(invited, confirmed, login, updated, password, ownUpdate, logout, deleted)) {
            events.publish(event);
        }
        assertTarget(invited, "/fn/identity-validate-background", "validate");
        assertTarget(confirmed, "/fn/identity-signup-background", "signup");
        Received loginRequest = assertTarget(login, "/fn/identity-login-background", "login");
        assertEquals(Map.of("id", userId, "email", email), json(loginRequest).get("user"));
        Received updatedRequest = assertTarget(updated, "/webhook", "usermodified");
        Signatures.assertGoTrueSignature(updatedRequest, FunctionServerResource.WEBHOOK_SECRET);
        assertTarget(deleted, "/webhook", "userdeleted");
        assertEquals(0, functions.received(byEvent(logout)).size(), "a logout triggers no hook");
        // GoTrue's usermodified is one per admin update (its user_updated), none for a user's own change.
        assertEquals(0, functions.received(byEvent(password)).size(), "an admin's update is usermodified once");
        assertEquals(0, functions.received(byEvent(ownUpdate)).size(), "a user's own change fires no webhook");
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select count(*) from hooks.delivery where event_id = ?")) {
            s.setString(1, logout.id());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
        }
    }

    @Test
    void aFunctionThatKeepsFailingEndsInTheDeadLetterTopicAndCanBeReplayed() throws Exception {
        List<Instant> attempts = new ArrayList<>();
        functions.on("/fn/identity-signup-background", (r, n) -> {
            if (r.text().contains(userId)) {
                synchronized (attempts) {
                    attempts.add(Instant.now());
                }
                return Reply.status(503);
            }
            return Reply.status(204);
        });
        IdentityEvent confirmed = EventStream.event(EventType.CONFIRMED, userId,
                Map.of("user", EventStream.user(userId, email)));
        events.publish(confirmed);

        List<ConsumerRecord<String, String>> dead = stack.awaitRecords(Topic.HOOKS_DEAD_LETTER,
                seen -> seen.stream().anyMatch(r -> header(r, "dead-letter-event-id").equals(confirmed.id())), WAIT);
        ConsumerRecord<String, String> letter = dead.stream()
                .filter(r -> header(r, "dead-letter-event-id").equals(confirmed.id())).findFirst().orElseThrow();
        assertEquals(userId, letter.key());
        assertEquals("identity-signup-background", header(letter, "dead-letter-target"));
        assertEquals("3", header(letter, "dead-letter-attempts"));
        assertTrue(header(letter, "dead-letter-reason").contains("503"), header(letter, "dead-letter-reason"));
        assertEquals(confirmed.id(), mapper.readTree(letter.value()).get("id").asText(), "the original CloudEvent");

        assertEquals(3, functions.received(byEvent(confirmed)).size(), "TESSERA_HOOKS_BACKGROUND_ATTEMPTS");
        synchronized (attempts) {
            // Backoff: 100 ms, then 200 ms (±20%) between the attempts.
            assertTrue(Duration.between(attempts.get(0), attempts.get(1)).toMillis() >= 75, attempts.toString());
            assertTrue(Duration.between(attempts.get(1), attempts.get(2)).toMillis() >= 150, attempts.toString());
        }
        Map<String, Object> row = awaitRow(confirmed.id(), "identity-signup-background", "dead_lettered");
        String deliveryId = row.get("id").toString();
        assertEquals(header(letter, "dead-letter-delivery-id"), deliveryId);
        given().header("Authorization", credential.authorizationHeader())
                .get("/internal/hooks/deliveries?status=dead_lettered&limit=1000").then().statusCode(200)
                .body("id", hasItem(deliveryId))
                .body("status", everyItem(equalTo("dead_lettered")));

        // Inspect it as an operator does, then fix the function and replay.
        given().header("Authorization", credential.authorizationHeader())
                .get("/internal/hooks/deliveries/" + deliveryId).then().statusCode(200)
                .body("status", equalTo("dead_lettered"))
                .body("event_id", equalTo(confirmed.id()))
                .body("attempts", equalTo(3))
                .body("attempt_log.size()", equalTo(3))
                .body("attempt_log[2].http_status", equalTo(503));
        given().get("/internal/hooks/deliveries/" + deliveryId).then().statusCode(401);

        functions.on("/fn/identity-signup-background", (r, n) -> Reply.status(202));
        given().header("Authorization", credential.authorizationHeader())
                .post("/internal/hooks/deliveries/" + deliveryId + "/replay").then().statusCode(202)
                .body("status", equalTo("pending"));
        functions.await(byEvent(confirmed), 4, WAIT);
        Map<String, Object> replayed = awaitRow(confirmed.id(), "identity-signup-background", "delivered");
        assertEquals(4, ((Number) replayed.get("attempts")).intValue());
        given().header("Authorization", credential.authorizationHeader())
                .post("/internal/hooks/deliveries/" + deliveryId + "/replay").then().statusCode(409);
    }

    // --- helpers ---

    private Received assertTarget(IdentityEvent event, String path, String hookEvent) throws Exception {
        List<Received> received = functions.await(byEvent(event), 1, WAIT);
        assertEquals(1, received.size(), "exactly one delivery of " + event.type());
        Received request = received.get(0);
        assertEquals(path, request.path(), event.type());
        assertEquals("identity_" + hookEvent, request.header("x-netlify-event"));
        assertEquals(hookEvent, json(request).get("event"));
        return request;
    }

    private static Predicate<Received> byEvent(IdentityEvent event) {
        return r -> event.id().equals(r.header("x-tessera-event-id"));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(Received request) throws Exception {
        return mapper.readValue(request.body(), LinkedHashMap.class);
    }

    private Map<String, Object> awaitRow(String eventId, String target, String status) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        Map<String, Object> row = null;
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                    "select id, status, attempts, last_status from hooks.delivery where event_id = ? and target = ?")) {
                s.setString(1, eventId);
                s.setString(2, target);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        row = new LinkedHashMap<>();
                        row.put("id", rs.getObject(1));
                        row.put("status", rs.getString(2));
                        row.put("attempts", rs.getInt(3));
                        row.put("last_status", rs.getObject(4));
                        if (status.equals(row.get("status"))) {
                            return row;
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        assertNotNull(row, "no delivery row for " + eventId + " to " + target);
        throw new AssertionError("delivery of " + eventId + " to " + target + " is " + row + ", not " + status);
    }
}
