package dev.tessera.suite.process;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.tessera.suite.SuiteException;

/**
 * Waits for a condition by checking it repeatedly until a deadline. Between checks it waits on a future that ends
 * the wait early (say, a child process exiting), so a dead process is noticed at once.
 */
public final class Poll {

    /** One check; throwing counts as "not yet" and the last failure is reported on timeout. */
    @FunctionalInterface
    public interface Check {
        boolean done() throws Exception;
    }

    private final String what;
    private final Duration timeout;
    private Duration interval = Duration.ofMillis(250);
    private CompletableFuture<?> abortOn = new CompletableFuture<>();
    private Supplier<String> abortReason = () -> "aborted";

    private Poll(String what, Duration timeout) {
        this.what = what;
        this.timeout = timeout;
    }

    public static Poll until(String what, Duration timeout) {
        return new Poll(what, timeout);
    }

    public Poll every(Duration interval) {
        this.interval = interval;
        return this;
    }

    /** Gives up as soon as {@code signal} completes, with {@code reason} as the message. */
    public Poll abortWhen(CompletableFuture<?> signal, Supplier<String> reason) {
        this.abortOn = signal;
        this.abortReason = reason;
        return this;
    }

    /** Checks until done; throws {@link SuiteException} on timeout or abort. */
    public void check(Check check) {
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        while (true) {
            if (abortOn.isDone()) {
                throw new SuiteException(what + ": " + abortReason.get());
            }
            try {
                if (check.done()) {
                    return;
                }
                last = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SuiteException(what + ": interrupted", e);
            } catch (Exception e) {
                last = e;
            }
            if (Instant.now().isAfter(deadline)) {
                String cause = Optional.ofNullable(last).map(e -> " (last error: " + e + ")").orElse("");
                throw new SuiteException(what + ": not done after " + timeout.toSeconds() + " s" + cause, last);
            }
            pause();
        }
    }

    private void pause() {
        try {
            abortOn.get(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // The interval passed, or the signal completed exceptionally: check again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SuiteException(what + ": interrupted", e);
        }
    }
}
