package dev.tessera.platform.internal;

import java.time.Duration;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.error.ApiError;
import io.smallrye.mutiny.Uni;

/**
 * Turns a failed call to another service's internal API into the {@link ApiError} the client sees. An error answer
 * is GoTrue-shaped already and meant for the client ("Failed to handle signup webhook", "Email not confirmed"), so it
 * is relayed with its status and {@code Retry-After}; an answer that is not GoTrue-shaped is a server-side failure;
 * no answer at all is a 503.
 */
public final class InternalErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InternalErrors() {
    }

    /**
     * A call that got no answer (the REST client's {@link ProcessingException}: refused, reset) fails with
     * {@code 503 "<service> unavailable, try again later"}, not a 500; any other failure is left as it is.
     *
     * @param service the callee as a client may read it, e.g. {@code "User service"}
     */
    public static <T> Uni<T> unavailableAs503(String service, Uni<T> call) {
        return call.onFailure(ProcessingException.class)
                .transform(e -> ApiError.of(503, service + " unavailable, try again later"));
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
