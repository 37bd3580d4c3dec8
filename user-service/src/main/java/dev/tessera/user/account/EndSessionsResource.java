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
import dev.tessera.user.authenticate.Identities;
import dev.tessera.user.model.Transactions;
import dev.tessera.user.model.UserRepository;
import io.smallrye.mutiny.Uni;

/**
 * Internal: a logout's end of the user's sessions, as user-service judges access tokens ({@link LiveSessions}). auth-service
 * deletes the sessions and their refresh tokens; this makes their access tokens stop reading and changing the account
 * too. The spared session of a logout of the others is kept only while it is live.
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
        return Transactions.run(() -> users.lock(id).invoke(user -> {
            if (user == null) {
                throw ApiError.notFound("User not found");
            }
            UUID keep = end.keepSessionId() != null && end.keepSessionEpoch() != null
                    && Identities.of(user).allowsSession(end.keepSessionId(), end.keepSessionEpoch())
                            ? end.keepSessionId()
                            : null;
            user.endSessions(keep);
        })).replaceWithVoid();
    }
}
