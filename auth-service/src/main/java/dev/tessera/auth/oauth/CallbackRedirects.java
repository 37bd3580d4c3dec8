package dev.tessera.auth.oauth;

import java.net.URI;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import dev.tessera.platform.error.ApiError;

/**
 * The answers of {@code /callback} once the state is trusted: always a {@code 302} back to the site, with the
 * tokens or GoTrue's OAuth error in the fragment (GoTrue reference §7). Fragment keys are sorted, as Go's
 * {@code url.Values.Encode} writes them.
 */
final class CallbackRedirects {

    private CallbackRedirects() {
    }

    static Response tokens(String base, String accessToken, long expiresIn, String refreshToken, String clearCookie) {
        return found(base + "#" + FormEncoding.encode(new String[][] {
                { "access_token", accessToken },
                { "expires_in", Long.toString(expiresIn) },
                { "refresh_token", refreshToken },
                { "token_type", "bearer" } }), clearCookie);
    }

    /** Back to the site without a fragment: the user was sent a confirmation mail instead of tokens. */
    static Response plain(String base, String clearCookie) {
        return found(base, clearCookie);
    }

    static Response error(String base, String code, String description, String clearCookie) {
        return found(base + "#" + FormEncoding.encode(new String[][] {
                { "error", code },
                { "error_description", description } }), clearCookie);
    }

    static Response error(String base, ApiError error, String clearCookie) {
        String code = error.isOAuth() ? error.oauthError() : codeFor(error.status());
        return error(base, code, error.getMessage(), clearCookie);
    }

    /** GoTrue's mapping of an HTTP status to an OAuth error code. */
    static String codeFor(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "unauthorized_client";
            case 403 -> "access_denied";
            case 503 -> "temporarily_unavailable";
            default -> "server_error";
        };
    }

    private static Response found(String location, String clearCookie) {
        Response.ResponseBuilder response = Response.status(Response.Status.FOUND).location(URI.create(location));
        if (clearCookie != null) {
            response.header(HttpHeaders.SET_COOKIE, clearCookie);
        }
        return response.build();
    }
}
