package dev.tessera.user.external;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.InternalApi;
import dev.tessera.platform.internal.InviteCheck;
import dev.tessera.user.confirm.Confirmations;
import io.smallrye.mutiny.Uni;

/**
 * Internal: auth-service's {@code /authorize?invite_token=} asks whether the token could still be redeemed before it
 * sends the browser to the provider. {@code 204} if so; an unknown or expired token is {@code 404 "User not found"},
 * as GoTrue answers an unknown one. Nothing is changed.
 */
@Path("/internal/invites/check")
@InternalApi
public class InviteCheckResource {

    private final Confirmations confirmations;

    public InviteCheckResource(Confirmations confirmations) {
        this.confirmations = confirmations;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Void> check(InviteCheck check) {
        if (check == null || check.token() == null || check.token().isBlank()) {
            throw ApiError.notFound("User not found");
        }
        return confirmations.find(check.token().trim()).map(user -> {
            if (user == null || confirmations.expired(user)) {
                throw ApiError.notFound("User not found");
            }
            return null;
        });
    }
}
