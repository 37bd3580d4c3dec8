package dev.tessera.platform.internal;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * auth-service, at a logout, asks user-service to end the user's sessions for every service that trusts access tokens
 * by the user's row: {@code POST /internal/users/{id}/end-sessions} raises the session epoch
 * ({@link UserIdentity#sessionEpoch}), so the access tokens of the ended sessions stop working on {@code GET} and
 * {@code PUT /user} at once rather than when they expire. 204, or {@code 404 "User not found"}.
 *
 * @param keepSessionId the one session to spare (a logout of the others), or null to end every one
 * @param keepSessionEpoch the epoch the spared session started under, from its access token: it is spared only
 *        while it is still live, so the token of an ended session cannot make its session the kept one
 */
public record SessionsEnd(
        @JsonProperty("keep_session_id") UUID keepSessionId,
        @JsonProperty("keep_session_epoch") Long keepSessionEpoch) {

    public static SessionsEnd all() {
        return new SessionsEnd(null, null);
    }
}
