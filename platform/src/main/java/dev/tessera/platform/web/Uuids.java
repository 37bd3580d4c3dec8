package dev.tessera.platform.web;

import java.util.Optional;
import java.util.UUID;

/**
 * Reads a UUID as a client writes it: the canonical 36 characters only. {@link UUID#fromString} also takes short
 * groups ({@code 1-2-3-4-5} is 00000001-0002-0003-0004-000000000005), so an id no client ever held would name a
 * real row's neighbour instead of being refused as malformed.
 */
public final class Uuids {

    private Uuids() {
    }

    /** The UUID {@code text} spells in canonical form, or empty for anything else (null included). */
    public static Optional<UUID> parse(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean hyphen = i == 8 || i == 13 || i == 18 || i == 23;
            if (hyphen ? c != '-' : !hexDigit(c)) {
                return Optional.empty();
            }
        }
        return Optional.of(UUID.fromString(text));
    }

    private static boolean hexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
