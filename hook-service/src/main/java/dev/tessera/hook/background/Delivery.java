package dev.tessera.hook.background;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One background delivery: an event of the stream for one target. {@code (event_id, target)} is unique, which is
 * how a redelivered event is recognised. Status goes {@code pending → delivered} or
 * {@code pending → dead_lettered}; a replay takes a dead-lettered row back to pending.
 */
@Entity
@Table(name = "delivery")
public class Delivery {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String DEAD_LETTERED = "dead_lettered";

    @Id
    public UUID id;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(name = "hook_event", nullable = false)
    public String hookEvent;

    @Column(nullable = false)
    public String target;

    @Column(nullable = false)
    public String url;

    @Column(name = "user_id")
    public String userId;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_status")
    public Integer lastStatus;

    @Column(name = "last_error")
    public String lastError;

    @Column(nullable = false, columnDefinition = "text")
    public String envelope;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    public boolean finished() {
        return DELIVERED.equals(status) || DEAD_LETTERED.equals(status);
    }
}
