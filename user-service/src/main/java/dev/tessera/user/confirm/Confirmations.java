package dev.tessera.user.confirm;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.user.mail.UserMails;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.model.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * How a user gets from unconfirmed to confirmed, whichever flow takes them there (signup, {@code /verify}, an invite,
 * OAuth sign-in): the confirmation mail with a fresh token (only its hash is kept), the rules under which a
 * confirmation or invite token may still be redeemed, and the confirmation itself with its events. Unlike GoTrue,
 * invite links expire ({@code GOTRUE_MAILER_INVITE_MAX_AGE}).
 */
@ApplicationScoped
public class Confirmations {

    private final UserRepository users;
    private final UserEvents events;
    private final UserMails mails;
    private final GoTrueConfig config;

    public Confirmations(UserRepository users, UserEvents events, UserMails mails, GoTrueConfig config) {
        this.users = users;
        this.events = events;
        this.mails = mails;
        this.config = config;
    }

    /** The user this confirmation or invite token was mailed to, or null. */
    public Uni<User> find(String token) {
        String hash = OpaqueToken.hashOf(token);
        return Panache.withSession(() -> users.findByConfirmationToken(hash));
    }

    /** Whether the user's confirmation token is too old: the invite max age for invited users, else the confirmation one. */
    public boolean expired(User user) {
        Duration maxAge = user.invitedAt != null ? config.mailer().inviteMaxAge() : config.mailer().confirmationMaxAge();
        return user.confirmationSentAt == null || user.confirmationSentAt.plus(maxAge).isBefore(Instant.now());
    }

    /** The user a token may confirm: {@code 404 "User not found"} for an unknown token, 422 for an expired one. */
    public Uni<User> redeemable(String token) {
        return find(token).map(user -> {
            if (user == null) {
                throw ApiError.notFound("User not found");
            }
            if (expired(user)) {
                throw ApiError.unprocessable("Confirmation token expired");
            }
            return user;
        });
    }

    /**
     * Uses the confirmation token {@code found} was looked up by, in one transaction under a row lock, so a link works
     * once even when two replicas receive it at the same moment: the token is cleared, {@code change} applied, the user
     * confirmed, and an invited user's acceptance announced. A token used or replaced meanwhile answers 404.
     */
    public Uni<User> redeem(User found, Consumer<User> change) {
        String hash = found.confirmationTokenHash;
        return Transactions.run(() -> users.lock(found.id).chain(user -> {
            if (user == null || hash == null || !hash.equals(user.confirmationTokenHash)) {
                return Uni.createFrom().failure(ApiError.notFound("User not found"));
            }
            user.confirmationTokenHash = null;
            change.accept(user);
            return confirm(user).chain(() -> user.invitedAt != null
                    ? events.publish(EventType.INVITE_ACCEPTED, user)
                    : Uni.createFrom().voidItem()).replaceWith(user);
        }));
    }

    /**
     * Confirms the user (keeping an earlier confirmation time) and announces it, in the caller's transaction. A first
     * confirmation ends every session the user had: none should exist before the address was proven.
     */
    public Uni<Void> confirm(User user) {
        if (user.confirmedAt == null) {
            user.confirmedAt = Instant.now();
            user.endSessions(null);
        }
        user.touch();
        return events.publish(EventType.CONFIRMED, user);
    }

    /**
     * Gives the user a new confirmation token, replacing any earlier one, and queues the mail that carries it, in the
     * caller's transaction. Throttling resends is the caller's decision.
     */
    public Uni<Void> mail(User user) {
        OpaqueToken token = OpaqueToken.generate();
        user.confirmationTokenHash = token.hash();
        user.confirmationSentAt = Instant.now();
        user.touch();
        return mails.request(MailKind.CONFIRMATION, user, token, user.email);
    }
}
