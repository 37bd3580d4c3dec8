package dev.tessera.auth.verify;

import java.time.Duration;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import jakarta.ws.rs.core.Context;

import dev.tessera.auth.ratelimit.AuthRateLimits;
import dev.tessera.auth.session.Sessions;
import dev.tessera.platform.error.DatabaseUnavailable;
import dev.tessera.platform.web.ClientAddress;
import dev.tessera.platform.web.SessionCookie;
import dev.tessera.auth.token.TokenResponses;
import dev.tessera.auth.user.UserDirectory;
import dev.tessera.platform.web.JsonBody;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /verify}: redeems a confirmation, invite or recovery token (user-service checks and clears it) and
 * logs the user in. As on GoTrue, this is not a login event: user-service announces the confirmation instead.
 */
@Path("/verify")
public class VerifyResource {

    private static final Duration SESSION_RETRY_BACKOFF = Duration.ofMillis(250);
    private static final int SESSION_RETRIES = 4;

    private final JsonBody json;
    private final UserDirectory directory;
    private final Sessions sessions;
    private final TokenResponses responses;
    private final AuthRateLimits limits;
    private final ClientAddress clientAddress;

    public VerifyResource(JsonBody json, UserDirectory directory, Sessions sessions, TokenResponses responses,
            AuthRateLimits limits, ClientAddress clientAddress) {
        this.json = json;
        this.directory = directory;
        this.sessions = sessions;
        this.responses = responses;
        this.limits = limits;
        this.clientAddress = clientAddress;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> verify(byte[] body, @HeaderParam(SessionCookie.REQUEST_HEADER) String useCookie,
            @Context HttpServerRequest request) {
        VerifyParams params = json.read(body, VerifyParams.class, "Verify");
        return limits.verify(params.token(), clientAddress.of(request))
                .chain(() -> directory.verify(params.type(), params.token(), params.password()))
                .chain(user -> Uni.createFrom().deferred(() -> sessions.start(user, null))
                        // user-service has spent the one-time token by now: a retry of the request would be answered
                        // 404, so a database that refuses the session's connection for a moment is waited out here.
                        // A refused connection wrote nothing, so starting the session again cannot make two.
                        .onFailure(DatabaseUnavailable::is).retry()
                        .withBackOff(SESSION_RETRY_BACKOFF, SESSION_RETRY_BACKOFF.multipliedBy(4))
                        .atMost(SESSION_RETRIES))
                .map(issued -> responses.of(issued, useCookie));
    }
}
