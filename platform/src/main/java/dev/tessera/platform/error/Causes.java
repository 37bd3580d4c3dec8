package dev.tessera.platform.error;

import java.util.function.Predicate;

/**
 * Looks through a failure's cause chain. The persistence layers, the REST client and the Mutiny bridges each wrap
 * what really went wrong a different number of times, so a failure is classified by what is anywhere in its chain.
 */
public final class Causes {

    private Causes() {
    }

    /** Whether {@code failure} or one of its causes matches {@code test}. */
    public static boolean any(Throwable failure, Predicate<Throwable> test) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }
}
