package dev.tessera.platform.messaging;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Runs the deliveries of a consumed stream (background hooks, mail) for different users side by side and those of
 * one user one after another, in the order of the stream. A record's key (the user id) is its lane: while a key has a delivery running, its next records
 * queue behind it; a key with none starts at once if fewer than {@code concurrency} keys are busy.
 * <p>
 * {@link #offer} completes when the record has been taken, and the stream hands over its next record only then, so
 * the lanes hold the stream (and the consumer's fetches) back: at most {@code concurrency} deliveries run and at most
 * {@link #HELD_PER_KEY} records of one key are held, the running one included. The stream's order is kept for every
 * key, and a record waits only for the records ahead of it being taken, not for them being delivered, so a new
 * user's event waits for about backlog / concurrency deliveries rather than for the whole backlog.
 * <p>
 * A delivery whose work fails halts the lanes: the consumer fails its work only when the channel stops (a failure
 * with failure strategy {@code fail}, or a dead letter that could not be written), and nothing held or offered after
 * it starts, so no later record of that user is delivered before it. The records not delivered are not acknowledged,
 * so their offsets stay uncommitted and they are read again after a restart. A consumer that dead-letters a failed
 * record and moves on completes its work instead.
 * <p>
 * Not a bean: each service makes its own with its concurrency setting (see the background delivery concurrency
 * decision).
 */
public final class DeliveryLanes {

    /**
     * Records of one key held at once, the running one included. A user's events come in bursts (signup,
     * confirmation, first login), so a few may wait behind a running one without holding the stream; more would
     * let a record wait for too many retry series before it is acknowledged (the throttled commit strategy's
     * unprocessed-record-max-age, 15 minutes, is about seven series of the defaults).
     */
    static final int HELD_PER_KEY = 4;

    private static final Logger LOG = Logger.getLogger(DeliveryLanes.class);

    private final int concurrency;
    /** The keys with a delivery running, each with the records queued behind it. */
    private final Map<String, Deque<Task>> busy = new HashMap<>();
    /** The one offer without room yet; the stream offers one record at a time. */
    private Waiting waiting;
    private boolean halted;

    /**
     * @param concurrency at most this many keys have a delivery running at once
     * @param setting the setting {@code concurrency} comes from, named when it is out of range
     */
    public DeliveryLanes(int concurrency, String setting) {
        if (concurrency < 1) {
            throw new IllegalArgumentException(setting + " must be at least 1, not " + concurrency);
        }
        this.concurrency = concurrency;
    }

    /**
     * Takes a record of partition {@code partition} with key {@code key}: {@code work} runs once every earlier record
     * of the key has finished and a lane is free. Completes when the record is taken.
     */
    public Uni<Void> offer(String key, int partition, Supplier<Uni<Void>> work) {
        Task task = new Task(key == null ? "" : key, partition, work);
        return Uni.createFrom().emitter(emitter -> {
            Taken taken;
            synchronized (this) {
                if (waiting != null) {
                    throw new IllegalStateException("a record was offered before the previous one was taken");
                }
                taken = take(task);
                if (taken == Taken.NO_ROOM) {
                    waiting = new Waiting(task, emitter);
                    return;
                }
            }
            if (taken == Taken.START) {
                start(task);
            }
            emitter.complete(null);
        });
    }

    /**
     * Forgets the queued records of partitions taken from this consumer (a rebalance): whoever reads those partitions
     * next starts from their committed offsets, which lie before them, so they are read again there. Running
     * deliveries finish.
     */
    public void forget(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        UniEmitter<? super Void> released = null;
        int dropped = 0;
        synchronized (this) {
            for (Deque<Task> queue : busy.values()) {
                for (Iterator<Task> it = queue.iterator(); it.hasNext();) {
                    if (partitions.contains(it.next().partition())) {
                        it.remove();
                        dropped++;
                    }
                }
            }
            if (waiting != null && partitions.contains(waiting.task().partition())) {
                released = waiting.emitter();
                waiting = null;
                dropped++;
            }
        }
        if (dropped > 0) {
            LOG.infof("Partitions %s were revoked; %d queued records are left to their next reader", partitions,
                    dropped);
        }
        if (released != null) {
            released.complete(null);
        }
    }

    /** Where a record goes; called holding the lock. */
    private Taken take(Task task) {
        if (halted) {
            return Taken.DROPPED;
        }
        Deque<Task> queue = busy.get(task.key());
        if (queue != null) {
            if (1 + queue.size() >= HELD_PER_KEY) {
                return Taken.NO_ROOM;
            }
            queue.addLast(task);
            return Taken.QUEUED;
        }
        if (busy.size() >= concurrency) {
            return Taken.NO_ROOM;
        }
        busy.put(task.key(), new ArrayDeque<>());
        return Taken.START;
    }

    private void start(Task task) {
        Uni.createFrom().deferred(() -> task.work().get()).subscribe().with(ignored -> finished(task, null),
                failure -> finished(task, failure));
    }

    private void finished(Task task, Throwable failure) {
        List<Task> toStart = new ArrayList<>(2);
        UniEmitter<? super Void> admitted = null;
        synchronized (this) {
            if (failure != null) {
                halt();
            } else if (!halted) {
                Deque<Task> queue = busy.get(task.key());
                Task next = queue.pollFirst();
                if (next == null) {
                    busy.remove(task.key());
                } else {
                    toStart.add(next);
                }
            }
            if (waiting != null) {
                Taken taken = take(waiting.task());
                if (taken != Taken.NO_ROOM) {
                    admitted = waiting.emitter();
                    if (taken == Taken.START) {
                        toStart.add(waiting.task());
                    }
                    waiting = null;
                }
            }
        }
        toStart.forEach(this::start);
        if (admitted != null) {
            admitted.complete(null);
        }
    }

    /** Called holding the lock. */
    private void halt() {
        if (!halted) {
            LOG.warn("A delivery failed and the channel stops; no further record starts");
        }
        halted = true;
        busy.values().forEach(Deque::clear);
    }

    private enum Taken {
        START, QUEUED, NO_ROOM, DROPPED
    }

    private record Task(String key, int partition, Supplier<Uni<Void>> work) {
    }

    private record Waiting(Task task, UniEmitter<? super Void> emitter) {
    }
}
