package dev.tessera.user.recover;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.user.mail.UserMails;
import dev.tessera.user.model.UserEvents;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.model.Transactions;
import io.smallrye.mutiny.Uni;

/**
 * Recovery: a new token replaces any earlier one, its hash is stored, and the mail request and the event commit with
 * it. A second request inside {@code GOTRUE_SMTP_MAX_FREQUENCY} changes nothing and sends nothing. GoTrue answered it
 * 429, but only for an address that has an account, which told anyone who asked twice; here every request answers
 * alike. A banned user gets no mail either: its link would only answer {@code 403 "User is banned"}, and the mail
 * would tell whoever asked nothing but put the account's owner on notice for nothing.
 */
@ApplicationScoped
public class RecoverFlow {

    private final UserRepository users;
    private final UserEvents events;
    private final UserMails mails;
    private final GoTrueConfig config;

    public RecoverFlow(UserRepository users, UserEvents events, UserMails mails, GoTrueConfig config) {
        this.users = users;
        this.events = events;
        this.mails = mails;
        this.config = config;
    }

    public Uni<Void> recover(String email, String aud) {
        return Transactions.run(() -> users.findByEmail(aud, email).chain(found -> {
            if (found == null) {
                return Uni.createFrom().voidItem();
            }
            return users.lock(found.id).chain(user -> {
                Instant now = Instant.now();
                if (user.isBanned()) {
                    return Uni.createFrom().voidItem();
                }
                if (user.recoverySentAt != null && user.recoverySentAt.plus(config.smtp().maxFrequency()).isAfter(now)) {
                    return Uni.createFrom().voidItem();
                }
                OpaqueToken token = OpaqueToken.generate();
                user.recoveryTokenHash = token.hash();
                user.recoverySentAt = now;
                user.touch();
                return events.publish(EventType.RECOVERY_REQUESTED, user)
                        .chain(() -> mails.request(MailKind.RECOVERY, user, token, user.email));
            });
        }));
    }
}
