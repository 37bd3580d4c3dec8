package dev.tessera.mail.ledger;

import java.time.Instant;
import java.util.UUID;

import dev.tessera.platform.mail.MailRequest;

/**
 * One row of the sent-mail ledger ({@code sent_mail}): the outcome of one mail request, never its token or body.
 * {@link SentMailLedger} writes it.
 */
public class SentMail {

    /** Longest failure text kept; SMTP replies can be long and the row is for a human to read. */
    private static final int MAX_ERROR_LENGTH = 1000;

    public UUID requestId;
    public String kind;
    public UUID userId;
    public String recipient;
    public SentMailStatus status;
    public String messageId;
    public int attempts;
    public String lastError;
    public Instant requestedAt;
    public Instant sentAt;
    public Instant createdAt;
    public Instant updatedAt;

    private SentMail(MailRequest request, SentMailStatus status, Instant now) {
        this.requestId = request.id();
        this.kind = request.kind().name();
        this.userId = request.userId();
        this.recipient = request.to();
        this.requestedAt = request.requestedAt();
        this.status = status;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public static SentMail sent(MailRequest request, String messageId, int attempts, Instant now) {
        SentMail row = new SentMail(request, SentMailStatus.SENT, now);
        row.messageId = messageId;
        row.attempts = attempts;
        row.sentAt = now;
        return row;
    }

    public static SentMail skipped(MailRequest request, Instant now) {
        SentMail row = new SentMail(request, SentMailStatus.SKIPPED, now);
        row.sentAt = now;
        return row;
    }

    public static SentMail failed(MailRequest request, String messageId, int attempts, String error, Instant now) {
        SentMail row = new SentMail(request, SentMailStatus.FAILED, now);
        row.messageId = messageId;
        row.attempts = attempts;
        row.lastError = truncate(error);
        return row;
    }

    private static String truncate(String error) {
        if (error == null || error.length() <= MAX_ERROR_LENGTH) {
            return error;
        }
        return error.substring(0, MAX_ERROR_LENGTH);
    }
}
