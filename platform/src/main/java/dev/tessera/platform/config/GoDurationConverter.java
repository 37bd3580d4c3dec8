package dev.tessera.platform.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Parses durations the way GoTrue's configuration does ({@code 15m}, {@code 1h30m}, {@code 500ms}, {@code 2.5s}),
 * so that existing GoTrue environments keep working. ISO-8601 ({@code PT15M}) is accepted too.
 */
public class GoDurationConverter implements Converter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        if (text.startsWith("P") || text.startsWith("p")) {
            return Duration.parse(text);
        }
        return parseGo(text);
    }

    /**
     * Go's {@code time.ParseDuration} syntax alone, as an API reads it (supabase's {@code ban_duration}): no spaces
     * around it, no ISO-8601; the empty text is zero.
     */
    public static Duration parseGo(String value) {
        String text = value;
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        boolean negative = text.startsWith("-");
        if (negative || text.startsWith("+")) {
            text = text.substring(1);
        }
        Matcher m = PART.matcher(text);
        int at = 0;
        double nanos = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("Invalid duration '" + value
                        + "': use Go syntax such as 15m, 1h30m or 500ms");
            }
            nanos += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
            at = m.end();
        }
        Duration d = Duration.ofNanos(Math.round(nanos));
        return negative ? d.negated() : d;
    }

    private static double unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1_000;
            case "ms" -> 1_000_000;
            case "s" -> 1_000_000_000d;
            case "m" -> 60 * 1_000_000_000d;
            case "h" -> 3600 * 1_000_000_000d;
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
