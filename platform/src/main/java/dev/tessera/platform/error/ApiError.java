package dev.tessera.platform.error;

import java.time.Duration;

/**
 * Every failure a client may see, in GoTrue's two wire shapes: {@code {"code","msg"}} for most routes and
 * {@code {"error","error_description"}} (always 400) for the OAuth-style {@code /token} route.
 * Rendered in exactly one place, {@link ApiErrorMappers}.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String oauthError;
    private final boolean clearsSessionCookie;
    private final long retryAfterSeconds;

    private ApiError(int status, String message, String oauthError, Throwable cause, boolean clearsSessionCookie,
            long retryAfterSeconds) {
        super(message, cause, false, false);
        this.status = status;
        this.oauthError = oauthError;
        this.clearsSessionCookie = clearsSessionCookie;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    private ApiError(int status, String message, String oauthError, Throwable cause) {
        this(status, message, oauthError, cause, false, 0);
    }

    /** The same error, answered with a Set-Cookie that removes the session cookie (GoTrue does on auth failures). */
    public ApiError clearingSessionCookie() {
        return new ApiError(status, getMessage(), oauthError, getCause(), true, retryAfterSeconds);
    }

    /** The same error, answered with {@code Retry-After} (whole seconds, at least 1). */
    public ApiError retryAfter(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new ApiError(status, getMessage(), oauthError, getCause(), clearsSessionCookie, seconds);
    }

    public static ApiError of(int status, String message) {
        return new ApiError(status, message, null, null);
    }

    public static ApiError badRequest(String message) {
        return of(400, message);
    }

    public static ApiError unauthorized(String message) {
        return of(401, message);
    }

    public static ApiError forbidden(String message) {
        return of(403, message);
    }

    public static ApiError notFound(String message) {
        return of(404, message);
    }

    public static ApiError unprocessable(String message) {
        return of(422, message);
    }

    public static ApiError tooManyRequests(String message) {
        return of(429, message);
    }

    /** A server-side failure; the cause is logged with the error id, never shown to the client. */
    public static ApiError internal(String message, Throwable cause) {
        return new ApiError(500, message, null, cause);
    }

    /** The OAuth2 error shape of {@code /token}: always HTTP 400. */
    public static ApiError oauth(String error, String description) {
        return new ApiError(400, description, error, null);
    }

    public int status() {
        return status;
    }

    public boolean isOAuth() {
        return oauthError != null;
    }

    public String oauthError() {
        return oauthError;
    }

    public boolean clearsSessionCookie() {
        return clearsSessionCookie;
    }

    /** Seconds for the {@code Retry-After} header, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
