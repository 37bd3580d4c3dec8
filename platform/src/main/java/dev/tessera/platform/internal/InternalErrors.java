package dev.tessera.platform.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.error.Causes;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClosedException;

/**
 * Turns a failed call to another service's internal API into the {@link ApiError} the client sees. An error answer
 * is GoTrue-shaped already and meant for the client ("Failed to handle signup webhook", "Email not confirmed"), so it
 * is relayed with its status and {@code Retry-After}; an answer that is not GoTrue-shaped is a server-side failure;
 * no answer at all is a 503, or a 504 when the wait ran out.
 */
public final class InternalErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InternalErrors() {
    }

    /**
     * A call that got no answer fails as the client should see it, not as a 500: {@code 503 "<service> unavailable,
     * try again later"} when the callee refused or dropped the connection, {@code 504 "<service> did not finish in
     * time"} when it did not answer within the client's timeout ({@link Deadline#timedOut}). The REST client hands
     * these over bare (a Netty {@code ConnectException}, Vert.x's {@code HttpClosedException} or timeout) or wrapped
     * in a {@link ProcessingException}, so the causes are searched. Any other failure, an answer's error among them,
     * is left as it is.
     *
     * @param service the callee as a client may read it, e.g. {@code "User service"}
     */
    public static <T> Uni<T> unreachable(String service, Uni<T> call) {
        return call.onFailure(InternalErrors::gotNoAnswer).transform(e -> hasCause(e, TimeoutException.class)
                ? Deadline.timedOut(service)
                : ApiError.of(503, service + " unavailable, try again later"));
    }

    private static boolean gotNoAnswer(Throwable failure) {
        return !(failure instanceof ApiError) && (hasCause(failure, ProcessingException.class)
                || hasCause(failure, IOException.class) || hasCause(failure, HttpClosedException.class)
                || hasCause(failure, TimeoutException.class));
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        return Causes.any(failure, type::isInstance);
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
