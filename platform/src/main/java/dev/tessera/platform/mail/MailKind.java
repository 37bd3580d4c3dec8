package dev.tessera.platform.mail;

/** The mails the suite sends, with the URL fragment key their link carries (GoTrue §5). */
public enum MailKind {
    CONFIRMATION("confirmation_token"),
    INVITE("invite_token"),
    RECOVERY("recovery_token"),
    EMAIL_CHANGE("email_change_token");

    private final String fragmentKey;

    MailKind(String fragmentKey) {
        this.fragmentKey = fragmentKey;
    }

    public String fragmentKey() {
        return fragmentKey;
    }
}
