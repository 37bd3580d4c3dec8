package dev.tessera.mail.template;

/** A rendered mail: what the recipient reads. Holds the token (in the link), so it is never logged or stored. */
public record MailContent(String subject, String html, String text) {

    @Override
    public String toString() {
        return "MailContent[subject=" + subject + "]";
    }
}
