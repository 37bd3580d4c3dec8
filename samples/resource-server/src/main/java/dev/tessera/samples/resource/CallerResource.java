package dev.tessera.samples.resource;

import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

/**
 * What this service knows of its caller from a Tessera access token, verified by quarkus-smallrye-jwt against the
 * suite's published keys (application.properties): the user id ({@code sub}), the address, and the roles an
 * operator gave the user in {@code app_metadata.roles}, mapped to groups so {@code @RolesAllowed} reads them.
 */
@Path("/caller")
@Produces(MediaType.APPLICATION_JSON)
public class CallerResource {

    @Inject
    JsonWebToken token;

    /** Any signed-in user. */
    @GET
    @Authenticated
    public Caller caller() {
        return new Caller(token.getSubject(), token.getClaim("email"), token.getGroups());
    }

    /** Only users with the role {@code admin} in their app_metadata. */
    @GET
    @Path("/admin")
    @RolesAllowed("admin")
    public Caller admin() {
        return caller();
    }

    /** The caller as this service sees it. */
    public record Caller(String id, String email, Set<String> roles) {
    }
}
