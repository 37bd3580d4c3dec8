package dev.tessera.user.mail;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.mail.TokenSeal;
import dev.tessera.platform.outbox.Outbox;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.user.model.User;
import io.smallrye.mutiny.Uni;

/** Queues a mail for mail-service through the outbox, with its token (if any) sealed to the request id. */
@ApplicationScoped
public class UserMails {

    private final Outbox outbox;
    private final TokenSeal seal;

    public UserMails(Outbox outbox, TokenSeal seal) {
        this.outbox = outbox;
        this.seal = seal;
    }

    public Uni<Void> request(MailKind kind, User user, OpaqueToken token, String to) {
        UUID id = UUID.randomUUID();
        return outbox.requestMail(new MailRequest(id, kind, user.id, to, user.email,
                kind == MailKind.EMAIL_CHANGE ? user.emailChange : null,
                seal.seal(token.value(), id.toString()), user.userMetadata, Instant.now()));
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
