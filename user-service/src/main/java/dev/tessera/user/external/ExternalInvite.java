package dev.tessera.user.external;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.user.confirm.Confirmations;
import dev.tessera.user.hooks.EventHooks;
import dev.tessera.user.model.Metadata;
import dev.tessera.user.model.MetadataPolicy;
import dev.tessera.user.model.MetadataPolicy.Field;
import dev.tessera.user.model.User;
import dev.tessera.user.signin.Bans;
import io.smallrye.mutiny.Uni;

/**
 * Accepting an invite (or a signup confirmation) by signing in with a provider instead of choosing a password
 * (GoTrue reference §7, {@code /callback} step 3). The token is redeemed under the rules of {@code /verify}, so it
 * works once and expires; the provider must list the invited address, verified or not, since the token already
 * proves the mailbox. The user takes the provider's name and profile, and the {@code signup} hook decides before
 * anything is written.
 */
@ApplicationScoped
class ExternalInvite {

    static final String EMAIL_MISMATCH = "Invited email does not match emails from external provider";

    private final Confirmations confirmations;
    private final EventHooks hooks;
    private final MetadataPolicy metadata;

    public ExternalInvite(Confirmations confirmations, EventHooks hooks, MetadataPolicy metadata) {
        this.confirmations = confirmations;
        this.hooks = hooks;
        this.metadata = metadata;
    }

    Uni<User> accept(ExternalSignIn signIn) {
        return confirmations.redeemable(signIn.inviteToken()).chain(found -> {
            Bans.refuse(found);
            if (!signIn.lists(found.email)) {
                return Uni.createFrom().failure(ApiError.badRequest(EMAIL_MISMATCH));
            }
            // The function sees the user as it will be stored; the locked row is changed the same way below.
            return hooks.run(HookEvent.SIGNUP, adopt(found, signIn)).chain(outcome ->
                    confirmations.redeem(found, user -> EventHooks.apply(outcome, adopt(user, signIn))));
        });
    }

    /** The provider becomes the user's, and its profile is merged over what the invite gave (profile keys win). */
    private User adopt(User user, ExternalSignIn signIn) {
        user.appMetadata = Metadata.merge(user.appMetadata, Map.of("provider", signIn.provider()));
        user.userMetadata = metadata.merge(Field.USER_METADATA, user.userMetadata, signIn.profileCopy());
        return user;
    }
}
