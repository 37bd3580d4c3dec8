package dev.tessera.platform.internal;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What user-service tells auth-service about a user it has just authenticated or verified: exactly what an access
 * token needs, nothing secret.
 */
public record UserIdentity(
        UUID id,
        String aud,
        String email,
        String role,
        boolean confirmed,
        @JsonProperty("app_metadata") @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> appMetadata,
        @JsonProperty("user_metadata") @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> userMetadata) {
}
