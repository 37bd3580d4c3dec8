package dev.tessera.platform.error;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JacksonException;

import dev.tessera.platform.web.RequestIds;
import dev.tessera.platform.web.SessionCookie;

/**
 * The one place where failures become responses. Clients see GoTrue's shapes only: never a Java class name or a
 * stack trace. Unclassified failures are logged with an error id that the client also receives: the request id, as on
 * GoTrue ({@link RequestIds}).
 */
public class ApiErrorMappers {

    private static final Logger LOG = Logger.getLogger(ApiErrorMappers.class);

    private final SessionCookie sessionCookie;

    public ApiErrorMappers(SessionCookie sessionCookie) {
        this.sessionCookie = sessionCookie;
    }

    @ServerExceptionMapper
    public Response apiError(ApiError error) {
        return render(error);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException error) {
        int status = error.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(error);
        }
        return render(ApiError.of(status, error.getResponse().getStatusInfo().getReasonPhrase()));
    }

    @ServerExceptionMapper
    public Response unreadableJson(JacksonException error) {
        return render(ApiError.badRequest("Could not read request body: malformed JSON"));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable error) {
        if (error instanceof ApiError api) {
            return render(api);
        }
        if (PoolSaturation.is(error)) {
            return render(PoolSaturation.OVERLOADED);
        }
        if (DatabaseUnavailable.is(error)) {
            return render(DatabaseUnavailable.UNAVAILABLE);
        }
        String errorId = RequestIds.errorId();
        LOG.errorf(error, "Unhandled failure, error_id=%s", errorId);
        return json(500, new ErrorBody(500, "Internal server error", errorId)).build();
    }

    private Response render(ApiError error) {
        Response.ResponseBuilder response;
        if (error.isOAuth()) {
            response = json(400, new OAuthErrorBody(error.oauthError(), error.getMessage()));
        } else {
            String errorId = null;
            if (error.status() >= 500) {
                errorId = RequestIds.errorId();
                LOG.errorf(error.getCause(), "%s, error_id=%s", error.getMessage(), errorId);
            }
            response = json(error.status(), new ErrorBody(error.status(), error.getMessage(), errorId));
        }
        if (error.retryAfterSeconds() > 0) {
            response.header(HttpHeaders.RETRY_AFTER, error.retryAfterSeconds());
        }
        if (error.clearsSessionCookie()) {
            response.header(HttpHeaders.SET_COOKIE, sessionCookie.clear());
        }
        return response.build();
    }

    private static Response.ResponseBuilder json(int status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
    }
}
