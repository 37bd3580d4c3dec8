package dev.tessera.platform.internal;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What user-service tells auth-service about a user it has just authenticated or verified: exactly what an access
 * token needs, nothing secret, plus which of the user's sessions may go on.
 *
 * @param sessionEpoch raised by user-service whenever the user's existing sessions must end (a password change,
 *        recovery, confirmation, an admin password reset, a ban); a session started under an older epoch is over
 * @param keptSessionId the one session the last raise spared (the session that changed the password), or null
 */
public record UserIdentity(
        UUID id,
        String aud,
        String email,
        String role,
        boolean confirmed,
        @JsonProperty("app_metadata") @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> appMetadata,
        @JsonProperty("user_metadata") @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> userMetadata,
        @JsonProperty("session_epoch") long sessionEpoch,
        @JsonProperty("kept_session_id") UUID keptSessionId) {

    /** Whether a session started under {@code epoch} may still be refreshed. */
    public boolean allowsSession(UUID sessionId, long epoch) {
        return epoch >= sessionEpoch || (keptSessionId != null && keptSessionId.equals(sessionId));
    }
}
