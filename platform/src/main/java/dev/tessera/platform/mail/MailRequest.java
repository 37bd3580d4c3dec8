package dev.tessera.platform.mail;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A request to send one mail, on the internal mail topic. {@code id} is the idempotency key of mail-service's
 * sent-mail ledger. The one-time token travels sealed ({@link TokenSeal}), so neither the outbox row nor the topic
 * holds it in the clear, and bound to the request ({@link #sealBinding}): whoever can write to the topic cannot send
 * a sealed token to another address.
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

    /**
     * What a request's token is sealed to: its id, kind, user and recipient. A sealed token copied into a request
     * with another recipient (or kind, or user) does not open.
     */
    public static String sealBinding(UUID id, MailKind kind, UUID userId, String to) {
        return String.join("\n", "mail-request", id.toString(), kind.name(), String.valueOf(userId), to);
    }

    public String sealBinding() {
        return sealBinding(id, kind, userId, to);
    }
}
