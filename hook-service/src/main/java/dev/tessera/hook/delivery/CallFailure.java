package dev.tessera.hook.delivery;

/**
 * One attempt at a hook target that produced no answer. The kind decides what GoTrue's caller sees and whether the
 * circuit breaker counts it.
 */
public final class CallFailure extends RuntimeException {

    public enum Kind {
        /** No answer within the timeout (connecting included): retried; 504 after the last attempt. */
        TIMEOUT(true),
        /** The connection could not be made: 502 at once, no retry. */
        CONNECT(true),
        /** The connection broke after it was made: 500 at once. */
        BROKEN(false),
        /** The target is on a non-public address and private targets are not allowed: 502, never connected. */
        REFUSED(false);

        private final boolean tripsBreaker;

        Kind(boolean tripsBreaker) {
            this.tripsBreaker = tripsBreaker;
        }
    }

    private final Kind kind;

    private CallFailure(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public static CallFailure timedOut(String message) {
        return new CallFailure(Kind.TIMEOUT, message, null);
    }

    public static CallFailure notConnected(String message, Throwable cause) {
        return new CallFailure(Kind.CONNECT, message, cause);
    }

    public static CallFailure broken(String message, Throwable cause) {
        return new CallFailure(Kind.BROKEN, message, cause);
    }

    public static CallFailure refused(String message) {
        return new CallFailure(Kind.REFUSED, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the circuit breaker counts this as the target failing (timeouts and failed connections). */
    public boolean tripsBreaker() {
        return kind.tripsBreaker;
    }
}
