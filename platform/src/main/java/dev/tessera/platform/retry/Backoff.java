package dev.tessera.platform.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
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
        return run(context, step, retryable, onRetry, failure -> null);
    }

    /**
     * As {@link #run(Context, IntFunction, Predicate, RetryListener)}, but a wait may end early: {@code wake} is
     * asked, for each failure that will be retried, for a signal that the next attempt is worth making now (the
     * dependency that failed answers again); null means none, and the wait runs its course. The backoff stays the
     * ceiling: a signal that never comes costs nothing.
     */
    public <T> Uni<T> run(Context context, IntFunction<Uni<T>> step, Predicate<Throwable> retryable,
            RetryListener onRetry, Function<Throwable, Uni<Void>> wake) {
        return attempt(context, step, retryable, onRetry, wake, 1);
    }

    private <T> Uni<T> attempt(Context context, IntFunction<Uni<T>> step, Predicate<Throwable> retryable,
            RetryListener onRetry, Function<Throwable, Uni<Void>> wake, int attempt) {
        return Uni.createFrom().deferred(() -> step.apply(attempt))
                .onFailure().recoverWithUni(failure -> {
                    if (attempt >= attempts || !retryable.test(failure)) {
                        return Uni.createFrom().failure(failure);
                    }
                    Duration delay = delayBefore(attempt + 1);
                    onRetry.retrying(attempt, failure, delay);
                    return waitBefore(context, delay, wake.apply(failure))
                            .chain(() -> attempt(context, step, retryable, onRetry, wake, attempt + 1));
                });
    }

    /** The backoff's wait, or less when {@code early} completes first; resumes on {@code context} either way. */
    private static Uni<Void> waitBefore(Context context, Duration delay, Uni<Void> early) {
        if (early == null) {
            return sleep(context, delay);
        }
        // The loser is cancelled: the early signal forgets its waiter, a timer that fires later completes nothing.
        Uni<Void> signal = early.onFailure().recoverWithUni(ignored -> Uni.createFrom().nothing())
                .emitOn(command -> context.runOnContext(ignored -> command.run()));
        return Uni.combine().any().of(sleep(context, delay), signal).replaceWithVoid();
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
