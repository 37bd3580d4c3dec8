package dev.tessera.mail.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.function.Predicate;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * Retries an asynchronous step with exponential backoff, waiting on a Vert.x timer and resuming on the caller's
 * context, so no thread sleeps and code after the retry (a Hibernate Reactive session) runs where it started.
 */
public final class Backoff {

    private final int attempts;
    private final Duration initial;
    private final Duration max;

    public Backoff(int attempts, Duration initial, Duration max) {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed");
        }
        this.attempts = attempts;
        this.initial = initial;
        this.max = max;
    }

    public static Backoff of(DeliveryConfig.Retry config) {
        return new Backoff(config.attempts(), config.initialBackoff(), config.maxBackoff());
    }

    public int attempts() {
        return attempts;
    }

    /** The wait before attempt {@code attempt} (2 or more): doubling from the initial wait, capped, ±20% jitter. */
    public Duration delayBefore(int attempt) {
        long base = initial.toMillis() << Math.min(attempt - 2, 20);
        long capped = Math.min(Math.max(base, 0), max.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
    }

    /**
     * Runs {@code step} (given the attempt number, from 1) until it succeeds, fails with an error {@code retryable}
     * refuses, or the attempts are used up. {@code onRetry} sees each failure that will be retried.
     */
    public <T> Uni<T> run(Context context, IntFunction<Uni<T>> step, Predicate<Throwable> retryable,
            RetryListener onRetry) {
        return attempt(context, step, retryable, onRetry, 1);
    }

    private <T> Uni<T> attempt(Context context, IntFunction<Uni<T>> step, Predicate<Throwable> retryable,
            RetryListener onRetry, int attempt) {
        return Uni.createFrom().deferred(() -> step.apply(attempt))
                .onFailure().recoverWithUni(failure -> {
                    if (attempt >= attempts || !retryable.test(failure)) {
                        return Uni.createFrom().failure(failure);
                    }
                    Duration delay = delayBefore(attempt + 1);
                    onRetry.retrying(attempt, failure, delay);
                    return sleep(context, delay)
                            .chain(() -> attempt(context, step, retryable, onRetry, attempt + 1));
                });
    }

    private static Uni<Void> sleep(Context context, Duration delay) {
        return Uni.createFrom().emitter(emitter -> context.owner().setTimer(delay.toMillis(),
                timer -> context.runOnContext(ignored -> emitter.complete(null))));
    }

    /** Told about a failed attempt before the next one is scheduled. */
    @FunctionalInterface
    public interface RetryListener {
        void retrying(int failedAttempt, Throwable failure, Duration delay);
    }
}
