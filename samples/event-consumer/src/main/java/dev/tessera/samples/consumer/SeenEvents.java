package dev.tessera.samples.consumer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of events already handled. Tessera delivers at least once: a record can arrive again after a producer
 * retried, or after this consumer crashed or lost its partitions before committing. The CloudEvents {@code id} is
 * the same on every delivery, so remembering it is what turns "at least once" into "once" for your side effects.
 *
 * <p>This one lives in memory and forgets the oldest ids past its capacity, enough for a sample and for
 * redeliveries within one process. A real consumer keeps the ids where its side effects live and records both in one
 * transaction (a table with the event id as primary key), so a restart does not forget them.
 */
public final class SeenEvents {

    private final Map<String, Boolean> ids;

    public SeenEvents(int capacity) {
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized boolean contains(String id) {
        return ids.containsKey(id);
    }

    public synchronized void add(String id) {
        ids.put(id, Boolean.TRUE);
    }
}
