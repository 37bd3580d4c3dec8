package dev.tessera.user.signin;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.tessera.platform.config.GoDurationConverter;
import dev.tessera.platform.error.ApiError;
import dev.tessera.user.model.User;

/**
 * supabase's ban: an admin sets {@code ban_duration} ("24h", Go syntax; "none" lifts the ban) and the user cannot
 * sign in until {@code banned_until}: neither the password grant, nor {@code /verify}, nor an OAuth provider. The ban
 * also ends every session the user has.
 */
public final class Bans {

    static final String BANNED = "User is banned";

    private Bans() {
    }

    /** A 403 for a banned user, as supabase answers {@code /verify} and OAuth sign-ins. */
    public static void refuse(User user) {
        if (user.isBanned()) {
            throw ApiError.forbidden(BANNED);
        }
    }

    /** The OAuth-shaped refusal of the password grant (given only to whoever knows the password). */
    public static ApiError refusedGrant() {
        return ApiError.oauth("invalid_grant", BANNED);
    }

    /** What an admin's {@code ban_duration} asks for: a ban until a time, or (until null) lifting it. */
    public record Ban(Instant until) {

        /** Sets {@code banned_until}; a ban, unlike its lifting, ends every session the user has. */
        public void applyTo(User user) {
            user.bannedUntil = until;
            if (until != null) {
                user.endSessions(null);
            }
        }
    }

    /**
     * The ban an admin's {@code ban_duration} asks for: none when it is absent, lifting for "none", else a ban until
     * now plus the duration. Anything but "none" or a positive duration in Go's syntax, as supabase/auth reads it
     * ({@code time.ParseDuration}: no spaces around it, no ISO-8601 {@code P1D}), is a 400.
     */
    public static Optional<Ban> requested(String banDuration, Instant now) {
        if (banDuration == null) {
            return Optional.empty();
        }
        if ("none".equals(banDuration)) {
            return Optional.of(new Ban(null));
        }
        Duration duration;
        try {
            duration = GoDurationConverter.parseGo(banDuration);
        } catch (RuntimeException unreadable) {
            duration = null;
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw ApiError.badRequest("ban_duration must be \"none\" or a positive duration such as \"24h\"");
        }
        return Optional.of(new Ban(now.plus(duration)));
    }
}
