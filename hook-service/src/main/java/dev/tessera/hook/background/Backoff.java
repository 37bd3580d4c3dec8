package dev.tessera.hook.background;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * Exponential backoff that waits on a Vert.x timer and resumes on the caller's context, so no thread sleeps and a
 * Hibernate Reactive session can be used after the wait.
 */
public record Backoff(Duration initial, Duration max) {

    /** The wait before attempt {@code attempt} (2 or more): doubling from the initial wait, capped, ±20% jitter. */
    public Duration before(int attempt) {
        long base = initial.toMillis() << Math.min(Math.max(attempt - 2, 0), 20);
        long capped = Math.min(Math.max(base, 0), max.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
    }

    public static Uni<Void> sleep(Context context, Duration delay) {
        return Uni.createFrom().emitter(emitter -> context.owner().setTimer(Math.max(1, delay.toMillis()),
                timer -> context.runOnContext(ignored -> emitter.complete(null))));
    }
}
