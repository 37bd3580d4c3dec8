package dev.tessera.suite.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.tessera.platform.event.Topic;
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
 * Nothing lost, nothing sent twice: the four services as separate processes behind the gateway, signups through the
 * public base URL, and the failures mail delivery must ride out.
 *
 * <ol>
 * <li>The SMTP server is stopped during 100 signups and started again: every address gets its confirmation mail
 * once, each link confirms, nothing is dead-lettered, and only the requests being sent when the server stopped (at
 * most one per lane) wait out the outage in retries.</li>
 * <li>mail-service is killed (SIGKILL) while signups and mails are flowing and started again: every address gets
 * its mail, and no request the ledger had recorded is mailed again although the restarted service reads every one
 * of them again.</li>
 * <li>mail-service is killed again during traffic and started again at once under the same name: the next signup's
 * mail arrives within 5 s of the restarted service being ready. The restart is the same static member of the
 * consumer group, so it takes the partitions over at once instead of waiting for the killed member's session to
 * expire (45 s with Kafka's defaults, 10 s with Tessera's).</li>
 * </ol>
 *
 * <p>The one duplicate that can happen is named, not hidden. mail-service records a request in its ledger after the
 * SMTP server accepted the mail; a kill between the two leaves an accepted mail without a ledger row, and the
 * redelivered request is mailed again (with the same Message-ID). At most {@link #MAIL_CONCURRENCY} requests are sent
 * at once, so at most that many can be in that window. The second step expects exactly that: two copies for a
 * request mailed before the kill whose ledger row was written only after the restart, one copy for every other
 * address.
 *
 * <p>The suite runs with its own GreenMail on a fixed port so the test can stop and restart it. Service logs go to
 * {@code local-suite/target/e2e-logs/mail-reliability/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MailReliabilityEndToEndTest {

    private static final String SECRET = "e2e-secret-only-for-the-mail-reliability-test-0123456789";
    private static final Path LOGS = Path.of("target", "e2e-logs", "mail-reliability").toAbsolutePath();
    private static final Duration ASYNC = Duration.ofSeconds(180);
    private static final int OUTAGE_SIGNUPS = 100;
    private static final int STREAM_SIGNUPS = 60;
    /** Mails already out when mail-service is killed: the stream has started and is far from done. */
    private static final int KILL_AFTER_MAILS = 15;
    /** Signups flowing while mail-service is killed the second time. */
    private static final int TRAFFIC_SIGNUPS = 20;
    private static final String MAIL_CHANNEL = "mp.messaging.incoming.mail-requests.";
    /** Users' mails sent side by side by one mail-service ({@code TESSERA_MAIL_CONCURRENCY}, its default). */
    private static final int MAIL_CONCURRENCY = 4;
    /** Every mail-service process of the test is the same member of its group, as a pod's restarts are. */
    private static final String MAIL_INSTANCE = "mail-service";
    /** The bound: from the restarted mail-service being ready to the next signup's mail in the inbox. */
    private static final Duration RESUMED_WITHIN = Duration.ofSeconds(5);

    private TestStack stack;
    private ServiceFleet fleet;
    private Vertx vertx;
    private Gateway gateway;
    private PublicApi api;
    private final HttpClient http = HttpClient.newHttpClient();
    private Path root;
    private Map<SuiteService, Integer> ports;
    private Map<String, String> env;
    private int smtpPort;
    private volatile MailInbox inbox;
    private ChildProcess mailService;
    private ChildProcess restartedMailService;
    private ChildProcess mailServiceAfterSecondKill;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String password = "correct horse battery staple";
    private final List<String> outageAddresses = addresses("outage", OUTAGE_SIGNUPS);
    private final List<String> streamAddresses = addresses("stream", STREAM_SIGNUPS);

    @BeforeAll
    void startSuite() {
        root = E2e.repoRoot();
        stack = TestStack.start(false);
        smtpPort = portOutsideTheEphemeralRange();
        inbox = MailInbox.start("127.0.0.1", smtpPort);
        int gatewayPort = E2e.freePort();
        api = new PublicApi("http://localhost:" + gatewayPort, LOGS);
        ports = new EnumMap<>(SuiteService.class);
        for (SuiteService service : SuiteService.values()) {
            ports.put(service, E2e.freePort());
        }
        env = ServiceEnvironment.compose(E2e.inheritedEnvironment(),
                new ServiceEnvironment.Infrastructure(stack.database().databaseUrl(), stack.bootstrapServers(),
                        stack.topicPrefix(), "127.0.0.1", smtpPort, api.base()),
                ports, LocalSecrets.given(SECRET, "e2e-operator-token-mail-reliability"));
        env.put("GOTRUE_SITE_URL", api.base());
        env.put("GOTRUE_MAILER_AUTOCONFIRM", "false");
        // The SMTP outage of the first step must fit in one request's retry series, or that request is
        // dead-lettered: 60 attempts, the waits growing from 250 ms to 1 s, are about a minute of refused
        // connections (a refused connection fails at once). The attempt timeout is generous because an attempt that
        // times out on a slow machine after the server took the mail is sent again.
        env.put("TESSERA_MAIL_RETRY_ATTEMPTS", "60");
        env.put("TESSERA_MAIL_RETRY_INITIAL_BACKOFF", "250ms");
        env.put("TESSERA_MAIL_RETRY_MAX_BACKOFF", "1s");
        env.put("TESSERA_MAIL_SMTP_TIMEOUT", "10s");
        env.put("TESSERA_MAIL_CONCURRENCY", String.valueOf(MAIL_CONCURRENCY));
        // 160 signups from one client address, each mailed and confirmed: more than a real site's allowance per
        // address allows (/verify's is 150 in 5 minutes, which the class's confirmations exceed when they come fast).
        env.put("TESSERA_RATE_LIMIT_SIGNUP_PER_CLIENT", "1000/1h");
        env.put("GOTRUE_RATE_LIMIT_EMAIL_SENT", "1000/1h");
        env.put("GOTRUE_RATE_LIMIT_VERIFY", "1000/1h");

        // mail-service runs outside the fleet: it alone gets the consumer setting below, which the other
        // services would read as the configuration of a channel they do not have.
        List<String> neverCommitting = new ArrayList<>(E2e.JVM_OPTIONS);
        // The mail-service to be killed commits no offset at all (instead of one every 5 s), so every request it
        // handled comes back to its successor: the ledger, not a lucky commit, must keep them from being mailed
        // twice.
        neverCommitting.add("-D" + MAIL_CHANNEL + "auto.commit.interval.ms=3600000");
        mailService = E2e.startService(root, SuiteService.MAIL, neverCommitting, env, ports.get(SuiteService.MAIL),
                LOGS, MAIL_INSTANCE, "mail-service");
        Map<SuiteService, Integer> others = new EnumMap<>(ports);
        others.remove(SuiteService.MAIL);
        fleet = ServiceFleet.start(ServiceFleet.Launch.oneEach(root, others, env, E2e.JVM_OPTIONS, LOGS,
                Duration.ofMinutes(4)), line -> {
                });
        E2e.awaitReady(http, SuiteService.MAIL, mailService, ports.get(SuiteService.MAIL));
        vertx = Vertx.vertx();
        gateway = Gateway.start(vertx, "localhost", gatewayPort, ports, AccessLog.to(LOGS.resolve("gateway.log")));
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(gateway, E2e.closing(vertx), mailService, restartedMailService, mailServiceAfterSecondKill,
                fleet, inbox, stack);
    }

    @Test
    @Order(1)
    void smtpStoppedDuringAHundredSignupsThenRestartedEveryMailArrivesOnce() throws Exception {
        inbox.close();

        Map<String, String> users = signUp(outageAddresses, 4);
        assertEquals(OUTAGE_SIGNUPS, users.size());
        Poll.until("mail-service tried the stopped SMTP server (" + mailService.log() + ")", ASYNC)
                .every(Duration.ofMillis(200))
                .check(() -> Files.readString(mailService.log()).contains("SMTP attempt 2 of"));
        assertEquals(Map.of(), ledger(outageAddresses), "nothing is recorded, as failed or otherwise, while SMTP is"
                + " down and the retries last");

        inbox = MailInbox.start("127.0.0.1", smtpPort);

        Map<String, SentRow> rows = awaitMailedAndRecorded(outageAddresses);
        Map<String, List<InboxMessage>> mails = mailsByRecipient();
        assertMailCounts(once(outageAddresses), mails, "mails per address");
        assertEachMailIsItsRequest(mails, rows, outageAddresses);
        assertTrue(rows.values().stream().allMatch(row -> row.status().equals("SENT")), rows.toString());
        assertNoDeadLetters();
        assertOnlyTheLanesHeadsMetTheOutage(rows);
        for (String address : outageAddresses) {
            assertConfirms(mails.get(address).get(0), users.get(address));
        }
    }

    @Test
    @Order(2)
    void mailServiceKilledMidStreamAndRestartedNothingLostNothingRecordedSentAgain() throws Exception {
        assertTrue(mailService.isAlive(), "mail-service runs before the kill");
        ExecutorService stream = Executors.newSingleThreadExecutor();
        try {
            Future<Map<String, String>> signups = stream.submit(() -> signUp(streamAddresses, 1));
            Poll.until(KILL_AFTER_MAILS + " mails of the stream arrived", ASYNC).every(Duration.ofMillis(20))
                    .check(() -> mailed(streamAddresses) >= KILL_AFTER_MAILS);
            ProcessHandle.of(mailService.pid()).ifPresent(ProcessHandle::destroyForcibly);
            assertTrue(mailService.waitFor(Duration.ofSeconds(30)), "mail-service is gone");

            long mailedAtKill = mailed(streamAddresses);
            assertTrue(mailedAtKill < STREAM_SIGNUPS, "killed mid-stream: " + mailedAtKill + " of " + STREAM_SIGNUPS);
            String group = stack.topicPrefix() + "mail-service";
            try (Admin admin = E2e.admin(stack.bootstrapServers())) {
                long committed = E2e.committed(admin, group, stack.topic(Topic.MAIL));
                long recorded = ledger(outageAddresses).size() + ledger(streamAddresses).size();
                assertTrue(committed < recorded, "requests recorded as sent whose offsets were not committed come"
                        + " back after the restart: " + committed + " committed, " + recorded + " recorded");
            }

            // Signups go on while mail-service is down; their requests wait on the topic.
            Map<String, String> users = signups.get(3, TimeUnit.MINUTES);
            assertEquals(STREAM_SIGNUPS, users.size());

            Instant restart = Instant.now();
            restartedMailService = E2e.startService(root, SuiteService.MAIL, E2e.JVM_OPTIONS, env,
                    ports.get(SuiteService.MAIL), LOGS, MAIL_INSTANCE, "mail-service-restarted");
            E2e.awaitReady(http, SuiteService.MAIL, restartedMailService, ports.get(SuiteService.MAIL));

            // Once the group has committed every request, whatever the successor would send has been sent.
            try (Admin admin = E2e.admin(stack.bootstrapServers())) {
                Poll.until("the restarted mail-service works through every request (" + restartedMailService.log()
                        + ")", ASYNC).every(Duration.ofMillis(500))
                        .check(() -> mailed(streamAddresses) == STREAM_SIGNUPS
                                && E2e.lag(admin, group, stack.topic(Topic.MAIL)) == 0);
            }
            Map<String, SentRow> rows = ledger(streamAddresses);
            Map<String, List<InboxMessage>> mails = mailsByRecipient();

            Map<String, Integer> expected = new TreeMap<>();
            List<String> inTheWindow = new ArrayList<>();
            for (String address : streamAddresses) {
                SentRow row = rows.get(address);
                assertNotNull(row, "a ledger row for " + address);
                long beforeRestart = mails.getOrDefault(address, List.of()).stream()
                        .filter(m -> m.receivedAt().isBefore(restart)).count();
                boolean recordedOnlyAfterRestart = !row.createdAt().isBefore(restart);
                if (beforeRestart == 1 && recordedOnlyAfterRestart) {
                    // Accepted by SMTP, killed before the ledger row committed: the successor mails it again.
                    inTheWindow.add(address);
                    expected.put(address, 2);
                } else {
                    expected.put(address, 1);
                }
            }
            assertMailCounts(expected, mails, "mails per address (in the crash window: " + inTheWindow + ")");
            assertTrue(inTheWindow.size() <= MAIL_CONCURRENCY, "at most one request per lane can be between SMTP and"
                    + " the ledger: " + inTheWindow);
            assertMailCounts(once(outageAddresses), mails,
                    "the first step's requests, all read again by the successor, are not mailed again");
            assertEachMailIsItsRequest(mails, rows, streamAddresses);
            assertNoDeadLetters();
            for (String address : streamAddresses) {
                assertConfirms(mails.get(address).get(0), users.get(address));
            }
        } finally {
            stream.shutdownNow();
        }
    }

    @Test
    @Order(3)
    void mailServiceKilledDuringTrafficAndRestartedTheNextSignupIsMailedWithinFiveSeconds() throws Exception {
        assertTrue(restartedMailService != null && restartedMailService.isAlive(), "mail-service runs before the kill");
        List<String> traffic = addresses("traffic", TRAFFIC_SIGNUPS);
        ExecutorService stream = Executors.newSingleThreadExecutor();
        try {
            Future<Map<String, String>> signups = stream.submit(() -> signUp(traffic, 1));
            Poll.until("the traffic's first mails arrived", ASYNC).every(Duration.ofMillis(20))
                    .check(() -> mailed(traffic) >= 3);
            ProcessHandle.of(restartedMailService.pid()).ifPresent(ProcessHandle::destroyForcibly);
            assertTrue(restartedMailService.waitFor(Duration.ofSeconds(30)), "mail-service is gone");
            assertTrue(mailed(traffic) < TRAFFIC_SIGNUPS, "killed during the traffic");

            Instant restart = Instant.now();
            mailServiceAfterSecondKill = E2e.startService(root, SuiteService.MAIL, E2e.JVM_OPTIONS, env,
                    ports.get(SuiteService.MAIL), LOGS, MAIL_INSTANCE, "mail-service-after-second-kill");
            E2e.awaitReady(http, SuiteService.MAIL, mailServiceAfterSecondKill, ports.get(SuiteService.MAIL));
            Instant ready = Instant.now();

            String next = "next-" + run + "@example.com";
            Map<String, String> user = signUp(List.of(next), 1);
            Poll.until("the next signup's mail (" + mailServiceAfterSecondKill.log() + ")", ASYNC)
                    .every(Duration.ofMillis(50)).check(() -> mailed(List.of(next)) == 1);
            Instant mailed = mailsByRecipient().get(next).get(0).receivedAt();
            Duration afterReady = Duration.between(ready, mailed);
            assertTrue(afterReady.compareTo(RESUMED_WITHIN) <= 0, "the next signup's mail arrived "
                    + afterReady.toMillis() + " ms after the restarted mail-service was ready ("
                    + Duration.between(restart, mailed).toMillis() + " ms after it was started), not within "
                    + RESUMED_WITHIN.toSeconds() + " s (" + mailServiceAfterSecondKill.log() + ")");
            assertConfirms(mailsByRecipient().get(next).get(0), user.get(next));

            assertEquals(TRAFFIC_SIGNUPS, signups.get(3, TimeUnit.MINUTES).size());
            Poll.until("every signup of the traffic mailed", ASYNC).every(Duration.ofMillis(250))
                    .check(() -> mailed(traffic) == TRAFFIC_SIGNUPS);
            assertNoDeadLetters();
        } finally {
            stream.shutdownNow();
        }
    }

    // --- signups and what they lead to ---

    private List<String> addresses(String step, int count) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add(step + "-" + run + "-" + i + "@example.com");
        }
        return addresses;
    }

    /** Signs every address up through the gateway, {@code parallel} at a time; answers address to user id. */
    private Map<String, String> signUp(List<String> addresses, int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (String address : addresses) {
                String body = new JsonObject().put("email", address).put("password", password).encode();
                replies.add(pool.submit(() -> api.call("POST", "/signup", "application/json", body)));
            }
            Map<String, String> users = new LinkedHashMap<>();
            for (int i = 0; i < addresses.size(); i++) {
                Reply reply = replies.get(i).get(2, TimeUnit.MINUTES);
                assertEquals(200, reply.status(), reply.describe());
                assertNotNull(reply.json().getString("confirmation_sent_at"), reply.describe());
                users.put(addresses.get(i), reply.json().getString("id"));
            }
            return users;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The link in the mail confirms its user, once. */
    private void assertConfirms(InboxMessage mail, String userId) throws Exception {
        String prefix = api.base() + "/#confirmation_token=";
        String token = mail.links().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> l.substring(prefix.length()))
                .orElseThrow(() -> new AssertionError("no confirmation link in " + mail.links()));
        Reply verified = api.call("POST", "/verify", "application/json",
                new JsonObject().put("type", "signup").put("token", token).encode());
        assertEquals(200, verified.status(), verified.describe());
        assertNotNull(verified.json().getString("access_token"), verified.describe());
        Reply user = api.call("GET", "/user", null, null, "Authorization",
                "Bearer " + verified.json().getString("access_token"));
        assertEquals(200, user.status(), user.describe());
        assertEquals(userId, user.json().getString("id"), user.describe());
        assertNotNull(user.json().getString("confirmed_at"), user.describe());
    }

    private Map<String, List<InboxMessage>> mailsByRecipient() {
        Map<String, List<InboxMessage>> byRecipient = new HashMap<>();
        for (InboxMessage mail : inbox.messages(null)) {
            mail.to().forEach(to -> byRecipient.computeIfAbsent(to.toLowerCase(java.util.Locale.ROOT),
                    t -> new ArrayList<>()).add(mail));
        }
        return byRecipient;
    }

    /** How many of {@code addresses} have at least one mail. */
    private long mailed(List<String> addresses) {
        Map<String, List<InboxMessage>> mails = mailsByRecipient();
        return addresses.stream().filter(mails::containsKey).count();
    }

    /** Fails naming every address whose number of mails is not the expected one. */
    private static void assertMailCounts(Map<String, Integer> expected, Map<String, List<InboxMessage>> mails,
            String what) {
        Map<String, String> wrong = new TreeMap<>();
        expected.forEach((address, count) -> {
            int got = mails.getOrDefault(address, List.of()).size();
            if (got != count) {
                wrong.put(address, got + " mail(s) instead of " + count);
            }
        });
        assertEquals(Map.of(), wrong, what + ", of " + expected.size() + " addresses");
    }

    private static Map<String, Integer> once(List<String> addresses) {
        Map<String, Integer> once = new TreeMap<>();
        addresses.forEach(a -> once.put(a, 1));
        return once;
    }

    private Map<String, SentRow> awaitMailedAndRecorded(List<String> addresses) {
        Map<String, SentRow> rows = new HashMap<>();
        Poll.until("every address mailed and recorded (logs in " + LOGS + ")", ASYNC).every(Duration.ofMillis(250))
                .check(() -> {
                    rows.clear();
                    rows.putAll(ledger(addresses));
                    return rows.size() == addresses.size() && mailed(addresses) == addresses.size();
                });
        return rows;
    }

    /** Every mail carries the Message-ID the ledger recorded for its address's request. */
    private static void assertEachMailIsItsRequest(Map<String, List<InboxMessage>> mails, Map<String, SentRow> rows,
            List<String> addresses) {
        for (String address : addresses) {
            for (InboxMessage mail : mails.get(address)) {
                assertEquals(rows.get(address).messageId(), mail.id(), address);
            }
        }
    }

    private void assertNoDeadLetters() throws Exception {
        try (Admin admin = E2e.admin(stack.bootstrapServers())) {
            assertEquals(0, E2e.endOffsets(admin, stack.topic(Topic.MAIL_DEAD_LETTER)), "dead-lettered requests");
        }
    }

    /**
     * Requests are handled in partition order, so while the head of a partition waits for SMTP the rest of the
     * partition waits behind it: each partition is mailed in offset order, and the requests that met the outage (the
     * two refused attempts the test waited for, and more) are heads of their partitions; the others found SMTP back
     * when their turn came.
     */
    /**
     * The stopped server held up only the requests being sent when it stopped, one per lane (their retries met the
     * outage); the stream waited behind them, so every later request went out at its first or second attempt once
     * the server was back. Each address is its own user here, so there is no order of one user's mails to check.
     */
    private static void assertOnlyTheLanesHeadsMetTheOutage(Map<String, SentRow> rows) {
        List<SentRow> metTheOutage = rows.values().stream().filter(row -> row.attempts() > 2).toList();
        assertFalse(metTheOutage.isEmpty(), "the outage was met by retries: " + rows.values());
        assertTrue(metTheOutage.size() <= MAIL_CONCURRENCY, "at most one request per lane met the outage: "
                + metTheOutage);
    }

    // --- the sent-mail ledger ---

    record SentRow(UUID requestId, String recipient, String status, int attempts, String messageId,
            Instant createdAt, Instant sentAt) {
    }

    /** mail-service's ledger rows for {@code recipients}, by recipient (one request each here). */
    private Map<String, SentRow> ledger(Collection<String> recipients) throws Exception {
        Map<String, SentRow> rows = new HashMap<>();
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("select request_id, recipient,"
                + " status, attempts, message_id, created_at, sent_at from mail.sent_mail where recipient = any(?)")) {
            s.setArray(1, c.createArrayOf("text", recipients.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime sentAt = rs.getObject(7, OffsetDateTime.class);
                    SentRow row = new SentRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getInt(4), rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
                            sentAt == null ? null : sentAt.toInstant());
                    SentRow other = rows.put(row.recipient(), row);
                    assertEquals(null, other, "one mail request per signup: " + row + " and " + other);
                }
            }
        }
        return rows;
    }

    // --- setup ---

    /**
     * A port for the SMTP server that stays free while the server is stopped: below the ephemeral range, so no
     * outgoing connection takes it in the meantime.
     */
    private static int portOutsideTheEphemeralRange() {
        for (int tries = 0; tries < 100; tries++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            try (ServerSocket socket = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000");
    }
}
