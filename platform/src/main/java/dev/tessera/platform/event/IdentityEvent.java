package dev.tessera.platform.event;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One public event in CloudEvents 1.0 structured JSON. {@code subject} and the {@code partitionkey} extension are
 * the user id, which is also the Kafka key, so one user's events stay in order. {@code data} never carries a
 * password hash, a one-time token or a refresh token.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IdentityEvent(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String datacontenttype,
        String partitionkey,
        Map<String, Object> data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    public static IdentityEvent of(String source, EventType type, UUID userId, Map<String, Object> data) {
        String subject = userId.toString();
        return new IdentityEvent(SPEC_VERSION, UUID.randomUUID().toString(), source, type.type(), subject,
                Instant.now(), "application/json", subject, data);
    }
}
