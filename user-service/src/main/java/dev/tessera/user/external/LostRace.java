package dev.tessera.user.external;

/**
 * The accounts changed between the lookup and the write (a concurrent first sign-in created the user, or a mailed link
 * confirmed it): the sign-in is decided again from what is stored now. Never reaches a client.
 */
final class LostRace extends RuntimeException {

    LostRace() {
        super("accounts changed during an OAuth sign-in", null, false, false);
    }
}
