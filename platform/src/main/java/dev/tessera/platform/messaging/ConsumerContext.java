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
     * Runs {@code handling} on a new duplicated context marked safe, whatever context the caller is on: for records
     * handled side by side, which must not share one (Hibernate Reactive keeps its session in the context).
     */
    public static <T> Uni<T> runApart(Vertx vertx, Function<Context, Uni<T>> handling) {
        Context current = Vertx.currentContext();
        Context root = current == null ? vertx.getOrCreateContext() : VertxContext.getRootContext(current);
        return runOn(VertxContext.createNewDuplicatedContext(root), handling);
    }

    private static <T> Uni<T> runOn(Context context, Function<Context, Uni<T>> handling) {
        VertxContextSafetyToggle.setContextSafe(context, true);
        // deferred: a handling that throws fails the record instead of leaving it unacknowledged for ever.
        return Uni.createFrom().emitter(emitter -> context.runOnContext(ignored -> Uni.createFrom()
                .deferred(() -> handling.apply(context))
                .subscribe().with(emitter::complete, emitter::fail)));
    }
}
