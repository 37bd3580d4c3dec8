package dev.tessera.user.mail;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.mail.TokenSeal;
import dev.tessera.platform.outbox.Outbox;
import dev.tessera.platform.ratelimit.Limit;
import dev.tessera.platform.ratelimit.RateLimitConfig;
import dev.tessera.platform.ratelimit.RateLimiter;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.user.model.User;
import io.smallrye.mutiny.Uni;

/**
 * Queues a mail for mail-service through the outbox, with its token (if any) sealed to the request and its recipient.
 *
 * <p>A mail with a link counts against its recipient's allowance ({@code TESSERA_RATE_LIMIT_MAIL_PER_RECIPIENT}),
 * whoever asked for it, in the transaction that queues it: it counts only if it is sent. Over the allowance the
 * request fails with {@code 429 "Email rate limit exceeded"} and its transaction rolls back; {@code /recover} turns
 * that into its usual silent answer ({@link #overRecipientLimit}). Notices carry no link and are not limited: they
 * follow a change to the account, which {@code PUT /user}'s own limit bounds, and an exhausted allowance must not
 * keep a notice from its owner.
 */
@ApplicationScoped
public class UserMails {

    /** supabase/auth's message for a mail over its limit; the route limits answer "Rate limit exceeded". */
    static final String OVER_RECIPIENT_LIMIT = "Email rate limit exceeded";

    private final Outbox outbox;
    private final TokenSeal seal;
    private final RateLimiter limiter;
    private final RateLimitConfig limits;

    public UserMails(Outbox outbox, TokenSeal seal, RateLimiter limiter, RateLimitConfig limits) {
        this.outbox = outbox;
        this.seal = seal;
        this.limiter = limiter;
        this.limits = limits;
    }

    /** Queues a mail with a link; must run in the transaction that issues the token. */
    public Uni<Void> request(MailKind kind, User user, OpaqueToken token, String to) {
        UUID id = UUID.randomUUID();
        Limit recipient = new Limit("mail.recipient", to.trim().toLowerCase(Locale.ROOT), limits.mail().perRecipient());
        return limiter.takeInTransaction(List.of(recipient))
                .invoke(verdict -> verdict.orThrow(OVER_RECIPIENT_LIMIT))
                .chain(() -> outbox.requestMail(new MailRequest(id, kind, user.id, to, user.email,
                        kind == MailKind.EMAIL_CHANGE ? user.emailChange : null,
                        seal.seal(token.value(), MailRequest.sealBinding(id, kind, user.id, to)), user.userMetadata, Instant.now())));
    }

    /** Whether a request failed because a mail's recipient had no allowance left. */
    public static boolean overRecipientLimit(Throwable failure) {
        return failure instanceof ApiError error && error.status() == 429
                && OVER_RECIPIENT_LIMIT.equals(error.getMessage());
    }

    /**
     * Queues a notice, which carries no token.
     *
     * @param email the address the notice speaks of as the account's (for an email change, the previous one)
     * @param newEmail the new address of a completed email change, else null
     */
    public Uni<Void> notify(MailKind kind, User user, String email, String newEmail) {
        return outbox.requestMail(new MailRequest(UUID.randomUUID(), kind, user.id, email, email, newEmail, null,
                user.userMetadata, Instant.now()));
    }
}
