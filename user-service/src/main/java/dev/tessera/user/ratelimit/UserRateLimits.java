package dev.tessera.user.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.ratelimit.Limit;
import dev.tessera.platform.ratelimit.RateLimitConfig;
import dev.tessera.platform.ratelimit.RateLimiter;
import dev.tessera.user.admin.Caller;
import io.smallrye.mutiny.Uni;

/**
 * The limits of user-service's public routes, each request's in one statement before its flow runs: per client
 * address and per the account, address or admin it names, plus the mails it may cause per client address
 * ({@code GOTRUE_RATE_LIMIT_EMAIL_SENT}; the limit per recipient is {@link dev.tessera.user.mail.UserMails}'s, taken
 * when a mail is queued). Over a limit answers {@code 429 "Rate limit exceeded"} with {@code Retry-After}. None of
 * these depends on whether an account exists, so a 429 tells nothing about accounts.
 */
@ApplicationScoped
public class UserRateLimits {

    private final RateLimiter limiter;
    private final GoTrueConfig gotrue;
    private final RateLimitConfig config;

    public UserRateLimits(RateLimiter limiter, GoTrueConfig gotrue, RateLimitConfig config) {
        this.limiter = limiter;
        this.gotrue = gotrue;
        this.config = config;
    }

    /** {@code POST /signup}: mails a confirmation unless signups confirm themselves. */
    public Uni<Void> signup(String client, String aud, String email) {
        List<Limit> limits = new ArrayList<>(List.of(
                new Limit("signup.client", client, config.signup().perClient()),
                new Limit("signup.email", address(aud, email), config.signup().perEmail())));
        mails(limits, client, gotrue.mailer().autoconfirm() ? 0 : 1);
        return limiter.check(limits);
    }

    /** {@code POST /recover}: counted alike for known and unknown addresses. */
    public Uni<Void> recover(String client, String aud, String email) {
        List<Limit> limits = new ArrayList<>(List.of(
                new Limit("recover.client", client, config.recover().perClient()),
                new Limit("recover.email", address(aud, email), config.recover().perEmail())));
        mails(limits, client, 1);
        return limiter.check(limits);
    }

    /** {@code POST /invite}, once the caller is known to be an admin. */
    public Uni<Void> invite(String client, Caller admin, String email) {
        // The operator and the system have no id of their own: each counts as one admin.
        String inviter = Caller.NIL.equals(admin.id()) ? admin.kind().name() : admin.id().toString();
        List<Limit> limits = new ArrayList<>(List.of(
                new Limit("invite.admin", inviter, config.invite().perAdmin()),
                new Limit("invite.email", address(admin.aud(), email), config.invite().perEmail())));
        mails(limits, client, 1);
        return limiter.check(limits);
    }

    /** {@code PUT /user} by the user {@code id}; {@code mails} is how many links an email change it asks for sends. */
    public Uni<Void> userUpdate(String client, UUID id, int mails) {
        List<Limit> limits = new ArrayList<>(List.of(new Limit("user.update", id.toString(),
                config.userUpdate().perUser())));
        mails(limits, client, mails);
        return limiter.check(limits);
    }

    private void mails(List<Limit> limits, String client, int mails) {
        if (mails > 0) {
            limits.add(new Limit("mail.client", client, gotrue.rateLimitEmailSent(), mails));
        }
    }

    private static String address(String aud, String email) {
        return aud + "\n" + email.trim().toLowerCase(Locale.ROOT);
    }
}
