package dev.tessera.platform.outbox;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.tessera.platform.tracing.TraceParent;

/**
 * A message waiting to be published. Written in the same transaction as the state change it announces; deleted by
 * {@link OutboxRelay} once the broker has acknowledged it. The table also has a {@code seq} bigserial column that
 * fixes publication order; it is filled by the database and not mapped here.
 */
@Entity
@Table(name = "outbox")
public class OutboxMessage {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String topic;

    @Column(name = "msg_key", nullable = false)
    public String key;

    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "content_type", nullable = false)
    public String contentType;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /**
     * The W3C trace context of the request that wrote the row, which the relay continues on Kafka; null outside a
     * trace (see {@link TraceParent}).
     */
    @Column(name = "traceparent")
    public String traceparent;

    public OutboxMessage() {
    }

    /** A message written now, in the trace of the current span (if any). */
    public OutboxMessage(UUID id, String topic, String key, String payload, String contentType) {
        this.id = id;
        this.topic = topic;
        this.key = key;
        this.payload = payload;
        this.contentType = contentType;
        this.createdAt = Instant.now();
        this.traceparent = TraceParent.current();
    }
}
