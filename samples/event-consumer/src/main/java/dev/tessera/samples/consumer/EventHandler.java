package dev.tessera.samples.consumer;

/** Your logic: what to do with one event about one user. */
@FunctionalInterface
public interface EventHandler {

    /**
     * Handles an event, or returns false for a type it does not handle (new types appear without notice).
     * Throwing stops the consumer before it commits, so the event is delivered again.
     */
    boolean handle(String userId, CloudEvent event);
}
