package dev.tessera.platform.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.function.Predicate;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * How often an asynchronous step is tried and how long apart: exponential backoff that waits on a Vert.x timer and
 * resumes on the caller's context, so no thread sleeps and code after the wait (a Hibernate Reactive session) runs
 * where it started.
 *
 * @param attempts tries in all, the first included
 * @param initial the wait before the second attempt; each further wait doubles
 * @param max the longest wait
 */
public record Backoff(int attempts, Duration initial, Duration max) {

    public Backoff {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt is needed");
        }
    }

    public static Backoff of(RetryConfig config) {
        return new Backoff(config.attempts(), config.initialBackoff(), config.maxBackoff());
    }

    /** The same waits with another number of attempts. */
    public Backoff withAttempts(int attempts) {
        return new Backoff(attempts, initial, max);
    }

    /** The wait before attempt {@code attempt} (2 or more): doubling from the initial wait, capped, ±20% jitter. */
    public Duration delayBefore(int attempt) {
        long base = initial.toMillis() << Math.min(Math.max(attempt - 2, 0), 20);
        long capped = Math.min(Math.max(base, 0), max.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
    }

    /**
     * Runs {@code step} (given the attempt number, from 1) until it succeeds, fails with an error {@code retryable}
     * refuses, or the attempts are used up; then fails with the last failure. {@code onRetry} sees each failure that
     * will be retried.
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

    /** Completes after {@code delay} (at least 1 ms: Vert.x timers refuse less), on {@code context}. */
    public static Uni<Void> sleep(Context context, Duration delay) {
        return Uni.createFrom().emitter(emitter -> context.owner().setTimer(Math.max(1, delay.toMillis()),
                timer -> context.runOnContext(ignored -> emitter.complete(null))));
    }

    /** Told about a failed attempt before the next one is scheduled. */
    @FunctionalInterface
    public interface RetryListener {
        void retrying(int failedAttempt, Throwable failure, Duration delay);
    }
}
