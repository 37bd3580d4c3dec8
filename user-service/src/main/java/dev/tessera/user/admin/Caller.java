package dev.tessera.user.admin;

import java.util.UUID;

/**
 * Who is calling an admin route: the operator (GOTRUE_OPERATOR_TOKEN), the system (a token whose {@code sub} is "0"
 * or the nil UUID, as Netlify hands to functions), or an admin user.
 *
 * @param id the acting user, or the nil UUID for the operator and the system
 * @param aud the audience the call acts on
 */
public record Caller(UUID id, String email, String aud, Kind kind) {

    public static final UUID NIL = new UUID(0, 0);

    public enum Kind {
        OPERATOR, SYSTEM, USER
    }
}
