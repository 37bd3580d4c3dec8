package dev.tessera.auth.session;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import dev.tessera.platform.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithName;

/**
 * How sessions end and how a rotated-out refresh token is treated, under supabase/auth's names for the same
 * settings ({@code GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED} is {@code gotrue.security.refresh-token-rotation-enabled},
 * and so on). Only auth-service reads them, so they live here rather than in the shared {@code GoTrueConfig}.
 * GoTrue's exact behaviour (a rotated-out token is {@code Invalid Refresh Token}, nothing else happens) is
 * rotation detection off with a reuse interval of 0.
 */
@ConfigMapping(prefix = "gotrue")
public interface SessionSettings {

    Security security();

    Sessions sessions();

    interface Security {
        /**
         * Reuse detection: a rotated-out refresh token presented after the reuse interval revokes its whole session.
         * Off, it is only refused.
         */
        default boolean refreshTokenRotationEnabled() {
            return givenRefreshTokenRotationEnabled().orElse(true);
        }

        /** {@code GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED} as given (empty is the default). */
        @WithName("refresh-token-rotation-enabled")
        Optional<Boolean> givenRefreshTokenRotationEnabled();

        /**
         * Seconds after its rotation during which a rotated-out token is answered with the session's current
         * tokens, so that two tabs refreshing with one token both go on, holding the same new one.
         */
        default int refreshTokenReuseInterval() {
            return givenRefreshTokenReuseInterval().orElse(10);
        }

        /** {@code GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL} as given: empty is the default, 0 stays 0. */
        @WithName("refresh-token-reuse-interval")
        OptionalInt givenRefreshTokenReuseInterval();
    }

    interface Sessions {
        /** The longest a session lasts from its sign-in, however often it is refreshed; unset or 0 for no limit. */
        @WithConverter(GoDurationConverter.class)
        Optional<Duration> timebox();

        /** The longest a session may go without a refresh; unset or 0 for no limit beyond the token lifetime. */
        @WithName("inactivity-timeout")
        @WithConverter(GoDurationConverter.class)
        Optional<Duration> inactivityTimeout();
    }
}
