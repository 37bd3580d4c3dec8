package dev.tessera.platform.ratelimit;

import java.time.Duration;
import java.util.Locale;

import dev.tessera.platform.config.GoDurationConverter;

/**
 * An allowance of {@code requests} per {@code period}: that many at once, then one more each
 * {@code period / requests} (GCRA, see {@link RateLimiter}). Written {@code 30/5m} (a count and a Go duration), or
 * {@code off}; a bare number counts per a default period, as supabase/auth's settings of the same names do.
 */
public record Rate(long requests, Duration period) {

    public static final Rate OFF = new Rate(0, Duration.ZERO);

    public Rate {
        if (requests < 0 || period == null || period.isNegative() || (requests > 0 && period.isZero())) {
            throw new IllegalArgumentException("a rate needs a positive count and period");
        }
    }

    /** Parses {@code N/duration}, {@code off}, or a bare {@code N} per {@code barePeriod}. */
    public static Rate parse(String value, Duration barePeriod) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (text.equals("off")) {
            return OFF;
        }
        int slash = text.indexOf('/');
        try {
            long requests = Long.parseLong(slash < 0 ? text : text.substring(0, slash).trim());
            Duration period = slash < 0 ? barePeriod : GoDurationConverter.parse(text.substring(slash + 1));
            if (requests <= 0 || period == null || period.toNanos() / 1000 < requests) {
                throw new IllegalArgumentException();
            }
            return new Rate(requests, period);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid rate '" + value + "': write requests per period, such as"
                    + " 30/5m or 1000/1h (at most one request per microsecond), or off");
        }
    }

    public boolean isOff() {
        return requests == 0;
    }

    /** The time one request uses of the allowance, in microseconds (PostgreSQL's resolution). */
    public long intervalMicros() {
        return period.toNanos() / 1000 / requests;
    }

    @Override
    public String toString() {
        return isOff() ? "off" : requests + "/" + period;
    }
}
