package dev.tessera.user.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.HookEvent;
import dev.tessera.platform.internal.HookOutcome;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.user.confirm.Confirmations;
import dev.tessera.user.crypto.PasswordHasher;
import dev.tessera.user.hooks.EventHooks;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.password.PasswordPolicy;
import dev.tessera.user.signin.Bans;
import dev.tessera.user.signin.LoginLockout;
import dev.tessera.user.model.Transactions;
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
    private final Confirmations confirmations;
    private final PasswordPolicy passwords;
    private final LoginLockout lockout;
    private final GoTrueConfig config;

    public VerifyFlow(UserRepository users, PasswordHasher hasher, EventHooks hooks, Confirmations confirmations,
            PasswordPolicy passwords, LoginLockout lockout, GoTrueConfig config) {
        this.users = users;
        this.hasher = hasher;
        this.hooks = hooks;
        this.confirmations = confirmations;
        this.passwords = passwords;
        this.lockout = lockout;
        this.config = config;
    }

    /** {@code type=signup}: confirms a signup, or accepts an invite (which needs a password unless it has one). */
    public Uni<User> confirm(String token, String password) {
        return confirmations.redeemable(token).chain(found -> {
            Bans.refuse(found);
            // As on GoTrue, only an invite is accepted with a password: a user who signed up with a provider has none
            // and confirms the address as any other.
            boolean needsPassword = found.encryptedPassword == null && found.invitedAt != null;
            if (needsPassword && (password == null || password.isEmpty())) {
                return Uni.createFrom().failure(ApiError.unprocessable("Invited users must specify a password"));
            }
            if (needsPassword) {
                passwords.check(password);
            }
            Uni<String> newHash = needsPassword ? hasher.hash(password) : Uni.createFrom().nullItem();
            return newHash.chain(passwordHash -> hooks.run(HookEvent.SIGNUP, found).chain(outcome ->
                    confirmations.redeem(found, user -> {
                        if (passwordHash != null) {
                            user.encryptedPassword = passwordHash;
                        }
                        EventHooks.apply(outcome, user);
                    })));
        });
    }

    /**
     * {@code type=recovery}: logs the user in; an unconfirmed user is confirmed on the way, without the password
     * its signup left (possibly a stranger's). Every session the user had ends (whoever asked for the link may be
     * recovering from a stolen password), and so does a login lockout of the address: the link proved its owner.
     */
    public Uni<User> recover(String token) {
        String hash = OpaqueToken.hashOf(token);
        return Panache.withSession(() -> users.findByRecoveryToken(hash)).chain(found -> {
            if (found == null) {
                return Uni.createFrom().failure(ApiError.notFound("User not found"));
            }
            if (expired(found.recoverySentAt, config.mailer().recoveryMaxAge())) {
                return Uni.createFrom().failure(ApiError.unprocessable("Recovery token expired"));
            }
            Bans.refuse(found);
            // Recovery confirms an unconfirmed user, so the signup hook decides first.
            Uni<HookOutcome> hook = found.isConfirmed() ? Uni.createFrom().item(HookOutcome.UNCHANGED)
                    : hooks.run(HookEvent.SIGNUP, found);
            return hook.chain(outcome -> redeemRecovery(found, hash, user -> {
                user.recoveryTokenHash = null;
                user.endSessions(null);
                if (user.isConfirmed()) {
                    return Uni.createFrom().voidItem();
                }
                user.forgetUnprovenSignup();
                EventHooks.apply(outcome, user);
                return confirmations.confirm(user);
            })).call(user -> lockout.reset(user.aud, user.email));
        });
    }

    private Uni<User> redeemRecovery(User found, String hash, Function<User, Uni<Void>> apply) {
        return Transactions.run(() -> users.lock(found.id).chain(user -> {
            if (user == null || !hash.equals(user.recoveryTokenHash)) {
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
