package dev.tessera.hook.background;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.tessera.platform.event.IdentityEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes a background delivery that failed every attempt to {@code identity.hooks.v1.dlq}: the original
 * CloudEvent, keyed by user id, with headers saying which target failed, why and after how many attempts. The
 * returned Uni completes when the broker has acknowledged the record.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String TARGET = "dead-letter-target";
    public static final String REASON = "dead-letter-reason";
    public static final String ATTEMPTS = "dead-letter-attempts";
    public static final String EVENT_ID = "dead-letter-event-id";
    public static final String DELIVERY_ID = "dead-letter-delivery-id";

    private final MutinyEmitter<String> emitter;

    public DeadLetters(@Channel("hook-dead-letters") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
            MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(Delivery delivery, String key, String reason) {
        List<RecordHeader> headers = new ArrayList<>();
        headers.add(header("content-type", IdentityEvent.CONTENT_TYPE));
        headers.add(header("message-id", delivery.id.toString()));
        headers.add(header(DELIVERY_ID, delivery.id.toString()));
        headers.add(header(EVENT_ID, delivery.eventId));
        headers.add(header(TARGET, delivery.target));
        headers.add(header(REASON, reason == null ? "unknown" : reason));
        headers.add(header(ATTEMPTS, String.valueOf(delivery.attempts)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key)
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(delivery.envelope).addMetadata(metadata));
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
