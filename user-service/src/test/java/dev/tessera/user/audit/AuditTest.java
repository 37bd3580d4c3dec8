package dev.tessera.user.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import java.util.Properties;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The audit log follows the event stream: actions appear, once each, searchable by GoTrue's scopes. */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
public class AuditTest {

    @InjectTestStack
    TestStack stack;

    static Response audit(String query) {
        var request = given().header("Authorization", "Bearer test-operator-token");
        if (query != null) {
            request = request.queryParam("query", query);
        }
        return request.get("/admin/audit");
    }

    public static List<Map<String, Object>> awaitEntries(String query, int atLeast) throws InterruptedException {
        return awaitEntries(query, entries -> entries.size() >= atLeast);
    }

    /** Polls the query until {@code done} holds or 30 s pass; answers the last page either way. */
    static List<Map<String, Object>> awaitEntries(String query, Predicate<List<Map<String, Object>>> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            List<Map<String, Object>> entries = audit(query).then().statusCode(200).extract().jsonPath().getList("$");
            if (done.test(entries) || Instant.now().isAfter(deadline)) {
                return entries;
            }
            Thread.sleep(200);
        }
    }

    @Test
    void signupAndAdminActionsAreAuditedOnceEach() throws Exception {
        String email = "audited-" + UUID.randomUUID() + "@example.com";
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "audit-test-password", "data", Map.of("full_name", "Audrey Audit")))
                .post("/signup").then().statusCode(200).extract().path("id");
        given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .body(Map.of("role", "editor")).put("/admin/users/" + id).then().statusCode(200);

        List<Map<String, Object>> mine = awaitEntries("author:" + email, 1);
        assertEquals(1, mine.size(), "the signup, by the user: " + mine + " all: " + audit(null).asString());
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) mine.get(0).get("payload");
        assertEquals("user_signedup", payload.get("action"));
        assertEquals("team", payload.get("log_type"));
        assertEquals(id, payload.get("actor_id"));
        assertEquals("Audrey Audit", payload.get("actor_name"));
        assertTrue(mine.get(0).containsKey("created_at"));

        List<Map<String, Object>> byName = awaitEntries("author:audrey", 1);
        assertEquals(mine.get(0).get("id"), byName.get(0).get("id"));

        // Other tests' admin actions are by the operator too: wait for the one about this user.
        Predicate<Map<String, Object>> aboutThisUser = entry -> traitsOf(entry) != null
                && id.equals(traitsOf(entry).get("user_id"));
        Map<String, Object> traits = awaitEntries("author:operator@netlify.com",
                entries -> entries.stream().anyMatch(aboutThisUser))
                .stream().filter(aboutThisUser).findFirst().map(AuditTest::traitsOf).orElse(null);
        assertEquals(Map.of("user_id", id, "user_email", email), traits);

        audit("action:user_modified").then().statusCode(200).header("X-Total-Count", equalTo(String.valueOf(
                audit("action:user_modified").jsonPath().getList("$").size())));
        audit("type:team").then().statusCode(200);
        audit("color:blue").then().statusCode(400).body("msg", startsWith("Invalid query scope"));
        given().get("/admin/audit").then().statusCode(401);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> traitsOf(Map<String, Object> entry) {
        return (Map<String, Object>) ((Map<String, Object>) entry.get("payload")).get("traits");
    }

    @Test
    void aRedeliveredEventIsAuditedOnce() throws Exception {
        String email = "redelivered-" + UUID.randomUUID() + "@example.com";
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "audit-test-password"))
                .post("/signup").then().statusCode(200).extract().path("id");
        ConsumerRecord<String, String> signup = stack.awaitRecords(Topic.EVENTS,
                seen -> seen.stream().anyMatch(r -> id.equals(r.key())), Duration.ofSeconds(30)).stream()
                .filter(r -> id.equals(r.key())).findFirst().orElseThrow();

        // At-least-once delivery: the same event twice more, then one with a new id, in the user's partition order.
        String markerId = UUID.randomUUID().toString();
        String marker = signup.value().replaceFirst("\"id\"\\s*:\\s*\"[^\"]+\"", "\"id\":\"" + markerId + "\"");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            // With the relay's headers, so the topic still conforms to the event contract other tests check.
            for (int copy = 0; copy < 2; copy++) {
                producer.send(new ProducerRecord<>(signup.topic(), null, id, signup.value(), signup.headers())).get();
            }
            RecordHeaders headers = new RecordHeaders(signup.headers().toArray());
            headers.remove("message-id");
            headers.add("message-id", markerId.getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(signup.topic(), null, id, marker, headers)).get();
        }

        List<Map<String, Object>> entries = awaitEntries("author:" + email, 2);
        assertEquals(2, entries.size(), "the signup once, and the event with a new id: " + entries);
    }
}
