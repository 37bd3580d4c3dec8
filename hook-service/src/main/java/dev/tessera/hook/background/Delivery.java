package dev.tessera.hook.background;

import java.time.Instant;
import java.util.UUID;

/**
 * One background delivery: an event of the stream for one target. {@code (event_id, target)} is unique, which is
 * how a redelivered event is recognised. Status goes {@code pending → delivered} or
 * {@code pending → dead_lettered}; a replay takes a dead-lettered row back to pending. A row of the {@code delivery}
 * table, which {@link DeliveryLog} reads and writes.
 */
public class Delivery {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String DEAD_LETTERED = "dead_lettered";

    public UUID id;
    public String eventId;
    public String eventType;
    public String hookEvent;
    public String target;
    public String url;
    public String userId;
    public String status;
    public int attempts;
    public Integer lastStatus;
    public String lastError;
    public String envelope;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant finishedAt;

    public boolean finished() {
        return DELIVERED.equals(status) || DEAD_LETTERED.equals(status);
    }
}
