package dev.tessera.user.account;

import java.util.OptionalLong;
import java.util.UUID;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.user.authenticate.Identities;
import dev.tessera.user.model.User;

/**
 * Whether an access token still speaks for its session. A token lives until it expires, but its session may have
 * ended before (a recovery, a ban, an admin's password reset, a password change elsewhere, a logout): its
 * {@code session_id} and {@code session_epoch} claims let user-service decide with the rule the refresh grant applies
 * (platform's {@code UserIdentity#allowsSession}), plus the sessions ended one at a time ({@code User#endSession}),
 * without asking auth-service.
 */
public final class LiveSessions {

    static final String SESSION_ENDED = "Invalid token: this session has ended, sign in again";

    private LiveSessions() {
    }

    /**
     * The caller's session; null when the token names none or does not say which epoch it started under (a token
     * minted before tokens carried it, or by an operator). A 401 when that session has ended.
     */
    public static UUID live(User user, AccessTokenClaims caller) {
        OptionalLong epoch = caller.sessionEpoch();
        return live(user, caller.session().orElse(null), epoch.isPresent() ? epoch.getAsLong() : null);
    }

    /** As {@link #live(User, AccessTokenClaims)}, from the two claims as another service passed them on. */
    static UUID live(User user, UUID session, Long epoch) {
        if (session == null || epoch == null) {
            return null;
        }
        if (!Identities.of(user).allowsSession(session, epoch) || user.endedOneByOne(session)) {
            throw ApiError.unauthorized(SESSION_ENDED);
        }
        return session;
    }
}
