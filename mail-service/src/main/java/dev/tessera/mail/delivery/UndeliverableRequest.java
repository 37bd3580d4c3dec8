package dev.tessera.mail.delivery;

/**
 * A mail request that no retry can help: unreadable JSON, a missing field, a seal that does not open, a template
 * that does not render. It goes to the dead-letter topic at once. The message is the dead-letter reason an
 * operator reads, so it never carries a token.
 */
public class UndeliverableRequest extends RuntimeException {

    public UndeliverableRequest(String message) {
        super(message, null, false, false);
    }
}
