package dev.tessera.platform.outbox;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * When this replica last wrote to its outbox. The relay looks at the table at its working pace only for a while after
 * a write, and otherwise seldom, so an idle service does not query its database several times a second.
 */
@ApplicationScoped
public class OutboxActivity {

    private volatile long lastAppend = Long.MIN_VALUE;

    void appended() {
        lastAppend = System.nanoTime();
    }

    /** True when a message was appended within the last {@code windowNanos}. */
    boolean appendedWithin(long windowNanos) {
        long last = lastAppend;
        return last != Long.MIN_VALUE && System.nanoTime() - last < windowNanos;
    }
}
