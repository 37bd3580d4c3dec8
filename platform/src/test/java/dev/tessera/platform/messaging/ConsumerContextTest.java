package dev.tessera.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tessera.platform.testing.TestVertx;
import io.opentelemetry.context.ContextKey;
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
        Context used = VERTX.awaitOn(connectors, ignored -> ConsumerContext.apart(VERTX.vertx()).run(context -> {
            assertSame(context, Vertx.currentContext());
            assertNull(context.getLocal("session"), "nothing of the caller's context is shared");
            VertxContextSafetyToggle.validateContextIfExists("vetoed", "not marked safe");
            return Uni.createFrom().item(context);
        }));
        assertNotSame(connectors, used);
        assertTrue(VertxContext.isDuplicatedContext(used));
    }

    /**
     * A record's handling may start long after the connector handed it over, from another record's context: it still
     * runs in the trace its record arrived in, and so does every continuation on its context, so that the spans it
     * makes (an SMTP send, a function call) belong to that trace.
     */
    @Test
    void apartTheHandlingKeepsTheTraceItsRecordArrivedIn() {
        ContextKey<String> record = ContextKey.named("record");
        Context first = VertxContext.createNewDuplicatedContext(VERTX.vertx().getOrCreateContext());
        ConsumerContext.Apart apart = VERTX.awaitOn(first, ignored -> {
            io.opentelemetry.context.Context.root().with(record, "A").makeCurrent();
            return Uni.createFrom().item(ConsumerContext.apart(VERTX.vertx()));
        });
        Context second = VertxContext.createNewDuplicatedContext(VERTX.vertx().getOrCreateContext());
        String seen = VERTX.awaitOn(second, ignored -> {
            io.opentelemetry.context.Context.root().with(record, "B").makeCurrent();
            return apart.run(context -> Uni.createFrom().<String>emitter(emitter -> VERTX.vertx().setTimer(20,
                    timer -> emitter.complete(io.opentelemetry.context.Context.current().get(record))))
                    .emitOn(command -> context.runOnContext(again -> command.run()))
                    .map(later -> later + "/" + io.opentelemetry.context.Context.current().get(record)));
        });
        assertEquals("A/A", seen, "in the handling's timer and back on its context");
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
