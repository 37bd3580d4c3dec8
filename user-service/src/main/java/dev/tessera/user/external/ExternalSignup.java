package dev.tessera.user.external;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.platform.internal.ExternalEmail;
import dev.tessera.platform.internal.ExternalLoginResult;
import dev.tessera.platform.internal.ExternalLoginResult.Outcome;
import dev.tessera.user.confirm.Confirmations;
import dev.tessera.user.hooks.EventHooks;
import dev.tessera.user.model.MetadataPolicy;
import dev.tessera.user.model.MetadataPolicy.Field;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.signup.SignupFlow;
import dev.tessera.user.model.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The first sign-in of someone no account matched: a passwordless user with the provider's primary address (else
 * its first), {@code app_metadata.provider} and the profile as {@code user_metadata}. The {@code validate} hook runs
 * before anything is written. An address the provider vouches for (or any, under autoconfirm) is confirmed at once,
 * after the {@code signup} hook; otherwise the user must confirm it by mail first, as after {@code /signup}. The user,
 * its events and its mail request commit in one transaction.
 */
@ApplicationScoped
class ExternalSignup {

    private final UserRepository users;
    private final EventHooks hooks;
    private final UserEvents events;
    private final Confirmations confirmations;
    private final GoTrueConfig config;
    private final MetadataPolicy metadata;

    public ExternalSignup(UserRepository users, EventHooks hooks, UserEvents events, Confirmations confirmations,
            GoTrueConfig config, MetadataPolicy metadata) {
        this.users = users;
        this.hooks = hooks;
        this.events = events;
        this.confirmations = confirmations;
        this.config = config;
        this.metadata = metadata;
    }

    /** A concurrent first sign-in with the same address makes this fail with a unique violation or {@link LostRace}. */
    Uni<ExternalLoginResult> create(ExternalSignIn signIn) {
        if (config.disableSignup()) {
            return Uni.createFrom().failure(ApiError.forbidden("Signups not allowed for this instance"));
        }
        metadata.check(Field.USER_METADATA, signIn.profile());
        ExternalEmail chosen = signIn.chosen();
        return Panache.withSession(() -> users.findByEmail(signIn.aud(), chosen.email())).chain(taken -> {
            if (taken != null) {
                // No verified address matched, so this one is unverified: it is someone else's account, never ours to
                // take. (A verified one matching here was created since the lookup: the caller looks again.)
                return Uni.createFrom().failure(chosen.verified() ? new LostRace() : SignupFlow.alreadyRegistered());
            }
            User user = User.create(signIn.aud(), chosen.email(), config.jwt().defaultGroupName().orElse(""),
                    signIn.provider(), signIn.profileCopy());
            return hooks.run(HookEvent.VALIDATE, user).invoke(outcome -> EventHooks.apply(outcome, user))
                    .chain(() -> chosen.verified() || config.mailer().autoconfirm()
                            ? confirmed(user)
                            : awaitingMail(user));
        });
    }

    private Uni<ExternalLoginResult> confirmed(User user) {
        return hooks.run(HookEvent.SIGNUP, user).invoke(outcome -> EventHooks.apply(outcome, user))
                .chain(() -> store(user, confirmations::confirm))
                .map(stored -> ExternalLoginFlow.answer(Outcome.CONFIRMED, stored));
    }

    private Uni<ExternalLoginResult> awaitingMail(User user) {
        return store(user, confirmations::mail).map(stored -> ExternalLoginFlow.answer(Outcome.CONFIRMATION_SENT, stored));
    }

    private Uni<User> store(User user, Function<User, Uni<Void>> then) {
        return Transactions.run(() -> users.persist(user)
                .chain(() -> events.publish(EventType.SIGNUP, user))
                .chain(() -> then.apply(user))
                .replaceWith(user));
    }
}
