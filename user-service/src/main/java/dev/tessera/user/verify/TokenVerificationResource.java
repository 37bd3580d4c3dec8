package dev.tessera.user.verify;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.InternalApi;
import dev.tessera.platform.internal.TokenVerification;
import dev.tessera.platform.internal.UserIdentity;
import dev.tessera.user.authenticate.Identities;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.model.User;
import io.smallrye.mutiny.Uni;

/**
 * Internal: redeems a signup (confirmation or invite) or recovery token for auth-service's {@code POST /verify},
 * which then issues the tokens. Validation messages are GoTrue's.
 */
@Path("/internal/verify")
@InternalApi
public class TokenVerificationResource {

    private final VerifyFlow flow;

    public TokenVerificationResource(VerifyFlow flow) {
        this.flow = flow;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<UserIdentity> verify(TokenVerification params) {
        if (params == null || params.token() == null || params.token().isBlank()) {
            throw ApiError.unprocessable("Verify requires a token");
        }
        if (params.password() != null && PasswordHasher.tooLong(params.password())) {
            throw ApiError.unprocessable("Password cannot be longer than 72 bytes");
        }
        String token = params.token().trim();
        Uni<User> verified = switch (params.type() == null ? "" : params.type()) {
            case "signup" -> flow.confirm(token, params.password());
            case "recovery" -> flow.recover(token);
            default -> throw ApiError.unprocessable("Verify requires a verification type");
        };
        return verified.map(Identities::of);
    }
}
