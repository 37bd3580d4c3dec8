package dev.tessera.hook.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.IdentityEvent;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.TestStack;

/** Publishes CloudEvents onto the stack's public topic, the way the services' outbox relays do. */
public final class EventStream implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();

    public EventStream(TestStack stack) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props);
        this.topic = stack.topic(Topic.EVENTS);
    }

    /** A CloudEvent of the given type about a user, with a fresh id. */
    public static IdentityEvent event(EventType type, String userId, Map<String, Object> data) {
        return new IdentityEvent(IdentityEvent.SPEC_VERSION, UUID.randomUUID().toString(), "urn:tessera:test",
                type.type(), userId, Instant.now(), "application/json", userId, data);
    }

    public static Map<String, Object> user(String userId, String email) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", userId);
        user.put("aud", "");
        user.put("role", "");
        user.put("email", email);
        user.put("app_metadata", Map.of("provider", "email"));
        user.put("user_metadata", Map.of());
        user.put("created_at", "2026-11-23T18:30:11Z");
        user.put("updated_at", "2026-11-23T18:30:11Z");
        return user;
    }

    public void publish(IdentityEvent event) {
        try {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, event.subject(),
                    mapper.writeValueAsString(event));
            record.headers().add("content-type", IdentityEvent.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            record.headers().add("message-id", event.id().getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + event.id(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
