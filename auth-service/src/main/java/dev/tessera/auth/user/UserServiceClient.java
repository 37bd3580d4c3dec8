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

import dev.tessera.platform.internal.ExternalLogin;
import dev.tessera.platform.internal.ExternalLoginResult;
import dev.tessera.platform.internal.InternalCallHeaders;
import dev.tessera.platform.internal.InternalErrors;
import dev.tessera.platform.internal.InviteCheck;
import dev.tessera.platform.internal.PasswordCheck;
import dev.tessera.platform.internal.SessionsEnd;
import dev.tessera.platform.internal.TokenVerification;
import dev.tessera.platform.internal.UserIdentity;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/**
 * user-service's internal API. Its errors are already GoTrue-shaped and are passed on to the client unchanged.
 */
@RegisterRestClient(configKey = "user-service")
@RegisterClientHeaders(InternalCallHeaders.class)
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

    @POST
    @Path("/external-login")
    Uni<ExternalLoginResult> externalLogin(ExternalLogin login);

    @POST
    @Path("/invites/check")
    Uni<Void> checkInvite(InviteCheck check);

    @GET
    @Path("/users/{id}")
    Uni<UserIdentity> get(@PathParam("id") UUID id);

    @POST
    @Path("/users/{id}/end-sessions")
    Uni<Void> endSessions(@PathParam("id") UUID id, SessionsEnd end);

    @ClientExceptionMapper
    static RuntimeException toApiError(Response response) {
        return InternalErrors.relay(response, "user-service");
    }
}
