package dev.tessera.platform.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Instants to and from {@code timestamptz} parameters and columns of the reactive SQL client, which binds
 * {@link OffsetDateTime} and not {@link Instant}. Both directions pass {@code null} through (nullable columns).
 */
public final class Timestamps {

    private Timestamps() {
    }

    /** A parameter for a {@code timestamptz} column; UTC, so the text the server logs reads the same everywhere. */
    public static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
