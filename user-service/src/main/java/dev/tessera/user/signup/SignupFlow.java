package dev.tessera.user.signup;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.platform.internal.HookOutcome;
import dev.tessera.user.confirm.Confirmations;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.hooks.EventHooks;
import dev.tessera.user.model.MetadataPolicy;
import dev.tessera.user.model.MetadataPolicy.Field;
import dev.tessera.user.model.UniqueViolation;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.model.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Signup (GoTrue reference §2): a new address becomes an unconfirmed user with a confirmation mail, or a confirmed
 * one under autoconfirm; a confirmed address is refused ({@link RegisteredAddress}). The {@code validate} hook runs
 * for a new user and the {@code signup} hook before an autoconfirmation, both before anything is written; the user,
 * its events and its mail request then commit in one transaction.
 *
 * <p>Signing up again while unconfirmed depends on the password. With the stored one it is GoTrue's resend: the
 * metadata is merged and the mail resent, throttled by {@code GOTRUE_SMTP_MAX_FREQUENCY}, and the earlier link stays
 * valid. With another one (or when none is stored), unlike GoTrue, this signup replaces the password and the metadata
 * and always mails a new link, which voids every earlier one: GoTrue kept the first registrant's password, so a
 * stranger who signed up first with someone's address held the account once its owner confirmed it. A user this
 * signup may not take over (invited, created by an admin, or any unconfirmed user under autoconfirm) is answered as
 * a registered address unless the password is the stored one.
 */
@ApplicationScoped
public class SignupFlow {

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final EventHooks hooks;
    private final UserEvents events;
    private final Confirmations confirmations;
    private final RegisteredAddress registered;
    private final MetadataPolicy metadata;
    private final GoTrueConfig config;

    public SignupFlow(UserRepository users, PasswordHasher hasher, EventHooks hooks, UserEvents events,
            Confirmations confirmations, RegisteredAddress registered, MetadataPolicy metadata, GoTrueConfig config) {
        this.users = users;
        this.hasher = hasher;
        this.hooks = hooks;
        this.events = events;
        this.confirmations = confirmations;
        this.registered = registered;
        this.metadata = metadata;
        this.config = config;
    }

    public Uni<User> signup(SignupParams params, String aud) {
        // Before the lookup, so that a registered address answers bad data as a new one does, and no hash is wasted.
        metadata.check(Field.USER_METADATA, params.data());
        return Panache.withSession(() -> users.findByEmail(aud, params.email())).chain(existing -> {
            if (existing == null) {
                return create(params, aud);
            }
            if (existing.isConfirmed()) {
                return registered.answer(params, aud);
            }
            return hasher.matches(params.password(), existing.encryptedPassword).chain(same -> {
                if (same) {
                    return resend(existing, params.data());
                }
                return replaceable(existing) ? replace(existing, params) : registered.answer(params, aud);
            });
        });
    }

    private Uni<User> create(SignupParams params, String aud) {
        return hasher.hash(params.password())
                .map(hash -> newUser(params, aud, hash))
                .call(user -> hooks.run(HookEvent.VALIDATE, user).invoke(outcome -> EventHooks.apply(outcome, user)))
                .call(user -> config.mailer().autoconfirm()
                        ? hooks.run(HookEvent.SIGNUP, user).invoke(outcome -> EventHooks.apply(outcome, user))
                        : Uni.createFrom().voidItem())
                .chain(user -> Transactions.run(() -> users.persist(user)
                        .chain(() -> events.publish(EventType.SIGNUP, user))
                        .chain(() -> confirmOrSendMail(user, false))
                        .replaceWith(user)))
                .onFailure(UniqueViolation::is).transform(e -> alreadyRegistered());
    }

    private User newUser(SignupParams params, String aud, String passwordHash) {
        User user = User.create(aud, params.email(), config.jwt().defaultGroupName().orElse(""), "email",
                params.data());
        user.encryptedPassword = passwordHash;
        user.signedUp = true;
        return user;
    }

