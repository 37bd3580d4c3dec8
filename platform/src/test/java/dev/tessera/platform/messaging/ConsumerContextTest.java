package dev.tessera.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tessera.platform.testing.TestVertx;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

class ConsumerContextTest {

    @RegisterExtension
    static final TestVertx VERTX = new TestVertx();

    @Test
    void offVertxTheHandlingRunsOnANewDuplicatedContextMarkedSafe() {
        Context used = ConsumerContext.run(VERTX.vertx(), context -> {
            assertSame(context, Vertx.currentContext());
            // What Hibernate Reactive checks before it opens a session: fails on a context not marked safe.
            VertxContextSafetyToggle.validateContextIfExists("vetoed", "not marked safe");
            return Uni.createFrom().item(context);
        }).await().atMost(Duration.ofSeconds(10));
        assertTrue(VertxContext.isDuplicatedContext(used));
    }

    @Test
    void onADuplicatedContextTheHandlingStaysThere() {
        Context connectors = VertxContext.createNewDuplicatedContext(VERTX.vertx().getOrCreateContext());
        Context used = VERTX.awaitOn(connectors,
                ignored -> ConsumerContext.run(VERTX.vertx(), context -> Uni.createFrom().item(context)));
        assertSame(connectors, used);
    }

    @Test
    void apartFromADuplicatedContextTheHandlingGetsANewOneMarkedSafe() {
        Context connectors = VertxContext.createNewDuplicatedContext(VERTX.vertx().getOrCreateContext());
        connectors.putLocal("session", "the caller's");
        Context used = VERTX.awaitOn(connectors, ignored -> ConsumerContext.runApart(VERTX.vertx(), context -> {
            assertSame(context, Vertx.currentContext());
            assertNull(context.getLocal("session"), "nothing of the caller's context is shared");
            VertxContextSafetyToggle.validateContextIfExists("vetoed", "not marked safe");
            return Uni.createFrom().item(context);
        }));
        assertNotSame(connectors, used);
        assertTrue(VertxContext.isDuplicatedContext(used));
    }

    @Test
    void onAnEventLoopContextTheHandlingMovesToADuplicatedOne() {
        Context used = VERTX.await(eventLoop -> ConsumerContext.run(VERTX.vertx(), context -> {
            assertNotSame(eventLoop, context);
            return Uni.createFrom().item(context);
        }));
        assertTrue(VertxContext.isDuplicatedContext(used));
    }
}
