package dev.tessera.mail;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.mail.TokenSeal;
import dev.tessera.platform.testing.TestStack;

/** Plays user-service in tests: seals a token and publishes a mail request the way its outbox relay does. */
public final class MailTopic implements AutoCloseable {

    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    public static final TokenSeal SEAL = new TokenSeal(SECRET);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final TestStack stack;
    private final KafkaProducer<String, String> producer;

    public MailTopic(TestStack stack) {
        this.stack = stack;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props);
    }

    /** A GoTrue-shaped one-time token: 16 random bytes, base64url without padding. */
    public static String token() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String address(String label) {
        return label + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** A request for {@code to}; for an email change {@code to} is the new address, as user-service sends it. */
    public static MailRequest request(MailKind kind, String to, String token) {
        return request(kind, to, token, UUID.randomUUID());
    }

    /** Requests of one user share a key, hence a partition, hence an order. */
    public static MailRequest request(MailKind kind, String to, String token, UUID userId) {
        UUID id = UUID.randomUUID();
        boolean change = kind == MailKind.EMAIL_CHANGE;
        return new MailRequest(id, kind, userId, to, change ? address("old") : to, change ? to : null,
                SEAL.seal(token, MailRequest.sealBinding(id, kind, userId, to)), Map.of("full_name", "Ada Lovelace"), Instant.now());
    }

    public void publish(MailRequest request) {
        try {
            publish(request.userId().toString(), request.id().toString(), JSON.writeValueAsString(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes any value, readable or not, and waits for the broker's acknowledgement. */
    public void publish(String key, String messageId, String value) {
        ProducerRecord<String, String> record = new ProducerRecord<>(stack.topic(Topic.MAIL), key, value);
        record.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        record.headers().add("message-id", messageId.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + record.topic(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
