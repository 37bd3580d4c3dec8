package dev.tessera.user.authenticate;

import dev.tessera.platform.internal.UserIdentity;
import dev.tessera.user.model.User;

/** What auth-service may know of a user to mint its tokens. */
public final class Identities {

    private Identities() {
    }

    public static UserIdentity of(User user) {
        return new UserIdentity(user.id, user.aud, user.email, user.role, user.isConfirmed(), user.appMetadata,
                user.userMetadata, user.sessionEpoch, user.keptSessionId);
    }
}
