package dev.tessera.user.signup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.KafkaUnreachable;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The outbox promise: while the broker cannot be reached, signups go on. The fault suite saw signups time out while
 * the broker was down; this holds the service itself to the promise, with more signups at once than the reactive
 * pool has connections, so a relay that held connections while its producer waits would starve them.
 */
@QuarkusTest
@TestProfile(KafkaUnreachable.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class SignupDuringKafkaOutageTest {

    /** Above the reactive pool's 20 connections. */
    static final int SIGNUPS = 60;

    @InjectTestStack
    TestStack stack;

    @TestHTTPResource("/signup")
    URI signup;

    @Test
    void signupsSucceedAndKeepTheirEventsInTheOutboxWhileTheBrokerIsUnreachable() throws Exception {
        // A guard against a hang, not a speed goal: a signup the broker's absence blocks never answers at all.
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        List<String> emails = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        // Three waves: the relay has seen the broker fail (and retries) by the later ones.
        for (int wave = 0; wave < 3; wave++) {
            for (int i = 0; i < SIGNUPS / 3; i++) {
                String email = "outage-" + UUID.randomUUID() + "@example.com";
                emails.add(email);
                answers.add(client.sendAsync(HttpRequest.newBuilder(signup)
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"email\":\"" + email + "\",\"password\":\"correct horse\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            assertEquals(200, response.statusCode(), response.body());
        }

        try (Connection c = stack.jdbc();
                PreparedStatement users = c.prepareStatement("select count(*) from users.users where email = any(?)");
                PreparedStatement events = c.prepareStatement(
                        "select count(*) from users.outbox o join users.users u on o.msg_key = u.id::text"
                                + " where u.email = any(?) and o.payload like '%user.signup.v1%'")) {
            users.setArray(1, c.createArrayOf("text", emails.toArray()));
            ResultSet u = users.executeQuery();
            u.next();
            assertEquals(SIGNUPS, u.getInt(1), "every signup's user row");
            events.setArray(1, c.createArrayOf("text", emails.toArray()));
            ResultSet e = events.executeQuery();
            e.next();
            assertEquals(SIGNUPS, e.getInt(1), "every signup's event waits in the outbox");
        }
    }
}
