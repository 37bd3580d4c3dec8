package dev.tessera.suite.faults;

import java.time.Duration;
import java.time.Instant;

/**
 * One fault of a run and its timeline.
 *
 * @param name what was done, e.g. "Kafka broker SIGKILLed, restarted after 5 s"
 * @param injected when the fault began
 * @param healed when the faulted part was back (restarted and ready, reopened); for a dead replica, the moment it
 *            died, since the other replica is meant to take over at once
 * @param recovered when a user made after {@code healed} had completed signup, mail, confirmation and login (and,
 *            where the fault was hook-service's, its signup's background hook had arrived); null if none did
 * @param ended when the fault's step ended (the replica restarted, the probe done): failed requests from
 *            {@code injected} to here count for this fault
 * @param failuresAllowed whether the goals allow clients to see failures during it
 */
record FaultWindow(String name, Instant injected, Instant healed, Instant recovered, Instant ended,
        boolean failuresAllowed) {

    /** The recovery time, from healed to recovered; null when it never recovered. */
    Duration recovery() {
        return recovered == null ? null : Duration.between(healed, recovered);
    }

    boolean contains(Instant moment) {
        return !moment.isBefore(injected) && !moment.isAfter(ended);
    }

    /**
     * Whether the fault touched a request: it was under way at some moment of the window. A request sent just before
     * a replica was killed, and answered 502 because of it, belongs to the kill, not to the calm before it.
     */
    boolean overlaps(Traffic.Request request) {
        return !request.endedAt().isBefore(injected) && !request.startedAt().isAfter(ended);
    }
}
