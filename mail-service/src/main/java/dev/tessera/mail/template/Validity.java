package dev.tessera.mail.template;

import java.time.Duration;

/**
 * How long a link stays valid, in words, from GoTrue's max-age settings: 168h reads "7 days", 24h "24 hours" (the
 * wording of GoTrue's built-in mails), 90m "90 minutes".
 */
public final class Validity {

    private Validity() {
    }

    public static String describe(Duration maxAge) {
        long minutes = maxAge.toMinutes();
        if (minutes >= 2 * 24 * 60 && minutes % (24 * 60) == 0) {
            return plural(minutes / (24 * 60), "day");
        }
        if (minutes >= 60 && minutes % 60 == 0) {
            return plural(minutes / 60, "hour");
        }
        return plural(Math.max(1, minutes), "minute");
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }
}
