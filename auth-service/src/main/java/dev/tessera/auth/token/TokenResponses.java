package dev.tessera.auth.token;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.tessera.auth.session.Sessions;
import dev.tessera.platform.web.SessionCookie;

/** Turns an issued session into GoTrue's token response, with the cookie when asked for. */
@ApplicationScoped
public class TokenResponses {

    private final AccessTokenIssuer issuer;
    private final SessionCookie cookie;

    public TokenResponses(AccessTokenIssuer issuer, SessionCookie cookie) {
        this.issuer = issuer;
        this.cookie = cookie;
    }

    public Response of(Sessions.Issued issued, String useCookie) {
        String accessToken = issuer.issue(issued);
        Response.ResponseBuilder response = Response.ok(
                new TokenResponse(accessToken, "bearer", issuer.lifetimeSeconds(), issued.refreshToken()),
                MediaType.APPLICATION_JSON_TYPE);
        String setCookie = cookie.set(useCookie, accessToken);
        if (setCookie != null) {
            response.header(HttpHeaders.SET_COOKIE, setCookie);
        }
        return response.build();
    }
}
