package dev.tessera.user.signin;

import java.time.Duration;

import dev.tessera.platform.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** {@code TESSERA_LOGIN_LOCKOUT_*}: how password guessing against one account is slowed down. */
@ConfigMapping(prefix = "tessera.login-lockout")
public interface LockoutSettings {

    /** Off restores GoTrue, which never locks. */
    @WithDefault("true")
    boolean enabled();

    /** Failed password checks in a row that lock the account. */
    @WithName("max-failures")
    @WithDefault("10")
    int maxFailures();

    /** The first lockout; each one that follows in a row lasts twice as long as the one before. */
    @WithDefault("5m")
    @WithConverter(GoDurationConverter.class)
    Duration duration();

    /** The longest lockout. */
    @WithName("max-duration")
    @WithDefault("1h")
    @WithConverter(GoDurationConverter.class)
    Duration maxDuration();

    /** After this long without an attempt, failures and lockouts are forgotten (and the sweep deletes the row). */
    @WithName("reset-after")
    @WithDefault("24h")
    @WithConverter(GoDurationConverter.class)
    Duration resetAfter();

    /** How often each replica deletes the rows that count for nothing any more; {@code off} stops it. */
    @WithName("sweep-interval")
    @WithDefault("10m")
    String sweepInterval();
}
