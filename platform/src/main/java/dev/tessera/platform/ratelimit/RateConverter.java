package dev.tessera.platform.ratelimit;

import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;

/** Reads a {@link Rate}; a bare number counts per hour, as supabase/auth's {@code GOTRUE_RATE_LIMIT_EMAIL_SENT}. */
public class RateConverter implements Converter<Rate> {

    @Override
    public Rate convert(String value) {
        return Rate.parse(value, Duration.ofHours(1));
    }

    /**
     * A bare number counts per five minutes, as supabase/auth's {@code GOTRUE_RATE_LIMIT_TOKEN_REFRESH} and
     * {@code GOTRUE_RATE_LIMIT_VERIFY}.
     */
    public static class PerFiveMinutes implements Converter<Rate> {

        @Override
        public Rate convert(String value) {
            return Rate.parse(value, Duration.ofMinutes(5));
        }
    }
}
