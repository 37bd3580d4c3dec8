package dev.tessera.platform.internal;

import java.time.Duration;
import java.util.Optional;

import dev.tessera.platform.error.ApiError;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * How long the caller of an internal request will wait for its answer. A synchronous chain (auth-service's password
 * grant waits for user-service, which waits for hook-service's login functions) must not commit anything after its
 * client was answered with a timeout, so every internal call tells its callee its budget and every callee stops in
 * time: it calls onwards with what is left, gives up waiting when its own time is up, and commits nothing then.
 *
 * <p>The budget travels as a duration ({@value #HEADER}, milliseconds), not a point in time, so the services' clocks
 * need not agree; the callee keeps the point in time it makes of it on the request's Vert.x context. Each hop keeps
 * {@link #MARGIN} back for the answer's way home and its own last step.
 */
public final class Deadline {

    public static final String HEADER = "X-Tessera-Budget-Ms";
    /** Kept back at each hop for the answer's way back and the caller's own last step (a commit, a token). */
    public static final Duration MARGIN = Duration.ofMillis(250);

    private static final String KEY = Deadline.class.getName();

    private Deadline() {
    }

    /** Records the budget the caller gave this request (the request's context must be a duplicated one). */
    static void begin(Duration budget) {
        if (inRequestContext()) {
            ContextLocals.put(KEY, System.nanoTime() + budget.toNanos());
        }
    }

    /** The time left to this request's work, when its caller gave it a budget. */
    public static Optional<Duration> remaining() {
        if (!inRequestContext()) {
            return Optional.empty();
        }
        return ContextLocals.<Long> get(KEY).map(at -> Duration.ofNanos(at - System.nanoTime()));
    }

    /**
     * The budget to give a callee: what is left of this request's own, less the margin, and never more than
     * {@code cap} (what the call's client waits at most). Never negative.
     */
    public static Duration forCallee(Duration cap) {
        Duration budget = remaining().map(left -> left.minus(MARGIN)).filter(left -> left.compareTo(cap) < 0)
                .orElse(cap);
        return budget.isNegative() ? Duration.ZERO : budget;
    }

    /**
     * Fails with 504 when this request's caller has given up by now: called after a slow step (a hook) and before
     * the commit that would follow it.
     */
    public static void requireTimeLeft(String what) {
        remaining().filter(left -> left.isNegative() || left.isZero()).ifPresent(late -> {
            throw timedOut(what);
        });
    }

    /** The answer to a request whose time ran out while {@code what} was under way. */
    public static ApiError timedOut(String what) {
        return ApiError.of(504, what + " did not finish in time");
    }

    private static boolean inRequestContext() {
        Context context = Vertx.currentContext();
        return context != null && VertxContext.isDuplicatedContext(context);
    }
}
