package dev.tessera.platform.internal;

import java.util.List;

/**
 * user-service's published read of who a user is: a view in its schema with the fields of {@link UserIdentity}, for
 * a statement of another service that needs the identity beside its own rows. auth-service's refresh grant reads it
 * in the statement that finds the presented token, so a refresh is one round trip and goes on while user-service
 * restarts (docs/decisions/2026-12-04-identity-view.md).
 *
 * <p>It is a contract like the internal API: user-service's migrations keep these columns with these meanings and
 * may only add columns after them; user-service's tests hold the view to this list and to its own lookup.
 */
public final class IdentityView {

    /** The view's name in user-service's schema. */
    public static final String NAME = "token_identities";

    /**
     * Its columns in order: {@code id uuid, aud text, email text, role text, confirmed boolean, app_metadata jsonb,
     * user_metadata jsonb (may be null), session_epoch bigint, kept_session_id uuid (may be null)}.
     */
    public static final List<String> COLUMNS = List.of("id", "aud", "email", "role", "confirmed", "app_metadata",
            "user_metadata", "session_epoch", "kept_session_id");

    private IdentityView() {
    }
}
