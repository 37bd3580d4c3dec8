package dev.tessera.platform.internal;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the event functions decided, when they let the action go on. A map that is present replaces the stored one
 * (GoTrue reference §6: the function answered 200 with that key); an absent map leaves the stored one alone. A
 * function that blocks the action is not an outcome: hook-service answers the GoTrue error the client must see
 * (for example {@code 422 "Failed to handle signup webhook"}), and the caller rolls back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HookOutcome(
        @JsonProperty("app_metadata") Map<String, Object> appMetadata,
        @JsonProperty("user_metadata") Map<String, Object> userMetadata) {

    public static final HookOutcome UNCHANGED = new HookOutcome(null, null);
}
