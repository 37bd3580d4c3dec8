package dev.tessera.platform.testing;

import java.time.Duration;
import java.util.function.Function;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * A Vert.x instance for tests of reactive code without Quarkus, started before a class's tests and closed after
 * them: {@code @RegisterExtension static final TestVertx VERTX = new TestVertx();}.
 */
public final class TestVertx implements BeforeAllCallback, AfterAllCallback {

    private Vertx vertx;

    @Override
    public void beforeAll(ExtensionContext extension) {
        vertx = Vertx.vertx();
    }

    @Override
    public void afterAll(ExtensionContext extension) {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * Runs {@code work} on a fresh event-loop context, as a Vert.x thread of a service would, and waits at most ten
     * seconds for its item; its failure is thrown.
     */
    public <T> T await(Function<Context, Uni<T>> work) {
        return awaitOn(vertx.getOrCreateContext(), work);
    }

    /** Runs {@code work} on {@code context} and waits at most ten seconds for its item; its failure is thrown. */
    public <T> T awaitOn(Context context, Function<Context, Uni<T>> work) {
        return Uni.createFrom().<T>emitter(emitter -> context.runOnContext(ignored -> Uni.createFrom()
                .deferred(() -> work.apply(context))
                .subscribe().with(emitter::complete, emitter::fail)))
                .await().atMost(Duration.ofSeconds(10));
    }
}
