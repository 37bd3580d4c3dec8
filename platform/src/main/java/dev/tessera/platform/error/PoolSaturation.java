package dev.tessera.platform.error;

import java.time.Duration;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;

/**
 * Recognises the reactive SQL client's "no connection came free in time": every connection of the service's own pool
 * was busy for the pool's whole wait. That is the service overloaded, not broken, so the client is told to come back
 * ({@code 503} with {@code Retry-After}) as GoTrue does when it is overloaded, instead of a 500 that reads as a bug.
 *
 * <p>The client signals it with two exceptions that carry no type of their own, only their message: a query run on
 * the pool fails with a {@code VertxException("Timeout waiting for connection")}, a connection asked of the pool
 * (a transaction, Hibernate Reactive's session) with a {@code NoStackTraceThrowable("Timeout")}. Both are matched
 * exactly, among the failure's causes (Hibernate Reactive wraps them); {@code PoolSaturationTest} saturates a real pool
 * so that a client upgrade that changes either fails there, not in production.
 */
public final class PoolSaturation {

    /** What the client reads; the pool waits up to 30 s, so the next attempt may well find a connection. */
    static final ApiError OVERLOADED = ApiError.of(503, "Service overloaded, try again later")
            .retryAfter(Duration.ofSeconds(1));

    private static final String QUERY_TIMEOUT = "Timeout waiting for connection";
    private static final String ACQUIRE_TIMEOUT = "Timeout";

    private PoolSaturation() {
    }

    /** Whether {@code failure}, or one of its causes, is the pool's timeout waiting for a free connection. */
    public static boolean is(Throwable failure) {
        return Causes.any(failure, t -> t instanceof NoStackTraceThrowable && ACQUIRE_TIMEOUT.equals(t.getMessage())
                || t instanceof VertxException && QUERY_TIMEOUT.equals(t.getMessage()));
    }
}
