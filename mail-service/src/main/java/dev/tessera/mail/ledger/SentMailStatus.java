package dev.tessera.mail.ledger;

/** What became of a mail request. */
public enum SentMailStatus {
    /** The SMTP server accepted the mail. */
    SENT,
    /** No SMTP server is configured (GoTrue's no-op mailer), so nothing was sent, on purpose. */
    SKIPPED,
    /** Every attempt failed and the request went to the dead-letter topic; a replay may still send it. */
    FAILED;

    /** Whether a redelivery of the request must be left alone. */
    public boolean settled() {
        return this != FAILED;
    }
}
