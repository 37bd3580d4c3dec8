package dev.tessera.suite.faults;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.tessera.platform.event.EventType;

/**
 * What a fault run counted at its end, and the one table that says it: mails, events and background hooks against
 * what the database says should exist, their duplicates, the requests that failed and during which fault, and the
 * time to recover after each fault, each with its goal and whether it was met.
 *
 * @param users the address of every user in the database (each is owed a confirmation mail)
 * @param confirmed users confirmed (each owed a {@code user.confirmed.v1} event)
 * @param logins password grants the clients saw succeed (each owed a {@code session.login.v1} event)
 * @param mails every mail received, per recipient
 * @param mailDuplicates copies of a mail its recipient had already received (same Message-ID)
 * @param events the public topic's events
 * @param hookedEventIds the events that trigger a background hook (signup, confirmed, login)
 * @param hookDeliveries the background hooks the function host received, per event id
 */
record FaultReport(Set<String> users, long confirmed, long logins, Map<String, List<MailLedger.Mail>> mails,
        int mailDuplicates, EventTally events, Set<String> hookedEventIds, Map<String, Integer> hookDeliveries) {

    private static final Duration RECOVERY_GOAL = Duration.ofSeconds(10);
    private static final String FORMAT = " %-58s %-24s %-26s %s%n";

    long mailed() {
        return users.stream().filter(mails::containsKey).count();
    }

    long eventsExpected() {
        return users.size() + confirmed + logins;
    }

    long eventsSeen() {
        return Math.min(events.distinct(EventType.SIGNUP.type()), users.size())
                + Math.min(events.distinct(EventType.CONFIRMED.type()), confirmed)
                + Math.min(events.distinct(EventType.LOGIN.type()), logins);
    }

    long hooksDelivered() {
        return hookedEventIds.stream().filter(hookDeliveries::containsKey).count();
    }

    int hookDuplicates() {
        return hookDeliveries.values().stream().mapToInt(n -> n - 1).sum();
    }

    /** Everything owed has arrived. */
    boolean complete() {
        return !lost();
    }

    /** A mail, an event or a background hook is missing: the one outcome that fails the run. */
    boolean lost() {
        return mailed() < users.size() || eventsSeen() < eventsExpected() || hooksDelivered() < hookedEventIds.size();
    }

    /**
     * The table, for a run whose traffic lasted {@code trafficTime} and began with {@code warmUp} (its requests are
     * counted apart: they measure start-up, not the steady state).
     */
    String table(Traffic traffic, FaultWindow warmUp, List<FaultWindow> faults, Duration trafficTime) {
        StringBuilder table = new StringBuilder();
        String rule = "-".repeat(118) + System.lineSeparator();
        table.append(rule).append(String.format(Locale.ROOT, FORMAT, "Fault suite", "measured", "goal", "met"))
                .append(rule);
        List<Traffic.Outcome> outcomes = traffic.outcomes();
        long completed = outcomes.stream().filter(o -> o.givenUpAt() == null).count();
        Map<String, Long> givenUp = outcomes.stream().filter(o -> o.givenUpAt() != null)
                .collect(Collectors.groupingBy(Traffic.Outcome::givenUpAt, TreeMap::new, Collectors.counting()));
        row(table, "users through signup, mail, confirmation and login", completed + " / " + outcomes.size()
                + " in " + seconds(trafficTime), "(given up: " + (givenUp.isEmpty() ? "none" : givenUp) + ")", null);
        row(table, "confirmation mails delivered / expected (users in the db)", mailed() + " / " + users.size(),
                "all", mailed() == users.size());
        row(table, "duplicate mails (same Message-ID again)", String.valueOf(mailDuplicates),
                "crash windows only", null);
        row(table, "events on the topic / expected (signup, confirmed, login)", eventsSeen() + " / "
                + eventsExpected(), "all", eventsSeen() == eventsExpected());
        row(table, "  of which user.signup.v1 / users", events.distinct(EventType.SIGNUP.type()) + " / "
                + users.size(), "", null);
        row(table, "  of which user.confirmed.v1 / confirmed users", events.distinct(EventType.CONFIRMED.type())
                + " / " + confirmed, "", null);
        row(table, "  of which session.login.v1 / password grants answered 2xx", events.distinct(EventType.LOGIN
                .type()) + " / " + logins, "(at least)", null);
        row(table, "duplicate events (same id again)", String.valueOf(events.duplicates()), "crash windows only",
                null);
        row(table, "background hooks delivered / expected (one per event)", hooksDelivered() + " / "
                + hookedEventIds.size(), "all", hooksDelivered() == hookedEventIds.size());
        row(table, "duplicate background hooks (same event id again)", String.valueOf(hookDuplicates()),
                "crash windows only", null);
        List<Traffic.Request> requests = traffic.requests();
        List<Traffic.Request> warming = requests.stream().filter(r -> warmUp.contains(r.startedAt())).toList();
        row(table, warmUp.name(), seconds(Duration.between(warmUp.injected(), warmUp.healed())), "", null);
        row(table, "  failed requests while warming up", failures(warming), "(start-up, not a fault)", null);
        List<Traffic.Request> outside = requests.stream().filter(r -> !warmUp.contains(r.startedAt()))
                .filter(r -> faults.stream().noneMatch(f -> f.overlaps(r))).toList();
        row(table, "failed requests outside any fault (after the warm-up)", failures(outside), "none",
                outside.stream().noneMatch(Traffic.Request::failed));
        // Nothing should fail here, so each one that did is named: when it was sent and what came back.
        outside.stream().filter(Traffic.Request::failed).limit(10).forEach(r -> row(table, "  " + r.step() + " sent "
                + r.startedAt() + ", answered " + Duration.between(r.startedAt(), r.endedAt()).toMillis() + " ms later",
                r.status() == 0 ? "no answer: " + r.error() : "status " + r.status(), "", null));
        for (FaultWindow fault : faults) {
            List<Traffic.Request> during = requests.stream().filter(fault::overlaps).toList();
            boolean failed = during.stream().anyMatch(Traffic.Request::failed);
            row(table, fault.name() + ": failed requests", failures(during), fault.failuresAllowed()
                    ? "allowed" : "none", fault.failuresAllowed() || !failed);
            Duration recovery = fault.recovery();
            row(table, fault.name() + ": recovery", recovery == null ? "not in the probe's time"
                    : seconds(recovery), "< " + RECOVERY_GOAL.toSeconds() + " s",
                    recovery != null && recovery.compareTo(RECOVERY_GOAL) < 0);
        }
        table.append(rule);
        table.append(lost() ? " LOST: a mail, an event or a background hook never arrived; the run fails."
                : " Nothing lost.").append(System.lineSeparator()).append(rule);
        return table.toString();
    }

    /** "3 of 240 (signup 2, login 1)". */
    private static String failures(List<Traffic.Request> requests) {
        Map<String, Long> byStep = requests.stream().filter(Traffic.Request::failed)
                .collect(Collectors.groupingBy(Traffic.Request::step, TreeMap::new, Collectors.counting()));
        long failed = byStep.values().stream().mapToLong(Long::longValue).sum();
        return failed + " of " + requests.size() + (failed == 0 ? "" : " " + byStep.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", "(", ")")));
    }

    private static void row(StringBuilder table, String measure, String value, String goal, Boolean met) {
        table.append(String.format(Locale.ROOT, FORMAT, measure, value, goal, met == null ? "" : met ? "yes"
                : "NO"));
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
