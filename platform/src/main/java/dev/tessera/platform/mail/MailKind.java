package dev.tessera.platform.mail;

/**
 * The mails the suite sends. The four of GoTrue §5 carry a one-time token in a link whose URL fragment key is
 * {@link #fragmentKey()}; the two notices tell the owner of an account that something changed and carry no token.
 */
public enum MailKind {
    CONFIRMATION("confirmation_token"),
    INVITE("invite_token"),
    RECOVERY("recovery_token"),
    EMAIL_CHANGE("email_change_token"),
    /** Sent to the previous address once an email change completed. */
    EMAIL_CHANGED_NOTIFICATION(null),
    /** Sent to the account's address after its password was changed. */
    PASSWORD_CHANGED_NOTIFICATION(null);

    private final String fragmentKey;

    MailKind(String fragmentKey) {
        this.fragmentKey = fragmentKey;
    }

    /** The URL fragment key of the link; null for a notice. */
    public String fragmentKey() {
        return fragmentKey;
    }

    public boolean carriesToken() {
        return fragmentKey != null;
    }
}
