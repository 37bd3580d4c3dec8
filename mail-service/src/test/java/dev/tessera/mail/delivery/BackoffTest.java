package dev.tessera.mail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.RepeatedTest;

class BackoffTest {

    @RepeatedTest(20)
    void waitsDoubleFromTheInitialOneUpToTheCapWithinTheJitter() {
        Backoff backoff = new Backoff(6, Duration.ofMillis(100), Duration.ofMillis(500));
        assertBetween(80, 120, backoff.delayBefore(2));
        assertBetween(160, 240, backoff.delayBefore(3));
        assertBetween(320, 480, backoff.delayBefore(4));
        assertBetween(400, 600, backoff.delayBefore(5));
        assertBetween(400, 600, backoff.delayBefore(60));
        assertEquals(6, backoff.attempts());
    }

    private static void assertBetween(long min, long max, Duration actual) {
        assertTrue(actual.toMillis() >= min && actual.toMillis() <= max, () -> actual + " not in [" + min + ", " + max + "]");
    }
}
