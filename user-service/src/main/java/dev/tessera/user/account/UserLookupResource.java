package dev.tessera.user.account;

import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.InternalApi;
import dev.tessera.platform.internal.UserIdentity;
import dev.tessera.user.authenticate.Identities;
import dev.tessera.user.model.UserReader;
import io.smallrye.mutiny.Uni;

/** Internal: the current identity of a user, so a refreshed access token shows today's metadata. */
@Path("/internal/users/{id}")
@InternalApi
public class UserLookupResource {

    private final UserReader users;

    public UserLookupResource(UserReader users) {
        this.users = users;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserIdentity> get(@PathParam("id") UUID id) {
        return users.byId(id).map(user -> {
            if (user == null) {
                throw ApiError.notFound("User not found");
            }
            return Identities.of(user);
        });
    }
}
