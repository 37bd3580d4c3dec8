package dev.tessera.hook.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.testing.EventStream;
import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServer.Received;
import dev.tessera.hook.testing.FunctionServer.Reply;
import dev.tessera.hook.testing.FunctionServerResource;
import dev.tessera.hook.testing.InjectFunctionServer;
import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.IdentityEvent;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A backlog of many users' events (signup, confirmation, login each, one after another on the user's key) meets a
 * function host that answers slowly: different users' deliveries overlap, never more than the configured concurrency
 * (4 here; the function host could take 8), each user's events arrive in the order they were published, and every
 * event reaches the host exactly once, in one attempt.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FunctionServerResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "functions", value = "identity-validate-background,identity-signup-background,"
                + "identity-login-background"),
        @ResourceArg(name = "webhook", value = "false"),
        @ResourceArg(name = "config.tessera.hooks.background.concurrency", value = "4") })
class BackgroundConcurrencyTest {

    private static final int USERS = 40;
    private static final int CONCURRENCY = 4;
    /** How long the function host takes to answer, so that a backlog builds up behind the deliveries. */
    private static final Duration SLOW = Duration.ofMillis(150);
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final List<String> FUNCTIONS = List.of("/fn/identity-validate-background",
            "/fn/identity-signup-background", "/fn/identity-login-background");

    @InjectFunctionServer
    FunctionServer functions;

    @InjectTestStack
    TestStack stack;

    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final Set<String> usersInFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> usersSeenTwiceAtOnce = ConcurrentHashMap.newKeySet();

    @Test
    void aBacklogOfManyUsersIsDeliveredSideBySideInEachUsersOrderExactlyOnce() throws Exception {
        for (String path : FUNCTIONS) {
            functions.on(path, this::answerSlowly);
        }
        Map<String, List<String>> published = new LinkedHashMap<>();
        List<String> all = new ArrayList<>();
        try (EventStream events = new EventStream(stack)) {
            for (int i = 0; i < USERS; i++) {
                String userId = UUID.randomUUID().toString();
                Map<String, Object> user = EventStream.user(userId, "par-" + i + "-" + userId.substring(0, 8)
                        + "@example.com");
                List<IdentityEvent> flow = List.of(
                        EventStream.event(EventType.SIGNUP, userId, Map.of("user", user)),
                        EventStream.event(EventType.CONFIRMED, userId, Map.of("user", user)),
                        EventStream.event(EventType.LOGIN, userId, Map.of("user_id", userId, "email",
                                user.get("email"), "session_id", UUID.randomUUID().toString())));
                for (IdentityEvent event : flow) {
                    events.publish(event);
                    published.computeIfAbsent(userId, id -> new ArrayList<>()).add(event.id());
                    all.add(event.id());
                }
            }
        }
        Set<String> ours = Set.copyOf(all);

        functions.await(r -> ours.contains(r.header("x-tessera-event-id")), all.size(), WAIT);
        // Every row finished, so nothing is left to arrive late: what the host has now is all it will get.
        assertEquals(all.size(), awaitDeliveredInOneAttempt(ours), "each event's row: delivered, in one attempt");
        List<Received> received = functions.received(r -> ours.contains(r.header("x-tessera-event-id")));

        Map<String, Integer> perEvent = new HashMap<>();
        Map<String, List<String>> arrivedPerUser = new HashMap<>();
        for (Received request : received) {
            String eventId = request.header("x-tessera-event-id");
            perEvent.merge(eventId, 1, Integer::sum);
            arrivedPerUser.computeIfAbsent(userOf(request), id -> new ArrayList<>()).add(eventId);
        }
        assertEquals(all.size(), perEvent.size(), "every event reached the function host");
        perEvent.forEach((eventId, count) -> assertEquals(1, count, "event " + eventId + " arrived once"));
        assertEquals(published, arrivedPerUser, "each user's events arrived in the order they were published");
        assertTrue(usersSeenTwiceAtOnce.isEmpty(), "one user's deliveries never overlap: " + usersSeenTwiceAtOnce);
        assertTrue(mostInFlight.get() > 1, "different users' deliveries overlapped (" + mostInFlight + " at once)");
        assertTrue(mostInFlight.get() <= CONCURRENCY, "at most " + CONCURRENCY + " at once, saw " + mostInFlight);
    }

    /** Counts the function host's requests in flight (and per user) while it keeps them waiting. */
    private Reply answerSlowly(Received request, int call) {
        String user = userOf(request);
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        if (!usersInFlight.add(user)) {
            usersSeenTwiceAtOnce.add(user);
        }
        try {
            Thread.sleep(SLOW.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            usersInFlight.remove(user);
            inFlight.decrementAndGet();
        }
        return Reply.status(204);
    }

    private String userOf(Received request) {
        try {
            return mapper.readTree(request.body()).path("user").path("id").asText();
        } catch (Exception e) {
            throw new AssertionError("not a hook payload: " + request, e);
        }
    }

    /** Waits until every event's row is finished; answers how many were delivered in exactly one attempt. */
    private int awaitDeliveredInOneAttempt(Set<String> eventIds) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("""
                select count(*) filter (where status <> 'pending'),
                       count(*) filter (where status = 'delivered' and attempts = 1)
                from hooks.delivery where event_id = any(?)""")) {
            s.setArray(1, c.createArrayOf("text", eventIds.toArray()));
            while (true) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= eventIds.size() || Instant.now().isAfter(deadline)) {
                        return rs.getInt(2);
                    }
                }
                Thread.sleep(100);
            }
        }
    }
}
