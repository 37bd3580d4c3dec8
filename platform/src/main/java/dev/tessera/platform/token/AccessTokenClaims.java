package dev.tessera.platform.token;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The verified claims of a GoTrue access token (reference §4). */
public record AccessTokenClaims(
        String subject,
        String audience,
        String email,
        Map<String, Object> appMetadata,
        Map<String, Object> userMetadata,
        Instant expiresAt) {

    private static final UUID NIL = new UUID(0, 0);

    /** The user id, or empty when {@code sub} is not a UUID. */
    public Optional<UUID> userId() {
        try {
            return Optional.of(UUID.fromString(subject));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** A token for the system itself ({@code sub} "0" or the nil UUID), as Netlify gives functions. */
    public boolean isSystem() {
        return "0".equals(subject) || userId().map(NIL::equals).orElse(false);
    }
}
