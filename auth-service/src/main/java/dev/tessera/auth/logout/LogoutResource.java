package dev.tessera.auth.logout;

import java.util.UUID;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import dev.tessera.auth.session.SessionStore;
import dev.tessera.auth.session.Sessions;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.platform.token.AccessTokens;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.platform.web.SessionCookie;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /logout[?scope=global|local|others]}: ends the caller's sessions and clears the cookie; 204 without a
 * body (and without a JSON content type, which gotrue-js would try to parse). {@code global}, the default as on
 * GoTrue, ends every session of the user; {@code local} the one the access token's {@code session_id} names,
 * {@code others} every other one (supabase/auth's scopes), and keeps the cookie: the caller's session goes on, and
 * with it the site's access to its pages. The token of a session that has already ended (a
 * recovery, a password change or a ban ended it) is refused with 401 and ends nothing. A token without
 * {@code session_id} (one minted outside a session, e.g. by an operator tool) names no session, so {@code local} and
 * {@code others} answer 400 for it rather than guess.
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
    public Uni<Response> logout(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader, @QueryParam("scope") String scope) {
        return tokens.verifyHeader(authorization, audienceHeader).chain(claims -> logout(claims, scope))
                .map(done -> "others".equals(scope) ? Response.noContent().build()
                        : Response.noContent().header(HttpHeaders.SET_COOKIE, cookie.clear()).build());
    }

    private Uni<Void> logout(AccessTokenClaims claims, String scope) {
        UUID userId = claims.userId()
                .orElseThrow(() -> ApiError.unauthorized("Invalid user").clearingSessionCookie());
        String name = scope == null || scope.isEmpty() ? "global" : scope;
        SessionStore.Scope which = switch (name) {
            case "global" -> SessionStore.Scope.ALL;
            case "local" -> SessionStore.Scope.ONLY;
            case "others" -> SessionStore.Scope.ALL_BUT;
            default -> throw ApiError.badRequest("Unsupported logout scope; use global, local or others");
        };
        if (which != SessionStore.Scope.ALL && claims.session().isEmpty()) {
            throw ApiError.badRequest("Logout scope " + name
                    + " needs an access token with a session_id; this one has none (use scope=global)");
        }
        Long epoch = claims.sessionEpoch().isPresent() ? claims.sessionEpoch().getAsLong() : null;
        return sessions.logout(userId, claims.email(), which, claims.session().orElse(null), epoch, name);
    }
}
