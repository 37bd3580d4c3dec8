package dev.tessera.suite;

/** A failure to start or run the suite, with a message meant for the person at the terminal. */
public class SuiteException extends RuntimeException {

    public SuiteException(String message) {
        super(message);
    }

    public SuiteException(String message, Throwable cause) {
        super(message, cause);
    }
}
