package dev.tessera.auth.user;

import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.PasswordCheck;
import dev.tessera.platform.internal.TokenVerification;
import dev.tessera.platform.internal.UserIdentity;
import io.smallrye.mutiny.Uni;

/**
 * user-service's internal API. Its errors are already GoTrue-shaped and are passed on to the client unchanged.
 */
@RegisterRestClient(configKey = "user-service")
@RegisterClientHeaders(ServiceCredentialHeaders.class)
@Path("/internal")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface UserServiceClient {

    @POST
    @Path("/authenticate")
    Uni<UserIdentity> authenticate(PasswordCheck check);

    @POST
    @Path("/verify")
    Uni<UserIdentity> verify(TokenVerification verification);

    @GET
    @Path("/users/{id}")
    Uni<UserIdentity> get(@PathParam("id") UUID id);

    @ClientExceptionMapper
    static RuntimeException toApiError(Response response) {
        String body = response.readEntity(String.class);
        try {
            JsonNode json = new ObjectMapper().readTree(body == null ? "" : body);
            if (json != null && json.hasNonNull("error")) {
                return ApiError.oauth(json.get("error").asText(),
                        json.hasNonNull("error_description") ? json.get("error_description").asText() : null);
            }
            if (json != null && json.hasNonNull("msg") && response.getStatus() < 500) {
                return ApiError.of(response.getStatus(), json.get("msg").asText());
            }
        } catch (Exception unreadable) {
            // fall through: an answer we cannot read is a server-side failure
        }
        return ApiError.internal("Internal server error",
                new IllegalStateException("user-service answered " + response.getStatus()));
    }
}
