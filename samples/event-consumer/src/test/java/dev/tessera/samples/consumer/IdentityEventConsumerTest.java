package dev.tessera.samples.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.IdentityEvent;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.EventContract;
import dev.tessera.platform.testing.SharedKafka;

/**
 * The sample against the test run's real broker: events in the services' envelope and shape (each checked against
 * docs/asyncapi.yaml before it is published), on a topic of their own under a fresh prefix.
 */
class IdentityEventConsumerTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private String topic;
    private KafkaProducer<String, String> producer;
    private final List<IdentityEventConsumer> consumers = new ArrayList<>();

    @BeforeEach
    void freshTopic() {
        String prefix = "sample" + Long.toHexString(System.nanoTime()) + ".";
        SharedKafka.createTopics(prefix);
        topic = Topic.EVENTS.name(prefix);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props);
    }

    @AfterEach
    void close() {
        consumers.forEach(IdentityEventConsumer::close);
        producer.close();
    }

    @Test
    void handlesEachEventOnceSkipsUnknownTypesAndCommitsWhatItHandled() throws Exception {
        String ada = UUID.randomUUID().toString();
        String grace = UUID.randomUUID().toString();
        IdentityEvent login = sessionEvent(EventType.LOGIN, ada, "ada@example.com");
        publish(userEvent(EventType.SIGNUP, ada, "ada@example.com", false));
        publish(userEvent(EventType.CONFIRMED, ada, "ada@example.com", true));
        publish(login);
        publish(login); // the same event delivered twice, as after a relay crash
        publish(futureEvent(ada));
        publish(userEvent(EventType.SIGNUP, grace, "grace@example.com", false));
        publish(sessionEvent(EventType.LOGOUT, ada, "ada@example.com"));
        publishRaw(ada, "not an event");

        UserActivity activity = new UserActivity();
        String group = "sample-" + UUID.randomUUID();
        IdentityEventConsumer consumer = consumer(group, activity, new SeenEvents(1000));
        pollUntil(consumer, () -> total(consumer.counts()) == 8);

        assertEquals(new IdentityEventConsumer.Counts(4, 1, 2, 1), consumer.counts(),
                "handled signup, confirmed, login, signup; the repeated login once; skipped the future type and logout");
        assertEquals(new UserActivity.UserSummary("ada@example.com", true, 1, false), activity.user(ada).orElseThrow());
        assertEquals(new UserActivity.UserSummary("grace@example.com", false, 0, false), activity.user(grace).orElseThrow());
        assertEquals(endOffsets(), committed(group), "everything handled is committed");
    }

    @Test
    void aFailedEventComesAgainAndWhatWasHandledBeforeItIsNotRepeated() {
        String ada = UUID.randomUUID().toString();
        publish(userEvent(EventType.SIGNUP, ada, "ada@example.com", false));
        publish(sessionEvent(EventType.LOGIN, ada, "ada@example.com"));

        UserActivity activity = new UserActivity();
        SeenEvents seen = new SeenEvents(1000);
        List<String> calls = new ArrayList<>();
        EventHandler failsOnFirstLogin = (userId, event) -> {
            calls.add(event.type());
            if (event.type().equals(EventType.LOGIN.type()) && calls.stream().filter(event.type()::equals).count() == 1) {
                throw new IllegalStateException("downstream unavailable");
            }
            return activity.handle(userId, event);
        };
        String group = "sample-" + UUID.randomUUID();
        IdentityEventConsumer first = consumer(group, failsOnFirstLogin, seen);
        assertThrows(IllegalStateException.class, () -> pollUntil(first, () -> false));
        first.close();
        consumers.remove(first);

        // A restart: same group, nothing committed, so both records come again; the signup was already handled.
        IdentityEventConsumer second = consumer(group, failsOnFirstLogin, seen);
        pollUntil(second, () -> second.counts().handled() == 1);
        assertEquals(new IdentityEventConsumer.Counts(1, 1, 0, 0), second.counts());
        assertEquals(List.of(EventType.SIGNUP.type(), EventType.LOGIN.type(), EventType.LOGIN.type()), calls);
        assertEquals(1, activity.user(ada).orElseThrow().logins());
    }

    private IdentityEventConsumer consumer(String group, EventHandler handler, SeenEvents seen) {
        IdentityEventConsumer consumer = new IdentityEventConsumer(
                IdentityEventConsumer.config(SharedKafka.bootstrapServers(), group), topic, handler, seen);
        consumers.add(consumer);
        return consumer;
    }

    private static void pollUntil(IdentityEventConsumer consumer, BooleanSupplier done) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!done.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(deadline), "timed out; counts " + consumer.counts());
            consumer.pollOnce(Duration.ofMillis(200));
        }
    }

    private static long total(IdentityEventConsumer.Counts counts) {
        return counts.handled() + counts.duplicates() + counts.skipped() + counts.unreadable();
    }

    private static IdentityEvent userEvent(EventType type, String userId, String email, boolean confirmed) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", userId);
        user.put("aud", "");
        user.put("role", "");
        user.put("email", email);
        if (confirmed) {
            user.put("confirmed_at", Instant.now().toString());
        }
        user.put("confirmation_sent_at", Instant.now().toString());
        user.put("app_metadata", Map.of("provider", "email"));
        user.put("user_metadata", Map.of());
        user.put("created_at", Instant.now().toString());
        user.put("updated_at", Instant.now().toString());
        return IdentityEvent.of("urn:tessera:user-service", type, UUID.fromString(userId), Map.of("user", user));
    }

    private static IdentityEvent sessionEvent(EventType type, String userId, String email) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("user_id", userId);
        data.put("email", email);
        if (type != EventType.LOGOUT) {
            data.put("session_id", UUID.randomUUID().toString());
        }
        return IdentityEvent.of("urn:tessera:auth-service", type, UUID.fromString(userId), data);
    }

    /** A type published by a later version of Tessera than this consumer knows. */
    private static IdentityEvent futureEvent(String userId) {
        IdentityEvent known = sessionEvent(EventType.LOGIN, userId, "ada@example.com");
        return new IdentityEvent(known.specversion(), known.id(), known.source(), "dev.tessera.session.mfa_verified.v1",
                known.subject(), known.time(), known.datacontenttype(), known.partitionkey(), Map.of("factor", "totp"));
    }

    private void publish(IdentityEvent event) {
        String value;
        try {
            value = JSON.writeValueAsString(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> headers = Map.of("content-type", IdentityEvent.CONTENT_TYPE, "message-id", event.id());
        if (EventType.fromType(event.type()).isPresent()) {
            assertEquals(List.of(), EventContract.get().violations(event.subject(), headers, value),
                    "the test publishes what Tessera publishes");
        }
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, event.subject(), value);
        headers.forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
        send(record);
    }

    private void publishRaw(String key, String value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    private void send(ProducerRecord<String, String> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    private Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < Topic.EVENTS.partitions(); p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new LinkedHashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> {
                        if (info.offset() > 0) {
                            ends.put(tp, info.offset());
                        }
                    });
            return ends;
        }
    }

    private Map<TopicPartition, Long> committed(String group) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            committed.forEach((tp, om) -> {
                if (om != null && om.offset() > 0) {
                    offsets.put(tp, om.offset());
                }
            });
            return offsets;
        }
    }

    private static Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        return Admin.create(props);
    }
}
