package dev.tessera.auth.logout;

import java.util.UUID;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import dev.tessera.auth.session.Sessions;
import dev.tessera.auth.token.TokenCookie;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.error.ApiErrorMappers;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.platform.token.AccessTokens;
import io.smallrye.mutiny.Uni;

/** {@code POST /logout}: ends every session of the caller and clears the cookie; 204 without a body. */
@Path("/logout")
public class LogoutResource {

    private final AccessTokens tokens;
    private final Sessions sessions;
    private final TokenCookie cookie;

    public LogoutResource(AccessTokens tokens, Sessions sessions, TokenCookie cookie) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.cookie = cookie;
    }

    @POST
    public Uni<Response> logout(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        AccessTokenClaims claims;
        UUID userId;
        try {
            claims = tokens.verifyHeader(authorization);
            userId = claims.userId().orElseThrow(() -> ApiError.unauthorized("Invalid user"));
        } catch (ApiError failure) {
            // GoTrue clears the cookie on every authentication failure.
            return Uni.createFrom().item(Response.fromResponse(ApiErrorMappers.render(failure))
                    .header(HttpHeaders.SET_COOKIE, cookie.clear()).build());
        }
        return sessions.endAll(userId, claims.email())
                .map(done -> Response.noContent().header(HttpHeaders.SET_COOKIE, cookie.clear()).build());
    }
}
