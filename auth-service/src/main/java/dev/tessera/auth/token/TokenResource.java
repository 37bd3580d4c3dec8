package dev.tessera.auth.token;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.tessera.auth.ratelimit.AuthRateLimits;
import dev.tessera.auth.session.Sessions;
import dev.tessera.auth.user.UserDirectory;
import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.web.ClientAddress;
import dev.tessera.platform.web.RequestAudience;
import dev.tessera.platform.web.SessionCookie;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /token}: the password and refresh-token grants (GoTrue reference §3). Errors use the OAuth shape
 * {@code {"error","error_description"}}.
 */
@Path("/token")
public class TokenResource {

    private final UserDirectory directory;
    private final Sessions sessions;
    private final TokenResponses responses;
    private final RequestAudience audience;
    private final AuthRateLimits limits;
    private final ClientAddress clientAddress;
    private final GoTrueConfig config;

    public TokenResource(UserDirectory directory, Sessions sessions, TokenResponses responses,
            RequestAudience audience, AuthRateLimits limits, ClientAddress clientAddress, GoTrueConfig config) {
        this.directory = directory;
        this.sessions = sessions;
        this.responses = responses;
        this.audience = audience;
        this.limits = limits;
        this.clientAddress = clientAddress;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> token(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @Context UriInfo uri, @HeaderParam(SessionCookie.REQUEST_HEADER) String useCookie,
            @HeaderParam(RequestAudience.HEADER) String audienceHeader, @Context HttpServerRequest request) {
        config.external().email().requireEnabled();
        FormValues form = FormValues.of(body, contentType, uri.getQueryParameters());
        return limits.token(form.get("grant_type"), form.get("username"), audience.resolve(audienceHeader, null),
                clientAddress.of(request)).chain(() -> grant(form, useCookie, audienceHeader));
    }

    private Uni<Response> grant(FormValues form, String useCookie, String audienceHeader) {
        return switch (form.get("grant_type")) {
            case "password" -> directory
                    .authenticate(form.get("username"), form.get("password"), audience.resolve(audienceHeader, null))
                    .chain(user -> sessions.start(user, EventType.LOGIN))
                    .map(issued -> responses.of(issued, useCookie));
            case "refresh_token" -> {
                String refreshToken = form.get("refresh_token");
                if (refreshToken.isEmpty()) {
                    throw ApiError.oauth("invalid_request", "refresh_token required");
                }
                yield sessions.refresh(refreshToken).map(issued -> responses.of(issued, useCookie));
            }
            default -> throw ApiError.oauth("unsupported_grant_type", null);
        };
    }
}
