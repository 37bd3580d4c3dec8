package dev.tessera.platform.internal;

import java.time.Duration;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.error.ApiError;

/**
 * Turns an error answer of another service's internal API back into the {@link ApiError} it rendered. Internal
 * answers are GoTrue-shaped already and meant for the client ("Failed to handle signup webhook", "Email not
 * confirmed"), so they are relayed with their status and {@code Retry-After}; an answer that is not GoTrue-shaped is
 * a server-side failure.
 */
public final class InternalErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InternalErrors() {
    }

    public static ApiError relay(Response response, String service) {
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        try {
            JsonNode json = JSON.readTree(body == null ? "" : body);
            if (json != null && json.hasNonNull("error")) {
                return ApiError.oauth(json.get("error").asText(),
                        json.hasNonNull("error_description") ? json.get("error_description").asText() : null);
            }
            if (json != null && json.hasNonNull("msg")) {
                ApiError error = ApiError.of(response.getStatus(), json.get("msg").asText());
                Long retryAfter = retryAfterSeconds(response);
                return retryAfter == null ? error : error.retryAfter(Duration.ofSeconds(retryAfter));
            }
        } catch (Exception unreadable) {
            // fall through
        }
        return ApiError.internal("Internal server error",
                new IllegalStateException(service + " answered " + response.getStatus() + " without a GoTrue error"));
    }

    /** The answer's {@code Retry-After} in seconds (a 429 of a lockout or a limit), or null. */
    private static Long retryAfterSeconds(Response response) {
        String header = response.getHeaderString(HttpHeaders.RETRY_AFTER);
        try {
            return header == null ? null : Long.parseLong(header.trim());
        } catch (NumberFormatException notSeconds) {
            return null;
        }
    }
}
