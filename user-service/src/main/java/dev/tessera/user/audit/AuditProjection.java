package dev.tessera.user.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.EventType;
import io.smallrye.mutiny.Uni;

/**
 * Projects the public event stream into GoTrue's audit log, a polled batch per statement. Idempotent by event id,
 * so at-least-once delivery writes each entry once. An event it cannot read is logged and skipped: the audit log is
 * a view, and the stream itself keeps the original.
 */
@ApplicationScoped
public class AuditProjection {

    private static final Logger LOG = Logger.getLogger(AuditProjection.class);

    private final AuditLog log;
    private final ObjectMapper mapper;

    public AuditProjection(AuditLog log, ObjectMapper mapper) {
        this.log = log;
        this.mapper = mapper;
    }

    /**
     * Records a batch of events (as the consumer polled them) in one statement: the projection keeps up with the
     * stream at a cost per batch rather than per event.
     */
    @Incoming("audit")
    public Uni<Void> record(List<String> cloudEvents) {
        List<AuditLog.Appended> entries = new ArrayList<>();
        for (String cloudEvent : cloudEvents) {
            try {
                toEntry(mapper.readTree(cloudEvent)).ifPresent(entries::add);
            } catch (Exception e) {
                LOG.warnf("Skipping an event the audit log cannot read: %s", e.getMessage());
            }
        }
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // A database outage pauses the projection instead of dropping entries.
        return log.append(entries)
                .onFailure().invoke(e -> LOG.warnf("%d audit entries not written yet: %s", entries.size(), e.toString()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).atMost(10);
    }

    /** The entry for an event, with the audience of the user it is about when the event names it. */
    Optional<AuditLog.Appended> toEntry(JsonNode event) {
        Optional<EventType> type = EventType.fromType(event.path("type").asText());
        if (type.isEmpty()) {
            return Optional.empty();
        }
        JsonNode data = event.path("data");
        JsonNode user = data.path("user");
        String userId = text(user.path("id")).orElse(text(data.path("user_id")).orElse(event.path("subject").asText()));
        String userEmail = text(user.path("email")).orElse(text(data.path("email")).orElse(null));
        JsonNode actor = data.path("actor");
        Instant time = time(event.path("time").asText());

        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("timestamp", time.toString());
        if (actor.isObject()) {
            payload.put("actor_id", actor.path("id").asText());
            payload.put("actor_email", actor.path("email").asText());
            payload.put("traits", Map.of("user_id", userId, "user_email", String.valueOf(userEmail)));
        } else {
            payload.put("actor_id", userId);
            payload.put("actor_email", userEmail);
            text(user.path("user_metadata").path("full_name")).ifPresent(name -> payload.put("actor_name", name));
        }
        AuditAction action = AuditAction.of(type.get());
        payload.put("action", action.action());
        payload.put("log_type", action.logType());
        AuditEntry entry = new AuditEntry(UUID.fromString(event.path("id").asText()), payload, time);
        // auth-service's events name the user but not its audience: the audit log looks it up as it writes.
        String aud = user.path("aud").isTextual() ? user.path("aud").asText() : null;
        return Optional.of(new AuditLog.Appended(entry, aud, uuid(userId)));
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Instant time(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }
}
