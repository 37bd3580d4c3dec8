package dev.tessera.user.hooks;

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

import dev.tessera.platform.internal.HookInvocation;
import dev.tessera.platform.internal.HookOutcome;
import dev.tessera.platform.internal.HookSubscriptions;
import dev.tessera.platform.internal.InternalCallHeaders;
import dev.tessera.platform.internal.InternalErrors;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/** hook-service's synchronous hooks; its errors (422, 502, 504, …) are the client's answer. */
@RegisterRestClient(configKey = "hook-service")
@RegisterClientHeaders(InternalCallHeaders.class)
@Path("/internal/hooks")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface HookServiceClient {

    @GET
    Uni<HookSubscriptions> subscriptions();

    @POST
    @Path("/{event}")
    Uni<HookOutcome> run(@PathParam("event") String event, HookInvocation invocation);

    @ClientExceptionMapper
    static RuntimeException toApiError(Response response) {
        return InternalErrors.relay(response, "hook-service");
    }
}
