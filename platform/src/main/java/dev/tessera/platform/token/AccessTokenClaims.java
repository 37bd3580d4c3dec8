package dev.tessera.platform.token;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import dev.tessera.platform.web.Uuids;

/**
 * The verified claims of a GoTrue access token (reference §4).
 *
 * @param claims every claim of the token as verified, for whoever passes them on whole (the function gateway)
 */
public record AccessTokenClaims(
        String subject,
        String audience,
        String email,
        Map<String, Object> appMetadata,
        Map<String, Object> userMetadata,
        Instant expiresAt,
        String sessionId,
        Map<String, Object> claims) {

    private static final UUID NIL = new UUID(0, 0);

    /** The user id, or empty when {@code sub} is not a UUID. */
    public Optional<UUID> userId() {
        return Uuids.parse(subject);
    }

    /** The {@code session_id} claim, or empty for a token minted outside a session (GoTrue's have none). */
    public Optional<UUID> session() {
        return Uuids.parse(sessionId);
    }

    /**
     * The {@code session_epoch} claim: the user's session epoch the token's session started under (platform's
     * {@code UserIdentity#allowsSession} decides whether that session may go on); empty when the token has none.
     */
    public OptionalLong sessionEpoch() {
        return claims.get("session_epoch") instanceof Number epoch && epoch.doubleValue() == epoch.longValue()
                ? OptionalLong.of(epoch.longValue())
                : OptionalLong.empty();
    }

    /**
     * Whether the token names a user's session, which may end before the token expires; one minted outside a
     * session (GoTrue's, an operator's, the system's) has nothing to end.
     */
    public boolean namesSession() {
        return session().isPresent() && userId().isPresent();
    }

    /** A token for the system itself ({@code sub} "0" or the nil UUID), as Netlify gives functions. */
    public boolean isSystem() {
        return "0".equals(subject) || userId().map(NIL::equals).orElse(false);
    }
}
