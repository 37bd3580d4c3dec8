package dev.tessera.suite.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.token.OpaqueToken;
import dev.tessera.suite.service.LocalSecrets;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.ServiceFleet;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.json.JsonObject;

/**
 * Refresh-token reuse with two auth-service replicas sharing one database, the way a deployment runs them: one
 * refresh token presented concurrently to both replicas succeeds everywhere within the reuse interval, every answer
 * holding the same new refresh token; once the interval has passed, the old token presented to one replica revokes
 * the session, and the newest token is refused by the other. And a refresh reads its user from user-service's
 * identity view, so it answers while user-service is down.
 *
 * <p>Service logs are in {@code local-suite/target/e2e-logs/refresh-replicas/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefreshAcrossReplicasTest {

    private static final String SECRET = "e2e-secret-only-for-the-refresh-replicas-test-0123456789";
    private static final Path LOGS = Path.of("target", "e2e-logs", "refresh-replicas").toAbsolutePath();
    private static final int RACERS = 8;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestStack stack;
    private ServiceFleet fleet;
    private List<String> replicas;
    private String userService;

    @BeforeAll
    void startServices() {
        stack = TestStack.start(false);
        Map<SuiteService, List<Integer>> ports = new EnumMap<>(SuiteService.class);
        ports.put(SuiteService.AUTH, List.of(E2e.freePort(), E2e.freePort()));
        ports.put(SuiteService.USER, List.of(E2e.freePort()));
        ports.put(SuiteService.HOOK, List.of(E2e.freePort()));
        Map<SuiteService, Integer> internal = new EnumMap<>(SuiteService.class);
        ports.forEach((service, list) -> internal.put(service, list.get(0)));
        Map<String, String> env = ServiceEnvironment.compose(E2e.inheritedEnvironment(),
                new ServiceEnvironment.Infrastructure(stack.database().databaseUrl(), stack.bootstrapServers(),
                        stack.topicPrefix(), null, 0, "http://localhost:" + E2e.freePort()),
                internal, LocalSecrets.given(SECRET, "operator-" + UUID.randomUUID()));
        env.put("GOTRUE_MAILER_AUTOCONFIRM", "true");
        // Long enough that the race below finishes within it however slow the machine; its end is simulated.
        env.put("GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL", "60");
        fleet = ServiceFleet.start(new ServiceFleet.Launch(E2e.repoRoot(), ports, env, E2e.JVM_OPTIONS, LOGS,
                Duration.ofMinutes(6)), line -> {
                });
        replicas = fleet.replicaPorts().get(SuiteService.AUTH).stream().map(p -> "http://127.0.0.1:" + p).toList();
        userService = "http://127.0.0.1:" + fleet.replicaPorts().get(SuiteService.USER).get(0);
    }

    @AfterAll
    void stopServices() throws Exception {
        E2e.closeInOrder(fleet, stack);
    }

    @Test
    void oneTokenRefreshedThroughBothReplicasWithinTheIntervalAndRevokedAfterIt() throws Exception {
        String email = "replicas-" + UUID.randomUUID() + "@example.com";
        String password = "correct horse battery staple";
        HttpResponse<String> signup = post(userService + "/signup", "application/json",
                new JsonObject().put("email", email).put("password", password).encode());
        assertEquals(200, signup.statusCode(), signup.body());
        String userId = new JsonObject(signup.body()).getString("id");
        JsonObject login = ok(post(replicas.get(0) + "/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8)));
        String token = login.getString("refresh_token");
        String session = sessionOf(login.getString("access_token"));

        List<HttpResponse<String>> answers = race(token);
        Set<String> issued = new HashSet<>();
        Set<String> sessions = new HashSet<>();
        for (HttpResponse<String> answer : answers) {
            JsonObject body = ok(answer);
            issued.add(body.getString("refresh_token"));
            sessions.add(sessionOf(body.getString("access_token")));
        }
        assertEquals(1, issued.size(), "every racer, on either replica, holds the same refresh token: " + issued);
        assertEquals(Set.of(session), sessions);
        String current = issued.iterator().next();
        assertNotEquals(token, current);
        for (String replica : replicas) {
            assertEquals(current, ok(refresh(replica, token)).getString("refresh_token"),
                    "a late retry with the old token gets the current one from " + replica);
        }
        String newest = ok(refresh(replicas.get(1), current)).getString("refresh_token");

        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "update auth.refresh_token_rotations set rotated_at = rotated_at - interval '61 seconds'"
                        + " where token_id = (select id from auth.refresh_tokens where token_hash = ?)")) {
            s.setString(1, OpaqueToken.hashOf(token));
            assertEquals(1, s.executeUpdate(), "the interval of the race's rotation has passed");
        }
        HttpResponse<String> reused = refresh(replicas.get(0), token);
        assertEquals(400, reused.statusCode(), reused.body());
        assertEquals("invalid_grant", new JsonObject(reused.body()).getString("error"));
        HttpResponse<String> revoked = refresh(replicas.get(1), newest);
        assertEquals(400, revoked.statusCode(), "the newest token of the revoked session: " + revoked.body());

        stack.awaitRecords(Topic.EVENTS, seen -> seen.stream().anyMatch(r -> r.key().equals(userId)
                && r.value().contains("\"type\":\"dev.tessera.session.revoked.v1\"")
                && r.value().contains(session)), Duration.ofSeconds(60));
    }

    /**
     * With the real pair of services, a refresh reads the user from user-service's identity view: it goes on while
     * user-service is down, and shows the user as the database holds them at that moment.
     */
    @Test
    void aRefreshGoesOnWhileUserServiceIsDownWithTheUserAsStoredNow() throws Exception {
        String email = "view-" + UUID.randomUUID() + "@example.com";
        String password = "correct horse battery staple";
        assertEquals(200, post(userService + "/signup", "application/json",
                new JsonObject().put("email", email).put("password", password).encode()).statusCode());
        String token = ok(post(replicas.get(0) + "/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8))).getString("refresh_token");
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("update users.users set"
                + " app_metadata = app_metadata || '{\"roles\":[\"editor\"]}' where lower(email) = lower(?)")) {
            s.setString(1, email);
            assertEquals(1, s.executeUpdate());
        }
        fleet.kill(SuiteService.USER, 0);
        try {
            JsonObject claims = claims(ok(refresh(replicas.get(1), token)).getString("access_token"));
            assertEquals("editor", claims.getJsonObject("app_metadata").getJsonArray("roles").getString(0),
                    claims.encode());
        } finally {
            fleet.restart(SuiteService.USER, 0);
        }
    }

    /** {@link #RACERS} refreshes with one token at once, alternately to each replica. */
    private List<HttpResponse<String>> race(String token) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                String replica = replicas.get(i % replicas.size());
                answers.add(pool.submit(() -> {
                    start.await();
                    return refresh(replica, token);
                }));
            }
            start.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                responses.add(answer.get(2, TimeUnit.MINUTES));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    private HttpResponse<String> refresh(String replica, String token) throws Exception {
        return post(replica + "/token", "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String url, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.uri() + ": " + response.body() + " (logs in " + LOGS + ")");
        return new JsonObject(response.body());
    }

    private static String sessionOf(String accessToken) {
        JsonObject claims = claims(accessToken);
        String session = claims.getString("session_id");
        assertTrue(session != null && !session.isEmpty(), "the access token names its session: " + claims);
        return session;
    }

    /** An access token's claims, unchecked (the services check the signature). */
    private static JsonObject claims(String accessToken) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]),
                StandardCharsets.UTF_8));
    }
}
