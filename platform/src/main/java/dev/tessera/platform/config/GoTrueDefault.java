package dev.tessera.platform.config;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * GoTrue replaces a setting left empty, or a number or duration left at zero, by its default after reading the
 * environment (netlify/gotrue's {@code ApplyDefaults}), so {@code GOTRUE_JWT_EXP=0} still gives hour-long tokens and
 * {@code GOTRUE_COOKIE_KEY=} the {@code nf_jwt} cookie. Compose files and Helm values often pass such empty or zero
 * values on; a mapping reads those settings as optional and answers through these, never with a token that is
 * expired when issued or a service that will not start.
 */
public final class GoTrueDefault {

    private GoTrueDefault() {
    }

    /** The text given, or {@code fallback} when it is missing or blank. */
    public static String text(Optional<String> given, String fallback) {
        return given.filter(value -> !value.isBlank()).orElse(fallback);
    }

    /** The number given, or {@code fallback} when it is missing, zero or negative. */
    public static long positive(OptionalLong given, long fallback) {
        return given.isPresent() && given.getAsLong() > 0 ? given.getAsLong() : fallback;
    }

    /** The number given, or {@code fallback} when it is missing, zero or negative. */
    public static int positive(OptionalInt given, int fallback) {
        return given.isPresent() && given.getAsInt() > 0 ? given.getAsInt() : fallback;
    }

    /** The duration given, or {@code fallback} when it is missing, zero or negative. */
    public static Duration positive(Optional<Duration> given, Duration fallback) {
        return given.filter(value -> !value.isNegative() && !value.isZero()).orElse(fallback);
    }
}
