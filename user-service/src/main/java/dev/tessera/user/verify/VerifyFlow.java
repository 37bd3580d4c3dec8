package dev.tessera.user.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.internal.HookOutcome;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.hooks.EventHooks;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Redeems one-time tokens. A token is looked up by its hash and cleared in the transaction that uses it, under a
 * row lock, so a link works once even when two replicas receive it at the same moment. Unlike GoTrue, invite links
 * expire ({@code GOTRUE_MAILER_INVITE_MAX_AGE}). A confirmation runs the {@code signup} hook before it is written.
 */
@ApplicationScoped
public class VerifyFlow {

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final EventHooks hooks;
    private final UserEvents events;
    private final GoTrueConfig config;

    public VerifyFlow(UserRepository users, PasswordHasher hasher, EventHooks hooks, UserEvents events,
            GoTrueConfig config) {
        this.users = users;
        this.hasher = hasher;
        this.hooks = hooks;
        this.events = events;
        this.config = config;
    }

    /** {@code type=signup}: confirms a signup, or accepts an invite (which needs a password). */
    public Uni<User> confirm(String token, String password) {
        String hash = OpaqueToken.hashOf(token);
        return Panache.withSession(() -> users.findByConfirmationToken(hash)).chain(found -> {
            if (found == null) {
                return Uni.createFrom().failure(ApiError.notFound("User not found"));
            }
            boolean invited = found.invitedAt != null;
            Duration maxAge = invited ? config.mailer().inviteMaxAge() : config.mailer().confirmationMaxAge();
            if (expired(found.confirmationSentAt, maxAge)) {
                return Uni.createFrom().failure(ApiError.unprocessable("Confirmation token expired"));
            }
            boolean needsPassword = found.encryptedPassword == null;
            if (needsPassword && (password == null || password.isEmpty())) {
                return Uni.createFrom().failure(ApiError.unprocessable("Invited users must specify a password"));
            }
            Uni<String> newHash = needsPassword ? hasher.hash(password) : Uni.createFrom().nullItem();
            return newHash.chain(passwordHash -> hooks.run(EventHooks.SIGNUP, found).chain(outcome ->
                    redeem(found, user -> hash.equals(user.confirmationTokenHash), user -> {
                        user.confirmationTokenHash = null;
                        if (passwordHash != null) {
                            user.encryptedPassword = passwordHash;
                        }
                        EventHooks.apply(outcome, user);
                        return confirmUser(user).chain(() -> invited
                                ? events.publish(EventType.INVITE_ACCEPTED, user)
                                : Uni.createFrom().voidItem());
                    })));
        });
    }

    /** {@code type=recovery}: logs the user in; an unconfirmed user is confirmed on the way. */
    public Uni<User> recover(String token) {
        String hash = OpaqueToken.hashOf(token);
        return Panache.withSession(() -> users.findByRecoveryToken(hash)).chain(found -> {
            if (found == null) {
                return Uni.createFrom().failure(ApiError.notFound("User not found"));
            }
            if (expired(found.recoverySentAt, config.mailer().recoveryMaxAge())) {
                return Uni.createFrom().failure(ApiError.unprocessable("Recovery token expired"));
            }
            // Recovery confirms an unconfirmed user, so the signup hook decides first.
            Uni<HookOutcome> hook = found.isConfirmed() ? Uni.createFrom().item(HookOutcome.UNCHANGED)
                    : hooks.run(EventHooks.SIGNUP, found);
            return hook.chain(outcome -> redeem(found, user -> hash.equals(user.recoveryTokenHash), user -> {
                user.recoveryTokenHash = null;
                if (user.isConfirmed()) {
                    return Uni.createFrom().voidItem();
                }
                EventHooks.apply(outcome, user);
                return confirmUser(user);
            }));
        });
    }

    private Uni<Void> confirmUser(User user) {
        if (user.confirmedAt == null) {
            user.confirmedAt = Instant.now();
        }
        return events.publish(EventType.CONFIRMED, user);
    }

    private Uni<User> redeem(User found, java.util.function.Predicate<User> stillValid, Function<User, Uni<Void>> apply) {
        return Panache.withTransaction(() -> users.lock(found.id).chain(user -> {
            if (user == null || !stillValid.test(user)) {
                // Redeemed (or deleted) by a concurrent request between lookup and lock.
                return Uni.createFrom().failure(ApiError.notFound("User not found"));
            }
            user.touch();
            return apply.apply(user).replaceWith(user);
        }));
    }

    private static boolean expired(Instant sentAt, Duration maxAge) {
        return sentAt == null || sentAt.plus(maxAge).isBefore(Instant.now());
    }
}
