package dev.tessera.user.account;

import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.InternalApi;
import dev.tessera.platform.internal.SessionsEnd;
import dev.tessera.platform.web.JsonBody;
import dev.tessera.user.model.Transactions;
import dev.tessera.user.model.UserRepository;
import io.smallrye.mutiny.Uni;

/**
 * Internal: a logout's end of the user's sessions, as user-service judges access tokens ({@link LiveSessions}).
 * auth-service deletes the sessions and their refresh tokens once this answered; this refuses the token of a session
 * that has already ended, and makes the access tokens of the sessions the logout ends stop reading and changing the
 * account: all or all but the caller's by raising the epoch, the caller's alone ({@code local}, also auth-service's
 * revocation of a session whose refresh token was reused) by naming it on the user.
 */
@Path("/internal/users/{id}/end-sessions")
@InternalApi
public class EndSessionsResource {

    private final UserRepository users;
    private final JsonBody json;

    public EndSessionsResource(UserRepository users, JsonBody json) {
        this.users = users;
        this.json = json;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Void> end(@PathParam("id") UUID id, byte[] body) {
        SessionsEnd end = json.read(body, SessionsEnd.class, "end sessions");
        String scope = end.scope() == null ? SessionsEnd.GLOBAL : end.scope();
        if (!scope.equals(SessionsEnd.GLOBAL) && !scope.equals(SessionsEnd.OTHERS) && !scope.equals(SessionsEnd.LOCAL)) {
            throw ApiError.badRequest("Could not read end sessions params: unknown scope " + scope);
        }
        return Transactions.run(() -> users.lock(id).invoke(user -> {
            if (user == null) {
                throw ApiError.notFound("User not found");
            }
            UUID caller = LiveSessions.live(user, end.callerSessionId(), end.callerSessionEpoch());
            switch (scope) {
                case SessionsEnd.GLOBAL -> user.endSessions(null);
                case SessionsEnd.OTHERS -> user.endSessions(caller);
                default -> {
                    if (caller != null) {
                        user.endSession(caller);
                    }
                }
            }
        })).replaceWithVoid();
    }
}
