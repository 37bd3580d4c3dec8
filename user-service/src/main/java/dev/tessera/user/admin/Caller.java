package dev.tessera.user.admin;

import java.util.Objects;
import java.util.UUID;

/**
 * Who is calling an admin route: the operator (GOTRUE_OPERATOR_TOKEN), a super admin, the system (a token whose
 * {@code sub} is "0" or the nil UUID, as Netlify hands to functions), or an admin of one audience. The operator and
 * super admins reach every audience; the others only their own.
 *
 * @param id the acting user, or the nil UUID for the operator and the system
 * @param aud the audience the call acts on
 */
public record Caller(UUID id, String email, String aud, Kind kind) {

    public static final UUID NIL = new UUID(0, 0);

    public enum Kind {
        OPERATOR, SUPER_ADMIN, SYSTEM, ADMIN
    }

    /** Whether the caller reaches users of every audience. */
    public boolean global() {
        return kind == Kind.OPERATOR || kind == Kind.SUPER_ADMIN;
    }

    /** Whether the caller may see or change a user of this audience. */
    public boolean reaches(String userAud) {
        return global() || Objects.equals(aud, userAud);
    }
}
