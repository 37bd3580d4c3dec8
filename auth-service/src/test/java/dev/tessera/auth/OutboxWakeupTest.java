package dev.tessera.auth;

import static dev.tessera.auth.testing.Grants.knownUser;
import static dev.tessera.auth.testing.Grants.passwordGrant;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.OwnRateLimitKey;
import dev.tessera.platform.outbox.OutboxListener;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The outbox relay publishes a row when its transaction commits, not at its next look: with every poll an hour
 * apart, a login's event still reaches the topic, also after the listener's connection was killed. The database and
 * broker are TokenTest's resources (started again for this profile).
 */
@QuarkusTest
@ExtendWith(OwnRateLimitKey.class)
@TestProfile(OutboxWakeupTest.PollHourly.class)
class OutboxWakeupTest {

    public static class PollHourly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tessera.outbox.interval", "PT1H", "tessera.outbox.idle-interval", "PT1H");
        }
    }

    @InjectTestStack
    TestStack stack;

    @Test
    void aCommittedRowIsPublishedWithoutWaitingForThePoll() {
        UUID id = UUID.randomUUID();
        passwordGrant(knownUser(id)).then().statusCode(200);

        Grants.awaitEvent(stack, id, "dev.tessera.session.login.v1");
    }

    @Test
    void theListenerComesBackAfterItsConnectionIsKilled() throws Exception {
        Set<Integer> before = awaitListeners(Set.of());
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() "
                        + "and application_name = ?")) {
            s.setString(1, OutboxListener.APPLICATION_NAME);
            s.executeQuery().close();
        }
        Set<Integer> after = awaitListeners(before);
        assertFalse(after.stream().anyMatch(before::contains), "a new connection listens: " + before + " -> " + after);

        UUID id = UUID.randomUUID();
        passwordGrant(knownUser(id)).then().statusCode(200);
        Grants.awaitEvent(stack, id, "dev.tessera.session.login.v1");
    }

    /** The backends of the listener that are LISTENing, once there is one that is not in {@code gone}. */
    private Set<Integer> awaitListeners(Set<Integer> gone) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<Integer> pids = listeners();
        while ((pids.isEmpty() || pids.stream().allMatch(gone::contains)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            pids = listeners();
        }
        assertTrue(pids.stream().anyMatch(pid -> !gone.contains(pid)), "the outbox listener is connected");
        return pids;
    }

    private Set<Integer> listeners() throws Exception {
        Set<Integer> pids = new HashSet<>();
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select pid from pg_stat_activity where datname = current_database() and application_name = ? "
                        + "and query like 'LISTEN%'")) {
            s.setString(1, OutboxListener.APPLICATION_NAME);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    pids.add(rows.getInt(1));
                }
            }
        }
        return pids;
    }
}
