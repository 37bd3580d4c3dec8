package dev.tessera.suite.e2e;

import static dev.tessera.suite.e2e.PublicApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.suite.e2e.PublicApi.Reply;
import dev.tessera.suite.gateway.AccessLog;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.mail.InboxMessage;
import dev.tessera.suite.mail.MailInbox;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.Poll;
import dev.tessera.suite.service.LocalSecrets;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.ServiceFleet;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Horizontal scaling on one machine: two replicas of every service, behind the gateway (round robin, the answering
 * replica named in {@code X-Tessera-Upstream}) and behind one balancer per service for the internal calls, as a
 * Kubernetes Service would be. Consecutive requests land on different replicas, and the flows still hold: signup,
 * the confirmation mail, confirmation, login, refresh rotation and logout, with each step served by another replica
 * than the one before. The Kafka consumers of each service form one consumer group with both replicas as members,
 * every mail is sent exactly once, and the login lockout holds across replicas. The replicas share their rate-limit
 * counts, and the gateway names the client whatever the client forwards.
 *
 * <p>
 * Service logs are in {@code local-suite/target/e2e-logs/scaling/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HorizontalScalingTest {

    private static final int REPLICAS = 2;
    private static final String SECRET = "e2e-secret-only-for-the-scaling-test-0123456789abcdef";
    private static final String OPERATOR_TOKEN = "e2e-operator-token-scaling";
    private static final Duration ASYNC_TIMEOUT = Duration.ofSeconds(120);
    private static final int SIGNUPS = 12;
    private static final int VERIFY_PER_CLIENT = 6;
    private static final Path LOGS = Path.of("target", "e2e-logs", "scaling").toAbsolutePath();

    private TestStack stack;
    private Vertx vertx;
    private final List<Gateway> balancers = new ArrayList<>();
    private ServiceFleet fleet;
    private Gateway gateway;
    private MailInbox inbox;
    private String base;
    private PublicApi api;
    /** The replica that answered the previous request of each service through the gateway. */
    private final Map<String, String> lastReplica = new HashMap<>();
    /** Every replica that answered, per service. */
    private final Map<String, Set<String>> seenReplicas = new TreeMap<>();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String email = "scale-" + run + "@example.com";
    private final String password = "correct horse battery staple";

    @BeforeAll
    void startSuite() {
        Path root = E2e.repoRoot();
        stack = TestStack.start(true);
        inbox = MailInbox.of(stack.greenMail());
        int gatewayPort = E2e.freePort();
        base = "http://localhost:" + gatewayPort;
        api = new PublicApi(base, LOGS);

        Map<SuiteService, Integer> internalAddresses = E2e.freePorts();
        Map<SuiteService, List<Integer>> replicaPorts = E2e.freeReplicaPorts(REPLICAS);
        Map<String, String> env = ServiceEnvironment.compose(E2e.inheritedEnvironment(),
                new ServiceEnvironment.Infrastructure(stack.database().databaseUrl(), stack.bootstrapServers(),
                        stack.topicPrefix(), "127.0.0.1", stack.smtpPort(), base),
                internalAddresses, LocalSecrets.given(SECRET, OPERATOR_TOKEN));
        env.put("GOTRUE_MAILER_AUTOCONFIRM", "false");
        env.put("GOTRUE_SITE_URL", base);
        env.put("GOTRUE_RATE_LIMIT_VERIFY", VERIFY_PER_CLIENT + "/1h");

        vertx = Vertx.vertx();
        internalAddresses.forEach((service, port) -> balancers.add(Gateway.balancer(vertx, port, service,
                replicaPorts.get(service), AccessLog.to(LOGS.resolve(service.module() + "-balancer.log")))));
        fleet = ServiceFleet.start(new ServiceFleet.Launch(root, replicaPorts, env, E2e.JVM_OPTIONS, LOGS,
                Duration.ofMinutes(6)), line -> {
                });
        gateway = Gateway.startReplicated(vertx, "localhost", gatewayPort, fleet.replicaPorts(),
                AccessLog.to(LOGS.resolve("gateway.log")));
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(gateway);
        balancers.forEach(Gateway::close);
        E2e.closeInOrder(E2e.closing(vertx), fleet, stack);
    }

    @Test
    @Order(1)
    void everyServiceRunsTwiceAndEachConsumerGroupHasBothReplicasAsMembers() throws Exception {
        for (SuiteService service : SuiteService.values()) {
            List<ChildProcess> processes = fleet.processes(service);
            assertEquals(REPLICAS, processes.size(), service.module());
            processes.forEach(p -> assertTrue(p.isAlive(), p.name() + " is not running"));
        }
        // mail-service's group reads the mail requests; user-service's audit projection and hook-service's background
        // deliveries read the event stream.
        Map<String, Topic> groups = new LinkedHashMap<>();
        groups.put(stack.topicPrefix() + "mail-service", Topic.MAIL);
        groups.put(stack.topicPrefix() + "user-service-audit", Topic.EVENTS);
        groups.put(stack.topicPrefix() + "hook-service", Topic.EVENTS);
        try (Admin admin = admin()) {
            Map<String, List<MemberDescription>> members = new TreeMap<>();
            Poll.until("each consumer group has " + REPLICAS + " members sharing the partitions", ASYNC_TIMEOUT)
                    .every(Duration.ofMillis(500))
                    .check(() -> {
                        members.clear();
                        for (Map.Entry<String, Topic> group : groups.entrySet()) {
                            members.put(group.getKey(), membersReading(admin, group.getKey(), stack.topic(group
                                    .getValue())));
                        }
                        return members.values().stream().allMatch(list -> list.size() == REPLICAS
                                && list.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty()));
                    });
            members.forEach((group, list) -> {
                Set<TopicPartition> assigned = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
                list.forEach(m -> m.assignment().topicPartitions().forEach(tp -> assertTrue(assigned.add(tp),
                        group + ": " + tp + " is assigned twice")));
                Topic topic = groups.get(group);
                assertEquals(topic.partitions(), assigned.stream().filter(tp -> tp.topic().equals(stack.topic(
                        topic))).count(), group + ": every partition of " + stack.topic(topic) + " is read");
            });
        }
    }

    @Test
    @Order(2)
    void consecutiveRequestsLandOnDifferentReplicas() throws Exception {
        for (int i = 0; i < 4; i++) {
            for (String path : List.of("/settings", "/.netlify/identity/settings", "/health")) {
                ok(call("GET", path, null, null));
            }
        }
        assertEquals(Set.of("auth-service-1", "auth-service-2"), seenReplicas.get("auth-service"));
    }

    @Test
    @Order(3)
    void signupConfirmationLoginRefreshAndLogoutWorkAcrossReplicas() throws Exception {
        JsonObject user = ok(call("POST", "/signup", "application/json", new JsonObject().put("email", email)
                .put("password", password).put("data", new JsonObject().put("full_name", "Scale Tester")).encode()))
                .json();
        String userId = user.getString("id");
        assertNotNull(userId);

        // The other user-service replica answers next (here a GoTrue 4xx for a bad address).
        Reply badAddress = call("POST", "/.netlify/identity/signup", "application/json", new JsonObject()
                .put("email", "not-an-email").put("password", password).encode());
        assertTrue(badAddress.status() >= 400 && badAddress.status() < 500, badAddress.describe());

        InboxMessage mail = awaitMails(email, 1).get(0);
        String prefix = base + "/#confirmation_token=";
        String token = mail.links().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.substring(prefix.length()))
                .orElseThrow(() -> new AssertionError("no confirmation link in " + mail.links()));

        Reply early = call("POST", "/token", "application/x-www-form-urlencoded", passwordGrant());
        assertEquals(400, early.status(), early.describe());

        String verify = new JsonObject().put("type", "signup").put("token", token).encode();
        JsonObject verified = ok(call("POST", "/verify", "application/json", verify)).json();
        assertNotNull(verified.getString("access_token"));
        Reply replay = call("POST", "/verify", "application/json", verify);
        assertEquals(404, replay.status(), "a token confirms once, whichever replica is asked: " + replay.describe());

        JsonObject login = ok(call("POST", "/token", "application/x-www-form-urlencoded", passwordGrant())).json();
        String first = login.getString("refresh_token");
        JsonObject rotated = ok(call("POST", "/token", "application/x-www-form-urlencoded", refreshGrant(first)))
                .json();
        String second = rotated.getString("refresh_token");
        assertNotEquals(first, second);
        JsonObject rotatedAgain = ok(call("POST", "/.netlify/identity/token", "application/x-www-form-urlencoded",
                refreshGrant(second))).json();
        String third = rotatedAgain.getString("refresh_token");
        String access = rotatedAgain.getString("access_token");

        for (int i = 0; i < 2; i++) {
            JsonObject me = ok(call("GET", "/user", null, null, "Authorization", "Bearer " + access)).json();
            assertEquals(userId, me.getString("id"));
            assertNotNull(me.getString("confirmed_at"), me.encode());
        }

        Reply logout = call("POST", "/logout", null, null, "Authorization", "Bearer " + access);
        assertEquals(204, logout.status(), logout.describe());
        for (String revoked : List.of(third, first)) {
            Reply refused = call("POST", "/token", "application/x-www-form-urlencoded", refreshGrant(revoked));
            assertEquals(400, refused.status(), "after logout and rotation: " + refused.describe());
            assertEquals("invalid_grant", refused.json().getString("error"), refused.describe());
        }

        // The environment ./run.sh composes makes the run's operator token an admin credential.
        JsonObject listed = ok(call("GET", "/admin/users?filter=" + URLEncoder.encode(email, StandardCharsets.UTF_8),
                null, null, "Authorization", "Bearer " + OPERATOR_TOKEN)).json();
        assertTrue(listed.getJsonArray("users").stream()
                .anyMatch(listedUser -> userId.equals(((JsonObject) listedUser).getString("id"))), listed.encode());
        assertEquals(Set.of("auth-service-1", "auth-service-2"), seenReplicas.get("auth-service"));
        assertEquals(Set.of("user-service-1", "user-service-2"), seenReplicas.get("user-service"));
    }

    @Test
    @Order(4)
    void everyMailIsSentExactlyOnce() throws Exception {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < SIGNUPS; i++) {
            String to = "scale-" + run + "-" + i + "@example.com";
            recipients.add(to);
            ok(call("POST", i % 2 == 0 ? "/signup" : "/.netlify/identity/signup", "application/json",
                    new JsonObject().put("email", to).put("password", password).encode()));
        }
        for (String to : recipients) {
            awaitMails(to, 1);
        }
        // Once the group has committed every mail request, a duplicate would already have been sent.
        String group = stack.topicPrefix() + "mail-service";
        try (Admin admin = admin()) {
            Poll.until(group + " commits every record of " + stack.topic(Topic.MAIL), ASYNC_TIMEOUT)
                    .every(Duration.ofMillis(500))
                    .check(() -> E2e.lag(admin, group, stack.topic(Topic.MAIL)) == 0);
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (String to : recipients) {
            counts.put(to, inbox.messages(to).size());
        }
        counts.put(email, inbox.messages(email).size());
        Map<String, Integer> expected = new TreeMap<>();
        recipients.forEach(to -> expected.put(to, 1));
        expected.put(email, 1);
        assertEquals(expected, counts, "mails per recipient");
        assertEquals(Set.of("user-service-1", "user-service-2"), seenReplicas.get("user-service"));
    }

    @Test
    @Order(5)
    void theReplicasShareTheirRateLimitsAndTheGatewayNamesTheClient() throws Exception {
        // A client of its own (another loopback address) that forges X-Forwarded-For on every request: the gateway
        // names the connection's peer instead, so the allowance per client address is that peer's, on every replica.
        int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
        Set<String> replicas = new TreeSet<>();
        for (int i = 0; i < VERIFY_PER_CLIENT; i++) {
            TestClients.Answer answer = TestClients.from("127.0.0.5", port, "POST", "/verify", "application/json",
                    new JsonObject().put("type", "signup").put("token", "forged-" + i).encode(),
                    TestClients.FORWARDED_FOR, TestClients.address());
            assertEquals(404, answer.status(), answer.body());
            replicas.add(answer.header(Gateway.UPSTREAM_HEADER));
        }
        assertEquals(Set.of("auth-service-1", "auth-service-2"), replicas);
        TestClients.Answer refused = TestClients.from("127.0.0.5", port, "POST", "/verify", "application/json",
                new JsonObject().put("type", "signup").put("token", "forged").encode(),
                TestClients.FORWARDED_FOR, TestClients.address());
        assertEquals(429, refused.status(), refused.body());
        assertNotNull(refused.header("Retry-After"));
    }

    /**
     * Fifty wrong passwords for one account at once, spread over both auth-service replicas and, behind the balancer,
     * both user-service replicas: the lockout reserves each attempt in PostgreSQL before the password is checked, so
     * no more than its limit (10 by default) are checked, and the rest answer 429 with Retry-After through
     * auth-service.
     */
    @Test
    @Order(6)
    void parallelPasswordGuessesAcrossReplicasAreCheckedNoMoreOftenThanTheLockoutAllows() throws Exception {
        List<Callable<Reply>> guesses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String guess = "grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
                    + "&password=wrong-guess-" + i;
            guesses.add(() -> api.call("POST", "/token", "application/x-www-form-urlencoded", guess));
        }
        ExecutorService clients = Executors.newFixedThreadPool(25);
        List<Reply> replies = new ArrayList<>();
        try {
            for (Future<Reply> reply : clients.invokeAll(guesses)) {
                replies.add(reply.get());
            }
        } finally {
            clients.shutdownNow();
        }
        long checked = 0;
        for (Reply reply : replies) {
            if (reply.status() == 400) {
                assertEquals("invalid_grant", reply.json().getString("error"), reply.describe());
                checked++;
            } else {
                assertEquals(429, reply.status(), reply.describe());
                assertEquals(429, reply.json().getInteger("code"), reply.describe());
                assertNotNull(reply.retryAfter(), "Retry-After passes through auth-service: " + reply.describe());
                assertTrue(Long.parseLong(reply.retryAfter()) >= 1, reply.describe());
            }
        }
        assertTrue(checked >= 1 && checked <= 10, checked + " passwords checked: "
                + replies.stream().map(Reply::describe).toList());
        assertEquals(Set.of("auth-service-1", "auth-service-2"),
                replies.stream().map(Reply::replica).collect(Collectors.toSet()));

        Reply right = api.call("POST", "/token", "application/x-www-form-urlencoded", passwordGrant());
        assertEquals(429, right.status(), "locked, the right password waits too: " + right.describe());
    }

    // --- requests ---

    private String passwordGrant() {
        return "grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    private static String refreshGrant(String token) {
        return "grant_type=refresh_token&refresh_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    /**
     * One request through the gateway. The replica that answers must differ from the one that answered the
     * previous request to the same service: consecutive requests land on different replicas.
     */
    private Reply call(String method, String path, String contentType, String body, String... headers)
            throws IOException, InterruptedException {
        Reply reply = api.call(method, path, contentType, body, headers);
        assertNotNull(reply.replica(), "the gateway names the replica: " + reply.describe());
        String service = reply.replica().substring(0, reply.replica().lastIndexOf('-'));
        String previous = lastReplica.put(service, reply.replica());
        assertNotEquals(previous, reply.replica(), "two consecutive " + service + " requests on one replica: "
                + reply.describe());
        seenReplicas.computeIfAbsent(service, s -> new TreeSet<>()).add(reply.replica());
        return reply;
    }

    private List<InboxMessage> awaitMails(String to, int count) {
        List<InboxMessage> found = new ArrayList<>();
        Poll.until(count + " mail(s) to " + to + " (logs in " + LOGS + ")", ASYNC_TIMEOUT)
                .every(Duration.ofMillis(250))
                .check(() -> {
                    found.clear();
                    found.addAll(inbox.messages(to));
                    return found.size() >= count;
                });
        return found;
    }

    // --- Kafka ---

    private Admin admin() {
        return E2e.admin(stack.bootstrapServers());
    }

    /** The members of {@code group} that are assigned partitions of {@code topic}. */
    private static List<MemberDescription> membersReading(Admin admin, String group, String topic) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                .get(30, TimeUnit.SECONDS).get(group);
        return description.members().stream().filter(m -> m.assignment().topicPartitions().stream()
                .anyMatch(tp -> tp.topic().equals(topic))).collect(Collectors.toList());
    }
}
