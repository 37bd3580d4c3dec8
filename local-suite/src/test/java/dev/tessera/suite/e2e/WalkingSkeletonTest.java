package dev.tessera.suite.e2e;

import static dev.tessera.suite.e2e.PublicApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.suite.e2e.PublicApi.Reply;
import dev.tessera.suite.gateway.AccessLog;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.mail.InboxMessage;
import dev.tessera.suite.mail.MailInbox;
import dev.tessera.suite.process.Poll;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.ServiceFleet;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The walking skeleton, end to end: the four services run as separate processes from their built jars, behind the
 * gateway, against a fresh database, the run's Kafka broker (own topic prefix) and a GreenMail SMTP server. Every
 * request goes through the public base URL, as a GoTrue client's would.
 *
 * <p>
 * The steps share one user and run in order. Service logs are in {@code local-suite/target/e2e-logs/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonTest {

    private static final String SECRET = "e2e-secret-only-for-the-walking-skeleton-0123456789";
    private static final long JWT_EXP = 3600;
    private static final Duration ASYNC_TIMEOUT = Duration.ofSeconds(90);
    private static final String OPERATOR_TOKEN = "e2e-operator-token-0123456789";

    private TestStack stack;
    private ServiceFleet fleet;
    private Vertx vertx;
    private Gateway gateway;
    private MailInbox inbox;
    private String base;
    private PublicApi api;

    private final String email = "e2e-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    private final String password = "correct horse battery staple";
    private String userId;
    private String confirmationToken;
    private final Map<String, String> issuedSecrets = new HashMap<>();

    @BeforeAll
    void startSuite() {
        Path root = E2e.repoRoot();
        stack = TestStack.start(true);
        inbox = MailInbox.of(stack.greenMail());
        int gatewayPort = E2e.freePort();
        base = "http://localhost:" + gatewayPort;
        api = new PublicApi(base, Path.of("target", "e2e-logs").toAbsolutePath());

        Map<SuiteService, Integer> ports = E2e.freePorts();
        Map<String, String> env = E2e.suiteEnvironment(stack, base, ports, SECRET, OPERATOR_TOKEN);
        env.put("GOTRUE_JWT_EXP", String.valueOf(JWT_EXP));
        env.put("GOTRUE_MAILER_AUTOCONFIRM", "false");
        env.put("GOTRUE_SITE_URL", base);
        // No grace for a rotated-out refresh token, so the lifecycle below can show a revocation without waiting.
        env.put("GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL", "0");

        fleet = ServiceFleet.start(ServiceFleet.Launch.oneEach(root, ports, env, E2e.JVM_OPTIONS,
                Path.of("target", "e2e-logs").toAbsolutePath(), Duration.ofMinutes(4)), line -> {
                });
        vertx = Vertx.vertx();
        gateway = Gateway.start(vertx, "localhost", gatewayPort, ports,
                AccessLog.to(Path.of("target", "e2e-logs", "gateway.log")));
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(gateway, E2e.closing(vertx), fleet, stack);
    }

    @Test
    @Order(1)
    void settingsAnswerInGoTruesShape() throws Exception {
        JsonObject expected = E2e.goTrueDefaultSettings();
        assertEquals(expected, ok(call("GET", "/settings", null, null)).json());
        assertEquals(expected, ok(call("GET", "/.netlify/identity/settings", null, null)).json());
        assertEquals(expected, ok(call("GET", "/settings", null, null, "Accept", "text/html")).json(),
                "GoTrue answers JSON whatever the Accept header asks for");
    }

    @Test
    @Order(2)
    void signupAnswersTheUserAndMailsAConfirmationLink() throws Exception {
        JsonObject user = ok(call("POST", "/signup", "application/json", new JsonObject().put("email", email)
                .put("password", password).put("data", new JsonObject().put("full_name", "E2E Tester")).encode()))
                .json();
        userId = user.getString("id");
        assertEquals(UUID.fromString(userId).toString(), userId);
        assertEquals(email, user.getString("email"));
        assertEquals("", user.getString("aud"));
        assertEquals("", user.getString("role"));
        assertEquals(new JsonObject().put("provider", "email"), user.getJsonObject("app_metadata"));
        assertEquals(new JsonObject().put("full_name", "E2E Tester"), user.getJsonObject("user_metadata"));
        assertNotNull(user.getString("confirmation_sent_at"));
        assertNull(user.getValue("confirmed_at"), "not confirmed yet");
        assertFalse(user.encode().contains(password), "the user object never carries the password");

        InboxMessage mail = awaitMail(email);
        assertEquals("Confirm Your Signup", mail.subject());
        String prefix = base + "/#confirmation_token=";
        String link = mail.links().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + "<token> link in " + mail.links()));
        confirmationToken = link.substring(prefix.length());
        assertFalse(confirmationToken.isBlank());
        issuedSecrets.put("confirmation token", confirmationToken);
    }

    @Test
    @Order(3)
    void passwordGrantIsRefusedBeforeConfirmation() throws Exception {
        Reply reply = call("POST", "/token", "application/x-www-form-urlencoded", passwordGrant());
        assertEquals(400, reply.status(), reply.describe());
        assertEquals(new JsonObject().put("error", "invalid_grant").put("error_description", "Email not confirmed"),
                reply.json());
    }

    @Test
    @Order(4)
    void verifyConfirmsOnceAndAnswersTokens() throws Exception {
        String body = new JsonObject().put("type", "signup").put("token", confirmationToken).encode();
        JsonObject tokens = ok(call("POST", "/verify", "application/json", body)).json();
        assertTokenBody(tokens);
        assertAccessToken(tokens.getString("access_token"));

        Reply again = call("POST", "/verify", "application/json", body);
        assertEquals(404, again.status(), again.describe());
        assertGoTrueError(again, 404);
    }

    @Test
    @Order(5)
    void passwordGrantAnswersAVerifiableAccessToken() throws Exception {
        JsonObject tokens = ok(call("POST", "/token", "application/x-www-form-urlencoded", passwordGrant())).json();
        assertTokenBody(tokens);
        assertAccessToken(tokens.getString("access_token"));
        issuedSecrets.put("access token", tokens.getString("access_token"));

        // The same grant as multipart/form-data (curl -F, a browser's FormData), which GoTrue's r.FormValue reads too.
        String boundary = "tessera-" + UUID.randomUUID();
        String multipartType = "multipart/form-data; boundary=" + boundary;
        assertTokenBody(ok(call("POST", "/token", multipartType,
                multipart(boundary, Map.of("grant_type", "password", "username", email, "password", password)))).json());
        Reply wrong = call("POST", "/token", multipartType,
                multipart(boundary, Map.of("grant_type", "password", "username", email, "password", password + "!")));
        assertEquals(400, wrong.status(), wrong.describe());
        assertEquals("invalid_grant", wrong.json().getString("error"), wrong.describe());
    }

    private static String multipart(String boundary, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> body.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n")
                .append(value).append("\r\n"));
        return body.append("--").append(boundary).append("--\r\n").toString();
    }

    @Test
    @Order(6)
    void userAnswersTheConfirmedUser() throws Exception {
        for (String path : List.of("/user", "/.netlify/identity/user")) {
            JsonObject user = ok(call("GET", path, null, null, "Authorization",
                    "Bearer " + issuedSecrets.get("access token"))).json();
            assertEquals(userId, user.getString("id"));
            assertEquals(email, user.getString("email"));
            assertNotNull(user.getString("confirmed_at"), user.encode());
            assertEquals(new JsonObject().put("full_name", "E2E Tester"), user.getJsonObject("user_metadata"));
        }
    }

    @Test
    @Order(7)
    void thePublicTopicCarriesTheUsersCloudEvents() {
        Set<String> wanted = Set.of(EventType.SIGNUP.type(), EventType.CONFIRMED.type(), EventType.LOGIN.type());
        List<ConsumerRecord<String, String>> records = stack.awaitRecords(Topic.EVENTS,
                seen -> typesFor(seen).containsAll(wanted), ASYNC_TIMEOUT);
        List<ConsumerRecord<String, String>> mine = records.stream()
                .filter(r -> userId.equals(new JsonObject(r.value()).getString("subject"))).toList();
        assertTrue(typesFor(mine).containsAll(wanted), () -> "events for " + userId + ": " + typesFor(mine));
        for (ConsumerRecord<String, String> record : mine) {
            JsonObject event = new JsonObject(record.value());
            assertEquals(userId, record.key(), "keyed by user id: " + record.value());
            assertEquals("1.0", event.getString("specversion"), record.value());
            assertNotNull(event.getString("id"), record.value());
            assertNotNull(event.getString("source"), record.value());
            assertNotNull(event.getString("time"), record.value());
            assertFalse(record.value().contains(password), "no password in " + record.value());
            issuedSecrets.forEach((what, secret) -> assertFalse(record.value().contains(secret),
                    "no " + what + " in " + record.value()));
        }
    }

    @Test
    @Order(8)
    void badInputGetsGoTrueErrorsNeverA500() throws Exception {
        assertGoTrueError(call("POST", "/signup", "application/json", "{\"email\":"), 400);
        assertGoTrueError(call("POST", "/signup", "application/x-www-form-urlencoded",
                "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password=pw"), 400);
        assertGoTrueError(call("POST", "/signup", "application/json", ""), 400);
        assertGoTrueError(call("POST", "/signup", null, null), 400);
        assertClientError(call("POST", "/signup", "application/json",
                "{\"email\":\"not-an-email\",\"password\":\"pw\"}"));
        assertGoTrueError(call("POST", "/.netlify/identity/verify", "application/json", "{\"type\":"), 400);
        assertClientError(call("POST", "/verify", "application/json", "{\"type\":\"signup\",\"token\":\" \"}"));
        assertClientError(call("PUT", "/settings", "application/json", "{}"));
        assertGoTrueError(call("GET", "/user", null, null), 401);
        assertGoTrueError(call("GET", "/user", null, null, "Authorization", "Bearer not.a.jwt"), 401);

        Reply unknownGrant = call("POST", "/token", "application/x-www-form-urlencoded", "grant_type=magic");
        assertEquals(400, unknownGrant.status(), unknownGrant.describe());
        assertEquals(new JsonObject().put("error", "unsupported_grant_type"), unknownGrant.json());
        Reply jsonToken = call("POST", "/token", "application/json",
                new JsonObject().put("grant_type", "password").put("username", email).put("password", password)
                        .encode());
        assertEquals(400, jsonToken.status(), jsonToken.describe());
        assertNotNull(jsonToken.json().getString("error"), jsonToken.describe());

        JsonObject notFound = new JsonObject().put("code", 404).put("msg", "Not Found");
        for (String path : List.of("/internal/verify", "/internal/users/" + userId,
                "/.netlify/identity/internal/verify", "/q/health/ready", "/admin/../internal/verify")) {
            for (String method : List.of("GET", "POST")) {
                Reply reply = call(method, path, "application/json",
                        new JsonObject().put("type", "signup").put("token", "x").encode());
                assertEquals(404, reply.status(), method + " " + path + ": " + reply.describe());
                assertEquals(notFound, reply.json(), method + " " + path);
            }
        }
    }

    /**
     * Health and metrics answer on each process's management port only, never on the API port (which the gateway and
     * the ingress route). Readiness holds what the service needs to answer: the database everywhere, Kafka only in
     * mail-service, whose work is consuming; the API services stay ready through a Kafka outage.
     */
    @Test
    @Order(2)
    void healthAndMetricsAnswerOnTheManagementPortOnly() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (SuiteService service : SuiteService.values()) {
            int port = fleet.ports().get(service);
            int management = ServiceEnvironment.managementPort(port);
            HttpResponse<String> ready = get(http, management, "/q/health/ready");
            assertEquals(200, ready.statusCode(), service + ": " + ready.body());
            JsonObject health = new JsonObject(ready.body());
            Set<String> checks = health.getJsonArray("checks").stream()
                    .map(c -> ((JsonObject) c).getString("name")).collect(Collectors.toSet());
            assertTrue(checks.contains("Reactive PostgreSQL connections health check"), service + ": " + checks);
            assertEquals(service == SuiteService.MAIL, checks.contains("Kafka connection health check"), service
                    + ": Kafka in readiness only where the work is consuming: " + checks);
            assertEquals(200, get(http, management, "/q/health/live").statusCode(), service + ": liveness");
            HttpResponse<String> metrics = get(http, management, "/q/metrics");
            assertEquals(200, metrics.statusCode(), service + ": metrics");
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), service + ": Prometheus metrics");
            for (String path : List.of("/q/health/ready", "/q/health/live", "/q/metrics")) {
                assertEquals(404, get(http, port, path).statusCode(), service + ": " + path + " on the API port");
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Every public event type, from a user's whole life and an invitee's: each step waits for its event before the
     * next, so the order on the topic is the order of the steps even where two services publish (each service's
     * relay keeps its own events in commit order; see docs/events.md). No record carries a password, a token or a
     * hash.
     */
    @Test
    @Order(9)
    void aWholeLifecycleIsOnThePublicTopicInOrderWithNoSecrets() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String life = "life-" + suffix + "@example.com";
        String moved = "moved-" + suffix + "@example.com";
        String invitee = "invitee-" + suffix + "@example.com";
        String firstPassword = "first lifecycle password";
        String secondPassword = "second lifecycle password";
        List<String> secrets = new ArrayList<>(List.of(firstPassword, secondPassword));
        List<String> expected = new ArrayList<>();

        String id = ok(call("POST", "/signup", "application/json", new JsonObject().put("email", life)
                .put("password", firstPassword).encode())).json().getString("id");
        awaitEvents(id, expected, EventType.SIGNUP);

        String confirmation = awaitToken(life, "confirmation_token", secrets);
        JsonObject tokens = ok(call("POST", "/verify", "application/json",
                new JsonObject().put("type", "signup").put("token", confirmation).encode())).json();
        keepSecrets(tokens, secrets);
        awaitEvents(id, expected, EventType.CONFIRMED);

        tokens = ok(call("POST", "/token", "application/x-www-form-urlencoded", "grant_type=password&username="
                + URLEncoder.encode(life, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(firstPassword, StandardCharsets.UTF_8))).json();
        keepSecrets(tokens, secrets);
        awaitEvents(id, expected, EventType.LOGIN);

        String rotatedOut = tokens.getString("refresh_token");
        tokens = ok(call("POST", "/token", "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + rotatedOut)).json();
        keepSecrets(tokens, secrets);
        awaitEvents(id, expected, EventType.TOKEN_REFRESHED);

        // A rotated-out token used again revokes its session, the newest refresh token included, and the session's
        // access tokens stop working on /user (one of them may be a thief's).
        Reply reused = call("POST", "/token", "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + rotatedOut);
        assertEquals(400, reused.status(), reused.describe());
        awaitEvents(id, expected, EventType.SESSION_REVOKED);
        Reply newest = call("POST", "/token", "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + tokens.getString("refresh_token"));
        assertEquals(400, newest.status(), newest.describe());
        assertGoTrueError(call("PUT", "/user", "application/json",
                new JsonObject().put("password", "a thief's password").encode(),
                "Authorization", "Bearer " + tokens.getString("access_token")), 401);

        tokens = ok(call("POST", "/token", "application/x-www-form-urlencoded", "grant_type=password&username="
                + URLEncoder.encode(life, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(firstPassword, StandardCharsets.UTF_8))).json();
        keepSecrets(tokens, secrets);
        awaitEvents(id, expected, EventType.LOGIN);
        String bearer = "Bearer " + tokens.getString("access_token");
        ok(call("PUT", "/user", "application/json", new JsonObject().put("data", new JsonObject().put("plan", "pro"))
                .encode(), "Authorization", bearer));
        awaitEvents(id, expected, EventType.USER_UPDATED);

        ok(call("PUT", "/user", "application/json", new JsonObject().put("password", secondPassword).encode(),
                "Authorization", bearer));
        awaitEvents(id, expected, EventType.PASSWORD_CHANGED);
        awaitSubject(life, "Your password has been changed");

        ok(call("POST", "/recover", "application/json", new JsonObject().put("email", life).encode()));
        awaitEvents(id, expected, EventType.RECOVERY_REQUESTED);
        String recovery = awaitToken(life, "recovery_token", secrets);
        tokens = ok(call("POST", "/verify", "application/json",
                new JsonObject().put("type", "recovery").put("token", recovery).encode())).json();
        keepSecrets(tokens, secrets);
        bearer = "Bearer " + tokens.getString("access_token");

        ok(call("PUT", "/user", "application/json", new JsonObject().put("email", moved).encode(),
                "Authorization", bearer));
        awaitEvents(id, expected, EventType.EMAIL_CHANGE_REQUESTED);
        String fromNew = awaitToken(moved, "email_change_token", secrets);
        String fromCurrent = awaitToken(life, "email_change_token", secrets);
        assertEquals(life, ok(call("PUT", "/user", "application/json",
                new JsonObject().put("email_change_token", fromCurrent).encode(), "Authorization", bearer)).json()
                .getString("email"), "one of the two links does not move the account");
        assertEquals(moved, ok(call("PUT", "/user", "application/json",
                new JsonObject().put("email_change_token", fromNew).encode(), "Authorization", bearer)).json()
                .getString("email"));
        awaitEvents(id, expected, EventType.EMAIL_CHANGED);
        awaitSubject(life, "Your email address has been changed");

        Reply logout = call("POST", "/logout", null, null, "Authorization", bearer);
        assertEquals(204, logout.status(), logout.describe());
        awaitEvents(id, expected, EventType.LOGOUT);

        ok(call("DELETE", "/admin/users/" + id, null, null, "Authorization", "Bearer " + OPERATOR_TOKEN));
        awaitEvents(id, expected, EventType.USER_DELETED);

        List<String> invited = new ArrayList<>();
        String inviteeId = ok(call("POST", "/invite", "application/json",
                new JsonObject().put("email", invitee).encode(), "Authorization", "Bearer " + OPERATOR_TOKEN))
                .json().getString("id");
        awaitEvents(inviteeId, invited, EventType.INVITED);
        String invite = awaitToken(invitee, "invite_token", secrets);
        keepSecrets(ok(call("POST", "/verify", "application/json", new JsonObject().put("type", "signup")
                .put("token", invite).put("password", firstPassword).encode())).json(), secrets);
        awaitEvents(inviteeId, invited, EventType.CONFIRMED, EventType.INVITE_ACCEPTED);

        List<ConsumerRecord<String, String>> records = eventsOf(Set.of(id, inviteeId), expected.size() + invited.size());
        assertEquals(Arrays.stream(EventType.values()).map(EventType::type).collect(Collectors.toSet()),
                typesFor(records), "every public event type was seen");
        for (ConsumerRecord<String, String> record : records) {
            secrets.forEach(secret -> assertFalse(record.value().contains(secret),
                    "a password or token in " + record.value()));
            assertFalse(record.value().matches("(?s).*\\$2[aby]?\\$\\d\\d\\$.*"), "a bcrypt hash in " + record.value());
            assertNoSecretFields(new JsonObject(record.value()), record.value());
        }
    }

    /**
     * A logout of every session, or of every other one, ends the access tokens of the sessions it ends: a token
     * stolen from one of them stops reading and changing the account at once, not an hour later, and cannot sign
     * the owner out; a local logout ends its own session's token alike.
     */
    @Test
    @Order(10)
    void aLogoutEndsTheAccessTokensOfTheSessionsItEnds() throws Exception {
        String person = "logout-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String secret = "a logout test password";
        ok(call("POST", "/signup", "application/json",
                new JsonObject().put("email", person).put("password", secret).encode()));
        String confirmation = awaitToken(person, "confirmation_token", new ArrayList<>());
        String phone = ok(call("POST", "/verify", "application/json",
                new JsonObject().put("type", "signup").put("token", confirmation).encode())).json()
                .getString("access_token");
        String grant = "grant_type=password&username=" + URLEncoder.encode(person, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String laptop = ok(call("POST", "/token", "application/x-www-form-urlencoded", grant)).json()
                .getString("access_token");
        JsonObject tablet = ok(call("POST", "/token", "application/x-www-form-urlencoded", grant)).json();

        Reply others = call("POST", "/logout?scope=others", null, null, "Authorization", "Bearer " + laptop);
        assertEquals(204, others.status(), others.describe());
        ok(call("GET", "/user", null, null, "Authorization", "Bearer " + laptop));
        for (String ended : List.of(phone, tablet.getString("access_token"))) {
            assertGoTrueError(call("GET", "/user", null, null, "Authorization", "Bearer " + ended), 401);
            assertGoTrueError(call("PUT", "/user", "application/json",
                    new JsonObject().put("password", "a thief's password").encode(), "Authorization", "Bearer " + ended),
                    401);
        }
        Reply refresh = call("POST", "/token", "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + tablet.getString("refresh_token"));
        assertEquals(400, refresh.status(), refresh.describe());
        // An ended session's token signs nobody out.
        assertGoTrueError(call("POST", "/logout", null, null, "Authorization", "Bearer " + phone), 401);
        ok(call("GET", "/user", null, null, "Authorization", "Bearer " + laptop));

        // A local logout ends its own session's access token too.
        String desk = ok(call("POST", "/token", "application/x-www-form-urlencoded", grant)).json()
                .getString("access_token");
        Reply local = call("POST", "/logout?scope=local", null, null, "Authorization", "Bearer " + desk);
        assertEquals(204, local.status(), local.describe());
        assertGoTrueError(call("GET", "/user", null, null, "Authorization", "Bearer " + desk), 401);
        ok(call("GET", "/user", null, null, "Authorization", "Bearer " + laptop));

        Reply global = call("POST", "/logout", null, null, "Authorization", "Bearer " + laptop);
        assertEquals(204, global.status(), global.describe());
        assertGoTrueError(call("GET", "/user", null, null, "Authorization", "Bearer " + laptop), 401);
        String again = ok(call("POST", "/token", "application/x-www-form-urlencoded", grant)).json()
                .getString("access_token");
        assertEquals(person, ok(call("GET", "/user", null, null, "Authorization", "Bearer " + again)).json()
                .getString("email"), "a new sign-in after a logout works");
    }

    /** Waits until the user's events on the topic are the expected ones plus {@code next}, in that order. */
    private void awaitEvents(String userId, List<String> expected, EventType... next) {
        for (EventType type : next) {
            expected.add(type.type());
        }
        List<ConsumerRecord<String, String>> seen = stack.awaitRecords(Topic.EVENTS,
                records -> typesInOrder(records, userId).size() >= expected.size(), ASYNC_TIMEOUT);
        assertEquals(expected, typesInOrder(seen, userId), "events of " + userId);
    }

    private static List<String> typesInOrder(List<ConsumerRecord<String, String>> records, String userId) {
        return records.stream().filter(r -> userId.equals(r.key()))
                .map(r -> new JsonObject(r.value()).getString("type")).toList();
    }

    private List<ConsumerRecord<String, String>> eventsOf(Set<String> userIds, int count) {
        return stack.awaitRecords(Topic.EVENTS,
                records -> records.stream().filter(r -> userIds.contains(r.key())).count() >= count, ASYNC_TIMEOUT)
                .stream().filter(r -> userIds.contains(r.key())).toList();
    }

    private static void assertNoSecretFields(JsonObject object, String record) {
        for (String name : object.fieldNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            assertFalse(lower.contains("password") || lower.contains("token") || lower.contains("hash")
                    || lower.contains("secret"), "field " + name + " in " + record);
            if (object.getValue(name) instanceof JsonObject nested) {
                assertNoSecretFields(nested, record);
            }
        }
    }

    private static void keepSecrets(JsonObject tokens, List<String> secrets) {
        secrets.add(tokens.getString("access_token"));
        secrets.add(tokens.getString("refresh_token"));
    }

    /** The token of the newest mail to {@code to} whose link carries {@code #<key>=}. */
    private String awaitToken(String to, String key, List<String> secrets) {
        String token = E2e.awaitLinkToken(inbox, base, to, key, ASYNC_TIMEOUT);
        secrets.add(token);
        return token;
    }

    private void awaitSubject(String to, String subject) {
        Poll.until("no mail \"" + subject + "\" to " + to, ASYNC_TIMEOUT).every(Duration.ofMillis(250))
                .check(() -> inbox.messages(to).stream().anyMatch(m -> subject.equals(m.subject())));
    }

    // --- the steps' vocabulary ---

    private String passwordGrant() {
        return "grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    private void assertTokenBody(JsonObject tokens) {
        assertEquals(Set.of("access_token", "token_type", "expires_in", "refresh_token"), tokens.fieldNames(),
                tokens.encode());
        assertEquals("bearer", tokens.getString("token_type"));
        assertEquals(JWT_EXP, tokens.getLong("expires_in"));
        assertFalse(tokens.getString("refresh_token").isBlank());
        issuedSecrets.put("refresh token " + issuedSecrets.size(), tokens.getString("refresh_token"));
    }

    /** Reference §4: HS256 with the configured secret, GoTrue's header and GoTrue's claims plus session_id. */
    private void assertAccessToken(String token) throws Exception {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.HMAC_SHA256)
                .setRequireExpirationTime()
                .setRequireSubject()
                .setSkipDefaultAudienceValidation()
                .build();
        JwtContext context = consumer.process(token);
        JsonWebStructure jws = context.getJoseObjects().get(0);
        assertEquals("HS256", jws.getAlgorithmHeaderValue());
        assertEquals("JWT", jws.getHeader("typ"));
        assertEquals("nf-ident", jws.getKeyIdHeaderValue());

        JwtClaims claims = context.getJwtClaims();
        // session_id and session_epoch were added on purpose (docs/compatibility.md); GoTrue's clients ignore them.
        assertEquals(Set.of("sub", "exp", "email", "app_metadata", "user_metadata", "session_id", "session_epoch"),
                claims.getClaimNames(), "GoTrue's claims plus session_id and session_epoch (no aud when empty, no iat,"
                        + " iss, jti, nbf or role): " + claims.toJson());
        assertTrue(claims.getStringClaimValue("session_id").matches("[0-9a-f-]{36}"), claims.toJson());
        assertEquals(userId, claims.getSubject());
        assertEquals(email, claims.getStringClaimValue("email"));
        long expectedExp = Instant.now().getEpochSecond() + JWT_EXP;
        long exp = claims.getExpirationTime().getValue();
        assertTrue(Math.abs(exp - expectedExp) < 120, "exp " + exp + " should be about now + " + JWT_EXP);
        assertEquals(Map.of("provider", "email"), claims.getClaimValue("app_metadata"));
        assertEquals(Map.of("full_name", "E2E Tester"), claims.getClaimValue("user_metadata"));
    }

    private static Set<String> typesFor(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> new JsonObject(r.value()).getString("type")).collect(Collectors.toSet());
    }

    private InboxMessage awaitMail(String to) {
        InboxMessage[] found = new InboxMessage[1];
        Poll.until("no mail to " + to + " arrived (service logs in target/e2e-logs)", ASYNC_TIMEOUT)
                .every(Duration.ofMillis(250))
                .check(() -> {
                    List<InboxMessage> mails = inbox.messages(to);
                    found[0] = mails.isEmpty() ? null : mails.get(0);
                    return found[0] != null;
                });
        return found[0];
    }

    /** GoTrue's HTTPError: exactly {@code code} (the status) and {@code msg}. */
    private static void assertGoTrueError(Reply reply, int status) {
        assertEquals(status, reply.status(), reply.describe());
        assertClientError(reply);
    }

    private static void assertClientError(Reply reply) {
        assertTrue(reply.status() >= 400 && reply.status() < 500, "want a 4xx: " + reply.describe());
        JsonObject body = reply.json();
        if (body.containsKey("error")) {
            // The OAuth shape, only /token uses it.
            assertTrue(Set.of("error", "error_description").containsAll(body.fieldNames()), reply.describe());
            return;
        }
        assertEquals(Set.of("code", "msg"), body.fieldNames(), reply.describe());
        assertEquals(reply.status(), body.getInteger("code"), reply.describe());
        assertNotEquals("", body.getString("msg"), reply.describe());
    }

    private Reply call(String method, String path, String contentType, String body, String... headers)
            throws IOException, InterruptedException {
        return api.call(method, path, contentType, body, headers);
    }
}
