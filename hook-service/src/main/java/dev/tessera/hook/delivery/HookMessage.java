package dev.tessera.hook.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.HookEvent;

/**
 * The body of one hook request, serialised once so that the signature covers exactly the bytes sent: GoTrue's
 * three keys {@code {"event","instance_id","user"}}.
 *
 * @param event the hook event
 * @param id identifies this message across its attempts: the event id for background deliveries (so a function
 *        can deduplicate), a fresh UUID per synchronous call; Standard Webhooks' {@code webhook-id}
 * @param background whether it is delivered from the event stream
 * @param body the exact JSON bytes
 */
public record HookMessage(HookEvent event, String id, boolean background, byte[] body) {

    public static HookMessage of(ObjectMapper mapper, HookEvent event, String id, boolean background,
            String instanceId, Map<String, Object> user) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", event.wireName());
        payload.put("instance_id", instanceId);
        payload.put("user", user);
        try {
            return new HookMessage(event, id, background, mapper.writeValueAsBytes(payload));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the user object cannot be serialised", e);
        }
    }
}
