package dev.tessera.platform.messaging;

import java.util.function.Function;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Where a Kafka consumer handles a record: on a duplicated Vert.x context marked safe, which Hibernate Reactive
 * needs, and which the handling is given so that everything it resumes after a wait runs there too. The connector
 * normally calls a consumer on such a context; when it does not, one is made.
 */
public final class ConsumerContext {

    private ConsumerContext() {
    }

    /** Runs {@code handling} on the current duplicated context, or on a new one marked safe. */
    public static <T> Uni<T> run(Vertx vertx, Function<Context, Uni<T>> handling) {
        Context current = Vertx.currentContext();
        if (current != null && VertxContext.isDuplicatedContext(current)) {
            return handling.apply(current);
        }
        return runOn(VertxContext.getOrCreateDuplicatedContext(vertx), handling);
    }

    /**
     * Captures where the record being handled now belongs, to handle it later, side by side with others: on a new
     * duplicated context of its own (records handled side by side must not share one, since Hibernate Reactive keeps
     * its session in the context) and in the record's trace. Call it while the connector's call for the record is
     * current; the handling may start much later, from another record's context.
     */
    public static Apart apart(Vertx vertx) {
        return new Apart(vertx, io.opentelemetry.context.Context.current());
    }

    /** A record's handling to come, with the trace it arrived in ({@link #apart}). */
    public record Apart(Vertx vertx, io.opentelemetry.context.Context trace) {

        /** Runs {@code handling} on a new duplicated context marked safe, with the record's trace current there. */
        public <T> Uni<T> run(Function<Context, Uni<T>> handling) {
            Context current = Vertx.currentContext();
            Context root = current == null ? vertx.getOrCreateContext() : VertxContext.getRootContext(current);
            return runOn(VertxContext.createNewDuplicatedContext(root), context -> {
                // Kept in the new context for all the handling's continuations there: the context is this record's
                // alone and is dropped with it, so the scope is never closed.
                trace.makeCurrent();
                return handling.apply(context);
            });
        }
    }

    private static <T> Uni<T> runOn(Context context, Function<Context, Uni<T>> handling) {
        VertxContextSafetyToggle.setContextSafe(context, true);
        // deferred: a handling that throws fails the record instead of leaving it unacknowledged for ever.
        return Uni.createFrom().emitter(emitter -> context.runOnContext(ignored -> Uni.createFrom()
                .deferred(() -> handling.apply(context))
                .subscribe().with(emitter::complete, emitter::fail)));
    }
}
