package dev.tessera.platform.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tessera.platform.testing.TestVertx;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

class BackoffTest {

    @RegisterExtension
    static final TestVertx VERTX = new TestVertx();

    @RepeatedTest(20)
    void waitsDoubleFromTheInitialOneUpToTheCapWithinTheJitter() {
        Backoff backoff = new Backoff(6, Duration.ofMillis(100), Duration.ofMillis(500));
        assertBetween(80, 120, backoff.delayBefore(2));
        assertBetween(160, 240, backoff.delayBefore(3));
        assertBetween(320, 480, backoff.delayBefore(4));
        assertBetween(400, 600, backoff.delayBefore(5));
        assertBetween(400, 600, backoff.delayBefore(60));
        assertEquals(6, backoff.attempts());
        assertEquals(2, backoff.withAttempts(2).attempts());
        assertBetween(160, 240, backoff.withAttempts(2).delayBefore(3));
    }

    @Test
    void needsAnAttempt() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, Duration.ofMillis(1), Duration.ofMillis(1)));
    }

    @Test
    void retriesUntilTheStepSucceedsAndResumesOnTheCallersContext() {
        Backoff backoff = new Backoff(4, Duration.ofMillis(5), Duration.ofMillis(20));
        List<Integer> retried = new CopyOnWriteArrayList<>();
        List<Boolean> onContext = new CopyOnWriteArrayList<>();
        int result = VERTX.await(context -> backoff.run(context, attempt -> {
            onContext.add(Vertx.currentContext() == context);
            return attempt < 3 ? Uni.createFrom().failure(new IllegalStateException("down " + attempt))
                    : Uni.createFrom().item(attempt);
        }, failure -> true, (attempt, failure, delay) -> {
            assertEquals("down " + attempt, failure.getMessage());
            assertBetween(4, 24, delay);
            retried.add(attempt);
        }));
        assertEquals(3, result);
        assertEquals(List.of(1, 2), retried);
        assertEquals(List.of(true, true, true), onContext);
    }

    @Test
    void givesUpAfterTheLastAttemptWithItsFailure() {
        Backoff backoff = new Backoff(3, Duration.ofMillis(1), Duration.ofMillis(2));
        List<Integer> tried = new CopyOnWriteArrayList<>();
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> VERTX.await(context -> backoff.run(context, attempt -> {
                    tried.add(attempt);
                    return Uni.createFrom().failure(new IllegalStateException("down " + attempt));
                }, failure -> true, (attempt, failure, delay) -> {
                })));
        assertEquals("down 3", failed.getMessage());
        assertEquals(List.of(1, 2, 3), tried);
    }

    @Test
    void stopsAtAFailureNotWorthRetrying() {
        Backoff backoff = new Backoff(5, Duration.ofMillis(1), Duration.ofMillis(2));
        IllegalArgumentException permanent = new IllegalArgumentException("refused for good");
        List<Integer> tried = new CopyOnWriteArrayList<>();
        IllegalArgumentException failed = assertThrows(IllegalArgumentException.class,
                () -> VERTX.await(context -> backoff.run(context, attempt -> {
                    tried.add(attempt);
                    return Uni.createFrom().failure(permanent);
                }, failure -> !(failure instanceof IllegalArgumentException), (attempt, failure, delay) -> {
                    throw new AssertionError("not retried");
                })));
        assertSame(permanent, failed);
        assertEquals(List.of(1), tried);
    }

    @Test
    void sleepsAtLeastAMillisecondAndResumesOnTheContext() {
        boolean resumedThere = VERTX.await(context -> Backoff.sleep(context, Duration.ZERO)
                .map(ignored -> Vertx.currentContext() == context));
        assertTrue(resumedThere);
    }

    private static void assertBetween(long min, long max, Duration actual) {
        assertTrue(actual.toMillis() >= min && actual.toMillis() <= max, () -> actual + " not in [" + min + ", " + max + "]");
    }
}
