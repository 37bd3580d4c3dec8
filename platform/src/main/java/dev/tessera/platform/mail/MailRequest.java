package dev.tessera.platform.mail;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A request to send one mail, on the internal mail topic. {@code id} is the idempotency key of mail-service's
 * sent-mail ledger. The one-time token travels sealed ({@link TokenSeal}), bound to this id, so neither the outbox
 * row nor the topic holds it in the clear.
 *
 * @param to the recipient
 * @param email the user's current address (the template's {@code Email})
 * @param newEmail the pending address of an email change, else null
 * @param data the user's user_metadata (the template's {@code Data})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MailRequest(
        UUID id,
        MailKind kind,
        UUID userId,
        String to,
        String email,
        String newEmail,
        String sealedToken,
        Map<String, Object> data,
        Instant requestedAt) {
}
