package dev.tessera.auth.session;

import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.internal.InternalApi;
import dev.tessera.platform.web.Uuids;
import io.smallrye.mutiny.Uni;

/**
 * Internal: whether a user's session still goes on ({@link Sessions#live}), for a service that has verified an
 * access token and must not trust it past its session's end (hook-service's function gateway). {@code 204} when it
 * does, {@code 404} when it has ended or never was.
 */
@Path("/internal/sessions/{id}")
@InternalApi
public class LiveSessionResource {

    static final String ENDED = "Session not found: it has ended";

    private final Sessions sessions;

    public LiveSessionResource(Sessions sessions) {
        this.sessions = sessions;
    }

    @GET
    public Uni<Void> live(@PathParam("id") String session, @QueryParam("user_id") String user) {
        UUID sessionId = Uuids.parse(session).orElseThrow(() -> ApiError.notFound(ENDED));
        UUID userId = Uuids.parse(user).orElseThrow(() -> ApiError.badRequest("user_id must be a user's id"));
        return sessions.live(userId, sessionId).map(live -> {
            if (!live) {
                throw ApiError.notFound(ENDED);
            }
            return null;
        });
    }
}
