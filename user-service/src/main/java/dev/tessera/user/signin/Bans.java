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

    /**
     * The {@code banned_until} an admin's {@code ban_duration} asks for: empty to lift the ban ("none"), else now plus
     * the duration. Anything but "none" or a positive duration is a 400.
     */
    public static Optional<Instant> until(String banDuration, Instant now) {
        if ("none".equals(banDuration.trim())) {
            return Optional.empty();
        }
        Duration duration;
        try {
            duration = GoDurationConverter.parse(banDuration);
        } catch (RuntimeException unreadable) {
            duration = null;
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw ApiError.badRequest("ban_duration must be \"none\" or a positive duration such as \"24h\"");
        }
        return Optional.of(now.plus(duration));
    }
}
