package dev.tessera.mail.delivery;

/** The SMTP server did not take the mail: every attempt failed, or one failed permanently (a 5xx reply). */
public class SmtpDeliveryFailed extends RuntimeException {

    private final int attempts;

    public SmtpDeliveryFailed(int attempts, Throwable cause) {
        super("SMTP server did not accept the mail after " + attempts + (attempts == 1 ? " attempt: " : " attempts: ")
                + describe(cause), cause, false, false);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
