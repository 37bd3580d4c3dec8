package dev.tessera.platform.internal;

/**
 * What became of an OAuth sign-in: which way the person came in decides whether auth-service announces a login and
 * whether it issues tokens at all.
 */
public record ExternalLoginResult(Outcome outcome, UserIdentity user) {

    public enum Outcome {
        /** An already confirmed user signed in; the login hook has run. */
        LOGGED_IN,
        /** The user was created or confirmed by this sign-in (or accepted an invite); the signup hook has run. */
        CONFIRMED,
        /**
         * A new user whose address the provider does not vouch for: a confirmation mail is on its way, no tokens;
         * {@code user} is still unconfirmed.
         */
        CONFIRMATION_SENT
    }
}
