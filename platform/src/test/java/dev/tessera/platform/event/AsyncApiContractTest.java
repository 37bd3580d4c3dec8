package dev.tessera.platform.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tessera.platform.testing.EventContract;

/**
 * docs/asyncapi.yaml against the code that defines the stream: the types, the topic, and the envelope. Whether the
 * services' real payloads conform is checked where they are published (every test reading the public topic).
 */
class AsyncApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final String USER_ID = "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f";

    private final EventContract contract = EventContract.get();
    private final JsonNode doc = contract.document();

    @Test
    void everyEventTypeHasOneMessageAndEveryMessageIsAnEventType() {
        Set<String> types = Arrays.stream(EventType.values()).map(EventType::type).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(types, new TreeSet<>(contract.messages().keySet()));
        Set<String> sent = new TreeSet<>();
        doc.at("/operations/publishIdentityEvent/messages").forEach(m -> sent.add(m.path("$ref").asText()));
        Set<String> declared = new TreeSet<>();
        doc.at("/channels/identityEvents/messages").fieldNames()
                .forEachRemaining(name -> declared.add("#/channels/identityEvents/messages/" + name));
        assertEquals(declared, sent, "the operation sends every message of the channel");
    }

    @Test
    void theOnlyChannelIsThePublicTopicAsCreated() {
        assertEquals(List.of(EventContract.CHANNEL), iterate(doc.path("channels").fieldNames()),
                "internal topics are not part of the public contract");
        JsonNode channel = doc.at("/channels/identityEvents");
        assertEquals("{topicPrefix}" + Topic.EVENTS.baseName(), channel.path("address").asText());
        assertEquals("", channel.at("/parameters/topicPrefix/default").asText("unset"));
        assertEquals(Topic.EVENTS.partitions(), channel.at("/bindings/kafka/partitions").asInt());
        assertEquals(Topic.EVENTS.retention().toMillis(),
                channel.at("/bindings/kafka/topicConfiguration/retention.ms").asLong());
        assertEquals("3.0.0", doc.path("asyncapi").asText());
        assertEquals(IdentityEvent.CONTENT_TYPE, doc.path("defaultContentType").asText());
    }

    @Test
    void theDocumentsExamplesConform() {
        int examples = 0;
        for (String name : iterate(doc.at("/components/messages").fieldNames())) {
            for (JsonNode example : doc.at("/components/messages/" + name + "/examples")) {
                Map<String, String> headers = JSON.convertValue(example.path("headers"), Map.class);
                String payload = example.path("payload").toString();
                assertEquals(List.of(), contract.violations(example.at("/payload/subject").asText(), headers, payload),
                        "example " + example.path("name").asText());
                examples++;
            }
        }
        assertTrue(examples >= 4, "the document shows examples, found " + examples);
    }

    @Test
    void theEnvelopeAsSerializedConforms() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", USER_ID);
        data.put("email", "ada@example.com");
        data.put("session_id", UUID.randomUUID().toString());
        IdentityEvent event = IdentityEvent.of("urn:tessera:auth-service", EventType.LOGIN, UUID.fromString(USER_ID), data);
        assertEquals(List.of(), contract.violations(USER_ID, headers(event.id()), JSON.writeValueAsString(event)));
    }

    @Test
    void secretsAndUnknownFieldsAreRejected() throws Exception {
        ObjectNode signup = userEvent();
        ((ObjectNode) signup.at("/data/user")).put("encrypted_password", "$2a$10$abc");
        assertViolation(signup, "encrypted_password");

        ObjectNode login = sessionEvent();
        ((ObjectNode) login.path("data")).put("refresh_token", "r3fr3sh");
        assertViolation(login, "refresh_token");

        ObjectNode extra = userEvent();
        ((ObjectNode) extra.path("data")).put("confirmation_token", "t0k3n");
        assertViolation(extra, "confirmation_token");

        ObjectNode metadata = userEvent();
        ((ObjectNode) metadata.at("/data/user/user_metadata")).put("anything", "the user chose");
        assertEquals(List.of(), contract.violations(USER_ID, headers(metadata.path("id").asText()), metadata.toString()),
                "metadata is the user's own, never restricted");
    }

    @Test
    void theRecordRulesFail() {
        ObjectNode unknown = userEvent().put("type", "dev.tessera.user.renamed.v1");
        assertViolation(unknown, "no message");

        ObjectNode wrongSource = userEvent().put("source", "urn:tessera:auth-service");
        assertViolation(wrongSource, "source");

        ObjectNode badTime = userEvent().put("time", "yesterday");
        assertViolation(badTime, "time");

        ObjectNode noActor = userEvent().put("type", EventType.USER_DELETED.type());
        assertViolation(noActor, "actor");

        ObjectNode good = userEvent();
        List<String> wrongKey = contract.violations(UUID.randomUUID().toString(), headers(good.path("id").asText()), good.toString());
        assertFalse(wrongKey.isEmpty(), "a key that is not the subject");
        List<String> noMessageId = contract.violations(USER_ID, Map.of("content-type", IdentityEvent.CONTENT_TYPE), good.toString());
        assertTrue(noMessageId.stream().anyMatch(p -> p.contains("message-id")), noMessageId.toString());
    }

    private void assertViolation(ObjectNode event, String mentioned) {
        List<String> problems = contract.violations(USER_ID, headers(event.path("id").asText()), event.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains(mentioned)), "expected a problem with " + mentioned + ": " + problems);
    }

    private static Map<String, String> headers(String id) {
        return Map.of("content-type", IdentityEvent.CONTENT_TYPE, "message-id", id);
    }

    private static ObjectNode userEvent() {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", USER_ID);
        user.put("aud", "");
        user.put("role", "");
        user.put("email", "ada@example.com");
        user.put("app_metadata", Map.of("provider", "email"));
        user.put("user_metadata", new LinkedHashMap<>());
        user.put("created_at", "2026-11-23T18:30:11.470Z");
        user.put("updated_at", "2026-11-23T18:30:11.470Z");
        return envelope("urn:tessera:user-service", EventType.SIGNUP, Map.of("user", user));
    }

    private static ObjectNode sessionEvent() {
        return envelope("urn:tessera:auth-service", EventType.LOGIN,
                Map.of("user_id", USER_ID, "session_id", UUID.randomUUID().toString()));
    }

    private static ObjectNode envelope(String source, EventType type, Map<String, Object> data) {
        return JSON.valueToTree(IdentityEvent.of(source, type, UUID.fromString(USER_ID), data));
    }

    private static <T> List<T> iterate(java.util.Iterator<T> items) {
        List<T> list = new java.util.ArrayList<>();
        items.forEachRemaining(list::add);
        return list;
    }
}
