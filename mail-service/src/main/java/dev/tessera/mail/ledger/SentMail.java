package dev.tessera.mail.ledger;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.tessera.platform.mail.MailRequest;

/** One row of the sent-mail ledger: the outcome of one mail request, never its token or body. */
@Entity
@Table(name = "sent_mail")
public class SentMail {

    /** Longest failure text kept; SMTP replies can be long and the row is for a human to read. */
    private static final int MAX_ERROR_LENGTH = 1000;

    @Id
    @Column(name = "request_id")
    public UUID requestId;

    @Column(nullable = false)
    public String kind;

    @Column(name = "user_id")
    public UUID userId;

    @Column(nullable = false)
    public String recipient;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public SentMailStatus status;

    @Column(name = "message_id")
    public String messageId;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "requested_at")
    public Instant requestedAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    protected SentMail() {
    }

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

    /** Folds a later delivery of the same request into this row (only ever called on a FAILED row). */
    void absorb(SentMail later) {
        this.status = later.status;
        this.messageId = later.messageId;
        this.attempts += later.attempts;
        this.lastError = later.lastError;
        this.sentAt = later.sentAt;
        this.updatedAt = later.updatedAt;
    }

    private static String truncate(String error) {
        if (error == null || error.length() <= MAX_ERROR_LENGTH) {
            return error;
        }
        return error.substring(0, MAX_ERROR_LENGTH);
    }
}
