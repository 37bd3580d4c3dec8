package dev.tessera.platform.internal;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * auth-service, at a logout, asks user-service whether the caller's session is still live and has it end the same
 * sessions where access tokens are judged by the user's row: {@code POST /internal/users/{id}/end-sessions} raises the
 * session epoch ({@link UserIdentity#sessionEpoch}) or names the one session ended, so the access tokens of the ended
 * sessions stop working on {@code GET} and {@code PUT /user} at once rather than when they expire. 204; {@code 401}
 * when the caller's session has already ended (nothing is changed: a token stolen before a recovery must not sign its
 * owner out); {@code 404 "User not found"}.
 *
 * @param scope {@code global} (every session ends), {@code others} (all but the caller's) or {@code local} (only the
 *        caller's: user-service names it on the user, since the epoch cannot single it out; auth-service also ends a
 *        session whose refresh token was reused this way)
 * @param callerSessionId the caller's session ({@code session_id}), or null for a token that names none
 * @param callerSessionEpoch the epoch the caller's session started under ({@code session_epoch}), or null
 */
public record SessionsEnd(
        String scope,
        @JsonProperty("caller_session_id") UUID callerSessionId,
        @JsonProperty("caller_session_epoch") Long callerSessionEpoch) {

    public static final String GLOBAL = "global";
    public static final String OTHERS = "others";
    public static final String LOCAL = "local";
}
