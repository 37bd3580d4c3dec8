package dev.tessera.hook.gateway;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import dev.tessera.platform.internal.InternalCallHeaders;
import dev.tessera.platform.internal.InternalErrors;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/** auth-service's internal API: whether the session an access token names still goes on. */
@RegisterRestClient(configKey = "auth-service")
@RegisterClientHeaders(InternalCallHeaders.class)
@Path("/internal/sessions")
public interface AuthServiceClient {

    /** Completes when the session goes on; fails with a 404 {@code ApiError} when it has ended. */
    @GET
    @Path("/{id}")
    Uni<Void> live(@PathParam("id") String sessionId, @QueryParam("user_id") String userId);

    @ClientExceptionMapper
    static RuntimeException toApiError(Response response) {
        return InternalErrors.relay(response, "auth-service");
    }
}
