package dev.tessera.hook.background;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.HookEvent;

/**
 * One CloudEvent of the public topic, as far as background hooks need it.
 *
 * @param id the CloudEvents id: the deduplication key, sent to functions as {@code X-Tessera-Event-Id}
 * @param type the CloudEvents type, e.g. {@code dev.tessera.user.signup.v1}
 * @param subject the user id
 * @param data the event's data
 * @param envelope the record value as received, kept for dead letters and replays
 */
public record StreamEvent(String id, String type, String subject, Map<String, Object> data, String envelope) {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** @throws IllegalArgumentException when the value is not a CloudEvent with an id and a type */
    public static StreamEvent read(ObjectMapper mapper, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty record");
        }
        Map<String, Object> event;
        try {
            event = mapper.readValue(value, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON CloudEvent: " + e.getOriginalMessage());
        }
        if (event == null || !(event.get("id") instanceof String id) || id.isBlank()
                || !(event.get("type") instanceof String type)) {
            throw new IllegalArgumentException("a CloudEvent needs an id and a type");
        }
        Map<String, Object> data = event.get("data") instanceof Map<?, ?> m ? cast(m) : Map.of();
        Object subject = event.get("subject");
        return new StreamEvent(id, type, subject == null ? null : subject.toString(), data, value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    /**
     * The hook event this event triggers in the background ({@link HookEvent#triggeredBy}; an event an admin caused
     * carries {@code actor}); a type this build does not know (a newer producer's) triggers nothing.
     */
    public Optional<HookEvent> hookEvent() {
        return EventType.fromType(type).flatMap(known -> HookEvent.triggeredBy(known, data.containsKey("actor")));
    }

    /**
     * The user object for the payload: {@code data.user} when the event carries one; session events carry only
     * {@code user_id} and {@code email}, which become {@code {"id","email"}}.
     */
    public Map<String, Object> user() {
        if (data.get("user") instanceof Map<?, ?> user) {
            return cast(user);
        }
        Map<String, Object> user = new LinkedHashMap<>();
        Object id = data.getOrDefault("user_id", subject);
        if (id != null) {
            user.put("id", id.toString());
        }
        if (data.get("email") != null) {
            user.put("email", data.get("email"));
        }
        return user;
    }

    public String userId() {
        Object id = user().get("id");
        return id != null ? id.toString() : subject;
    }
}