    /** The same password again: GoTrue's resend, metadata merged. */
    private Uni<User> resend(User found, Map<String, Object> data) {
        return signupHook(found, user -> user.userMetadata = merged(user, data)).chain(outcome -> again(found, user -> {
            Uni<Void> updated = Uni.createFrom().voidItem();
            if (data != null) {
                user.userMetadata = merged(user, data);
                user.touch();
                updated = events.publish(EventType.USER_UPDATED, user);
            }
            EventHooks.apply(outcome, user);
            return updated.chain(() -> confirmOrSendMail(user, false));
        }));
    }

    private Map<String, Object> merged(User user, Map<String, Object> data) {
        return metadata.merge(Field.USER_METADATA, user.userMetadata, data);
    }

    /**
     * Another password: it replaces the stored one, this signup's {@code data} replaces the metadata (nothing of an
     * earlier registrant's is kept), and a new link is mailed at once, voiding the earlier ones. The user is made
     * anew in all but its id: {@code created_at} is now, so the answer does not show that an earlier signup exists.
     */
    private Uni<User> replace(User found, SignupParams params) {
        return hasher.hash(params.password()).chain(hash -> signupHook(found, user -> user.userMetadata = params.data())
                .chain(outcome -> again(found, user -> {
                    user.encryptedPassword = hash;
                    user.userMetadata = params.data();
                    user.touch();
                    user.createdAt = user.updatedAt;
                    // A recovery asked for the pending user would show in the answer that it existed before.
                    user.recoveryTokenHash = null;
                    user.recoverySentAt = null;
                    EventHooks.apply(outcome, user);
                    return events.publish(EventType.PASSWORD_CHANGED, user)
                            .chain(() -> events.publish(EventType.USER_UPDATED, user))
                            .chain(() -> confirmOrSendMail(user, true));
                })));
    }

    /**
     * Whether a signup with another password may take over this unconfirmed user: only one a signup made (recorded
     * when it was made: an admin-made user a signup with the admin's password had mailed a confirmation to looked
     * like one) and no admin has changed since (an admin's update clears the mark), and only while signups need
     * confirming. An invited or admin-created user carries
     * what an admin gave it (its role, {@code app_metadata}), and under autoconfirm a replacement would be confirmed
     * at once: either way a stranger who knew only the address would hold the account. Those are answered as a
     * registered address; their owner has the invite link, or recovery.
     */
    private boolean replaceable(User user) {
        return !config.mailer().autoconfirm() && user.signedUp;
    }

    /** Under autoconfirm a signup again confirms the user, so the signup hook decides first, on the user as changed. */
    private Uni<HookOutcome> signupHook(User found, Consumer<User> change) {
        if (!config.mailer().autoconfirm()) {
            return Uni.createFrom().item(HookOutcome.UNCHANGED);
        }
        change.accept(found);
        return hooks.run(HookEvent.SIGNUP, found);
    }

    /** Applies a signup again to the locked row, unless the user was confirmed or deleted meanwhile. */
    private Uni<User> again(User found, Function<User, Uni<Void>> change) {
        return Transactions.run(() -> users.lock(found.id).chain(user -> {
            if (user == null) {
                return Uni.createFrom().failure(ApiError.notFound("User not found"));
            }
            if (user.isConfirmed()) {
                return Uni.createFrom().failure(alreadyRegistered());
            }
            return change.apply(user).replaceWith(user);
        }));
    }

    /**
     * @param always mail even inside {@code GOTRUE_SMTP_MAX_FREQUENCY}: the new link voids the earlier ones, so the
     *        owner must get it (mail-bombing is bounded by the per-address mail limit)
     */
    private Uni<Void> confirmOrSendMail(User user, boolean always) {
        if (config.mailer().autoconfirm()) {
            return confirmations.confirm(user);
        }
        if (!always && user.confirmationSentAt != null
                && user.confirmationSentAt.plus(config.smtp().maxFrequency()).isAfter(Instant.now())) {
            // GoTrue skips a resend inside the throttle window silently.
            return Uni.createFrom().voidItem();
        }
        return confirmations.mail(user);
    }

    /** The answer when the address belongs to another user already. */
    public static ApiError alreadyRegistered() {
        return ApiError.badRequest("A user with this email address has already been registered");
    }
}
