package dev.tessera.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;

/**
 * The public event contract, {@code docs/asyncapi.yaml}, as tests apply it to records. Every record a test reads
 * from the public topic through {@link TestStack#awaitRecords} is checked here, so the document cannot drift from
 * what the services really publish: a new field, a missing one or a type without a message fails those tests.
 *
 * <p>The document is read from the working tree (the nearest {@code docs/asyncapi.yaml} above the working
 * directory), not from a built jar, so an edit is seen by the next test run without rebuilding platform.
 */
public final class EventContract {

    public static final String CHANNEL = "identityEvents";

    private static EventContract loaded;

    private final JsonNode document;
    private final Map<String, Message> messages;

    /** One message of the public channel, under its CloudEvents type. */
    public record Message(String key, Schema headers, Schema payload, Schema recordKey) {
    }

    private EventContract(JsonNode document) {
        this.document = document;
        // AsyncAPI's schema object is JSON Schema draft 7; the root's components only hold what $ref points at.
        Dialect asyncApi = Dialect.builder(Dialects.getDraft7()).keyword(new NonValidationKeyword("components")).build();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(asyncApi,
                builder -> builder.schemaRegistryConfig(
                        SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        Map<String, Message> byType = new LinkedHashMap<>();
        document.path("channels").path(CHANNEL).path("messages").fields().forEachRemaining(entry -> {
            String pointer = refOf(entry.getValue());
            JsonNode message = at(pointer);
            String keyPointer = (message.path("bindings").has("$ref") ? refOf(message.path("bindings"))
                    : pointer + "/bindings") + "/kafka/key";
            Message previous = byType.put(message.path("name").asText(), new Message(entry.getKey(),
                    schema(registry, pointer + "/headers"), schema(registry, pointer + "/payload"),
                    schema(registry, keyPointer)));
            if (previous != null) {
                throw new IllegalStateException("two messages named " + message.path("name").asText());
            }
        });
        this.messages = Map.copyOf(byType);
    }

    /** The contract of the working tree, parsed once per JVM. */
    public static synchronized EventContract get() {
        if (loaded == null) {
            loaded = new EventContract(read(locate()));
        }
        return loaded;
    }

    static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs").resolve("asyncapi.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no docs/asyncapi.yaml above " + Path.of("").toAbsolutePath());
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not parse " + file, e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /** The public channel's messages by the CloudEvents type each one describes (its {@code name}). */
    public Map<String, Message> messages() {
        return messages;
    }

    /**
     * What is wrong with one record of the public topic, empty when it conforms: its headers, key and value
     * against the message its {@code type} names, plus the rules a schema cannot state across fields (the key, the
     * subject and the partition key are one user id; the {@code message-id} header is the event id).
     */
    public List<String> violations(String key, Map<String, String> headers, String value) {
        JsonNode event;
        try {
            event = new ObjectMapper().readTree(value);
        } catch (IOException e) {
            return List.of("value is not JSON: " + e.getMessage());
        }
        String type = event.path("type").asText();
        Message message = messages.get(type);
        if (message == null) {
            return List.of("no message in docs/asyncapi.yaml for type '" + type + "'");
        }
        List<String> problems = new ArrayList<>();
        ObjectNode headerNode = new ObjectMapper().createObjectNode();
        headers.forEach(headerNode::put);
        message.headers().validate(headerNode).forEach(e -> problems.add("headers: " + e));
        message.recordKey().validate(key == null ? NullNode.getInstance() : TextNode.valueOf(key)).forEach(e -> problems.add("key: " + e));
        message.payload().validate(event).forEach(e -> problems.add(message.key() + ": " + e));
        if (key == null || !key.equals(event.path("subject").asText()) || !key.equals(event.path("partitionkey").asText())) {
            problems.add("key " + key + " is not the subject and partitionkey of " + event.path("id").asText());
        }
        if (!event.path("id").asText().equals(headers.get("message-id"))) {
            problems.add("header message-id " + headers.get("message-id") + " is not the event id " + event.path("id").asText());
        }
        return problems;
    }

    /** Fails with every problem of every record that does not conform. */
    public void assertConforms(Collection<ConsumerRecord<String, String>> records) {
        List<String> problems = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            violations(record.key(), text(record.headers()), record.value())
                    .forEach(p -> problems.add(record.topic() + "@" + record.offset() + " " + p));
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("records on the public topic do not conform to docs/asyncapi.yaml:\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static Map<String, String> text(Headers headers) {
        Map<String, String> text = new LinkedHashMap<>();
        for (Header header : headers) {
            text.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        return text;
    }

    /**
     * A schema for the node at a pointer of the document. The root carries the document's {@code components}, so
     * the {@code #/components/...} references inside resolve as they do in the document itself.
     */
    private Schema schema(SchemaRegistry registry, String pointer) {
        if (at(pointer).isMissingNode()) {
            throw new IllegalStateException("docs/asyncapi.yaml has nothing at " + pointer);
        }
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("$ref", pointer);
        root.set("components", document.path("components"));
        return registry.getSchema(root);
    }

    private JsonNode at(String pointer) {
        return document.at(pointer.substring(1));
    }

    private static String refOf(JsonNode node) {
        String ref = node.path("$ref").asText();
        if (!ref.startsWith("#/")) {
            throw new IllegalStateException("expected a local $ref, found " + node);
        }
        return ref;
    }
}
