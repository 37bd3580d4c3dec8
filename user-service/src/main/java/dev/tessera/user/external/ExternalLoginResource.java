package dev.tessera.user.external;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.internal.ExternalLogin;
import dev.tessera.platform.internal.ExternalLoginResult;
import dev.tessera.platform.internal.InternalApi;
import io.smallrye.mutiny.Uni;

/**
 * Internal: auth-service's {@code /callback} hands over what the OAuth provider said, and learns whether the person
 * logged in, was confirmed (both get tokens) or must first confirm their address by mail. Errors are GoTrue's
 * {@code {code,msg}}; auth-service puts them in the redirect back to the site.
 */
@Path("/internal/external-login")
@InternalApi
public class ExternalLoginResource {

    private final ExternalLoginFlow flow;

    public ExternalLoginResource(ExternalLoginFlow flow) {
        this.flow = flow;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ExternalLoginResult> signIn(ExternalLogin login) {
        return flow.signIn(ExternalSignIn.of(login));
    }
}
