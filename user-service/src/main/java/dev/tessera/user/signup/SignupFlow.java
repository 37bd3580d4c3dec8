package dev.tessera.user.signup;

import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.internal.HookOutcome;
import dev.tessera.user.confirm.Confirmations;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.hooks.EventHooks;
import dev.tessera.user.model.Metadata;
import dev.tessera.user.model.UniqueViolation;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Signup (GoTrue reference §2): a new address becomes an unconfirmed user with a confirmation mail, or a confirmed
 * one under autoconfirm; signing up again while unconfirmed merges the metadata and resends the mail (throttled by
 * {@code GOTRUE_SMTP_MAX_FREQUENCY}); a confirmed address is refused. The {@code validate} hook runs for a new user
 * and the {@code signup} hook before an autoconfirmation, both before anything is written; the user, its events and
 * its mail request then commit in one transaction.
 */
@ApplicationScoped
public class SignupFlow {

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final EventHooks hooks;
    private final UserEvents events;
    private final Confirmations confirmations;
    private final GoTrueConfig config;

    public SignupFlow(UserRepository users, PasswordHasher hasher, EventHooks hooks, UserEvents events,
            Confirmations confirmations, GoTrueConfig config) {
        this.users = users;
        this.hasher = hasher;
        this.hooks = hooks;
        this.events = events;
        this.confirmations = confirmations;
        this.config = config;
    }

    public Uni<User> signup(SignupParams params, String aud) {
        return Panache.withSession(() -> users.findByEmail(aud, params.email()))
                .chain(existing -> existing == null
                        ? create(params, aud)
                        : signupAgain(existing, params.data()));
    }

    private Uni<User> create(SignupParams params, String aud) {
        return hasher.hash(params.password())
                .map(hash -> newUser(params, aud, hash))
                .call(user -> hooks.run(EventHooks.VALIDATE, user).invoke(outcome -> EventHooks.apply(outcome, user)))
                .call(user -> config.mailer().autoconfirm()
                        ? hooks.run(EventHooks.SIGNUP, user).invoke(outcome -> EventHooks.apply(outcome, user))
                        : Uni.createFrom().voidItem())
                .chain(user -> Panache.withTransaction(() -> users.persist(user)
                        .chain(() -> events.publish(EventType.SIGNUP, user))
                        .chain(() -> confirmOrSendMail(user))
                        .replaceWith(user)))
                .onFailure(UniqueViolation::is).transform(e -> alreadyRegistered());
    }

    private User newUser(SignupParams params, String aud, String passwordHash) {
        User user = User.create(aud, params.email(), config.jwt().defaultGroupName().orElse(""), "email",
                params.data());
        user.encryptedPassword = passwordHash;
        return user;
    }

    private Uni<User> signupAgain(User found, Map<String, Object> data) {
        if (found.isConfirmed()) {
            return Uni.createFrom().failure(alreadyRegistered());
        }
        // Under autoconfirm this signup confirms the user, so the signup hook decides first.
        Uni<HookOutcome> hook = config.mailer().autoconfirm()
                ? hooks.run(EventHooks.SIGNUP, mergedPreview(found, data))
                : Uni.createFrom().item(HookOutcome.UNCHANGED);
        return hook.chain(outcome -> Panache.withTransaction(() -> users.lock(found.id).chain(user -> {
            if (user == null) {
                return Uni.createFrom().failure(ApiError.notFound("User not found"));
            }
            if (user.isConfirmed()) {
                return Uni.createFrom().failure(alreadyRegistered());
            }
            Uni<Void> updated = Uni.createFrom().voidItem();
            if (data != null) {
                user.userMetadata = Metadata.merge(user.userMetadata, data);
                user.touch();
                updated = events.publish(EventType.USER_UPDATED, user);
            }
            EventHooks.apply(outcome, user);
            return updated.chain(() -> confirmOrSendMail(user)).replaceWith(user);
        })));
    }

    /** The user as this signup would leave it, for the hook to see. */
    private static User mergedPreview(User found, Map<String, Object> data) {
        if (data != null) {
            found.userMetadata = Metadata.merge(found.userMetadata, data);
        }
        return found;
    }

    private Uni<Void> confirmOrSendMail(User user) {
        if (config.mailer().autoconfirm()) {
            return confirmations.confirm(user);
        }
        if (user.confirmationSentAt != null
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
