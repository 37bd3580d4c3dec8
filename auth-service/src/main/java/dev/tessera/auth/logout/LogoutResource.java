package dev.tessera.auth.logout;

import java.util.UUID;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import dev.tessera.auth.session.Sessions;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.platform.token.AccessTokens;
import dev.tessera.platform.web.SessionCookie;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /logout}: ends every session of the caller and clears the cookie; 204 without a body (and without a
 * JSON content type, which gotrue-js would try to parse).
 */
@Path("/logout")
public class LogoutResource {

    private final AccessTokens tokens;
    private final Sessions sessions;
    private final SessionCookie cookie;

    public LogoutResource(AccessTokens tokens, Sessions sessions, SessionCookie cookie) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.cookie = cookie;
    }

    @POST
    public Uni<Response> logout(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        AccessTokenClaims claims = tokens.verifyHeader(authorization);
        UUID userId = claims.userId()
                .orElseThrow(() -> ApiError.unauthorized("Invalid user").clearingSessionCookie());
        return sessions.endAll(userId, claims.email())
                .map(done -> Response.noContent().header(HttpHeaders.SET_COOKIE, cookie.clear()).build());
    }
}
