package dev.tessera.platform.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * The lanes on their own, with work that finishes when the test says so: one key's records run one at a time in
 * order, a new key waits for a free lane, the stream is held while no record can be taken, a failure halts
 * everything held, and a revoked partition's queued records are dropped.
 */
class DeliveryLanesTest {

    private final List<String> started = new ArrayList<>();
    private final Map<String, UniEmitter<? super Void>> running = new HashMap<>();

    private Supplier<Uni<Void>> work(String name) {
        return () -> Uni.createFrom().emitter(emitter -> {
            started.add(name);
            running.put(name, emitter);
        });
    }

    private void finish(String name) {
        running.remove(name).complete(null);
    }

    /** Offers a record whose work is named {@code name}; answers whether it was taken at once. */
    private boolean offer(DeliveryLanes lanes, String key, int partition, String name) {
        return taken(lanes.offer(key, partition, work(name)), new AtomicBoolean());
    }

    private static boolean taken(Uni<Void> offer, AtomicBoolean flag) {
        offer.subscribe().with(ignored -> flag.set(true));
        return flag.get();
    }

    @Test
    void oneKeyRunsInOrderWhileOtherKeysRunBesideIt() {
        DeliveryLanes lanes = new DeliveryLanes(2, "concurrency");
        assertTrue(offer(lanes, "ada", 0, "ada-1"));
        assertTrue(offer(lanes, "ada", 0, "ada-2"));
        assertTrue(offer(lanes, "bob", 1, "bob-1"));
        assertEquals(List.of("ada-1", "bob-1"), started, "ada-2 waits for ada-1; bob runs beside it");

        AtomicBoolean carolTaken = new AtomicBoolean();
        assertFalse(taken(lanes.offer("carol", 2, work("carol-1")), carolTaken), "two lanes busy: the stream waits");

        finish("ada-1");
        assertEquals(List.of("ada-1", "bob-1", "ada-2"), started, "ada's lane goes on with her next record");
        assertFalse(carolTaken.get());
        finish("bob-1");
        assertTrue(carolTaken.get(), "a lane came free");
        assertEquals(List.of("ada-1", "bob-1", "ada-2", "carol-1"), started);
    }

    @Test
    void aKeyWithTooManyHeldHoldsTheStream() {
        DeliveryLanes lanes = new DeliveryLanes(2, "concurrency");
        for (int i = 1; i <= DeliveryLanes.HELD_PER_KEY; i++) {
            assertTrue(offer(lanes, "ada", 0, "ada-" + i));
        }
        AtomicBoolean lastTaken = new AtomicBoolean();
        assertFalse(taken(lanes.offer("ada", 0, work("ada-last")), lastTaken));
        finish("ada-1");
        assertTrue(lastTaken.get());
        assertEquals(List.of("ada-1", "ada-2"), started);
    }

    @Test
    void aFailureStartsNothingHeldOrOfferedAfterIt() {
        DeliveryLanes lanes = new DeliveryLanes(2, "concurrency");
        offer(lanes, "ada", 0, "ada-1");
        offer(lanes, "ada", 0, "ada-2");
        offer(lanes, "bob", 1, "bob-1");
        AtomicBoolean carolTaken = new AtomicBoolean();
        taken(lanes.offer("carol", 2, work("carol-1")), carolTaken);

        running.remove("ada-1").fail(new IllegalStateException("the database stayed away"));
        assertTrue(carolTaken.get(), "the stream is not left hanging");
        finish("bob-1");
        assertTrue(offer(lanes, "dave", 3, "dave-1"));
        assertEquals(List.of("ada-1", "bob-1"), started, "neither ada's next record nor a later one started");
    }

    @Test
    void aRevokedPartitionsQueuedRecordsAreDropped() {
        DeliveryLanes lanes = new DeliveryLanes(2, "concurrency");
        offer(lanes, "ada", 0, "ada-1");
        offer(lanes, "ada", 0, "ada-2");
        offer(lanes, "bob", 1, "bob-1");
        offer(lanes, "bob", 1, "bob-2");

        lanes.forget(List.of(0));
        finish("ada-1");
        finish("bob-1");
        assertEquals(List.of("ada-1", "bob-1", "bob-2"), started, "ada-2 is left to partition 0's next reader");
        assertTrue(offer(lanes, "ada", 0, "ada-2 again"), "ada's lane is free");
        assertEquals("ada-2 again", started.get(3));
    }
}
