package dev.tessera.user.signup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A client that gives up on a signup while its transaction is under way (the gateway's timeout, a closed tab) must
 * not decide what commits: the signup commits whole, its user row with its event, as if the client had waited.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class AbandonedSignupTest {

    @InjectTestStack
    TestStack stack;

    @TestHTTPResource("/signup")
    URI signup;

    @Test
    void aSignupWhoseClientLeftMidTransactionCommitsWithItsEvent() throws Exception {
        String email = SignupTest.email();
        String body = "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}";
        try (Connection holder = stack.jdbc()) {
            // Holds the signup's transaction at its outbox insert; the client leaves while it waits there.
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("lock table users.outbox in share mode");
            }
            try (Socket client = new Socket(signup.getHost(), signup.getPort())) {
                client.getOutputStream().write(("POST " + signup.getPath() + " HTTP/1.1\r\nHost: " + signup.getHost()
                        + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().flush();
                assertTrue(awaitBlockedOutboxInsert(), "the signup's transaction reached its outbox insert");
            }
            // Time for the server to see the closed socket and cancel the request before the lock goes. Too short a
            // wait could only let the old, unshielded code pass; it cannot fail the shielded one.
            Thread.sleep(1000);
            holder.commit();
        }

        String id = awaitUser(email);
        assertTrue(id != null, "the user row committed although its client had left");
        assertTrue(stack.awaitRecords(Topic.EVENTS, seen -> seen.stream().anyMatch(r -> r.key().equals(id)),
                Duration.ofSeconds(30)).stream().anyMatch(r -> r.key().equals(id)), "with its signup event");
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select count(*) from users.users where email = ?")) {
            s.setString(1, email);
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
        }
    }

    /** Whether a statement inserting into the outbox waits on a lock, within 30 s. */
    private boolean awaitBlockedOutboxInsert() throws Exception {
        Instant until = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(until)) {
            try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                            + " and query ilike 'insert into%outbox%'")) {
                ResultSet rs = s.executeQuery();
                if (rs.next() && rs.getInt(1) > 0) {
                    return true;
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    private String awaitUser(String email) throws Exception {
        Instant until = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(until)) {
            try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                    "select id from users.users where email = ?")) {
                s.setString(1, email);
                ResultSet rs = s.executeQuery();
                if (rs.next()) {
                    return rs.getObject(1, UUID.class).toString();
                }
            }
            Thread.sleep(200);
        }
        return null;
    }
}
