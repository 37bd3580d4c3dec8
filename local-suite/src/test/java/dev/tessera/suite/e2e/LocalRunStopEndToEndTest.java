package dev.tessera.suite.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.platform.testing.TestDatabase;
import dev.tessera.suite.LocalSuite;
import dev.tessera.suite.SuiteException;
import dev.tessera.suite.e2e.PublicApi.Reply;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.JavaCommand;
import dev.tessera.suite.process.Poll;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The local run stopped and started again as a person at a terminal does it. The launcher runs as {@code ./run.sh}
 * runs it, with its own broker, in a process group of its own like a terminal's foreground job, and is stopped with
 * SIGINT to that whole group, which is what Ctrl-C sends (or SIGHUP, what a closing terminal sends, where the build
 * runs with SIGINT ignored and the launcher inherits that).
 *
 * <ul>
 * <li>The broker hears only the launcher's SIGTERM, and only after every service has exited: the terminal's SIGINT
 * does not reach it, so the services' last offset commits find it up.</li>
 * <li>Started again on the same broker data, each consumer group of the first run (mail-service's, hook-service's,
 * user-service's audit) has the new processes as its only members within 10 s of the banner, and the first
 * signup's mail arrives within 10 s of its answer. Before, each group waited about 20 s for the first run's member
 * to time out (45 s after the broker's start), and the first mail came some 20 s after the signup; now it takes
 * 2 to 3 s, the cold start of the outbox relay and of the first mail.</li>
 * </ul>
 *
 * <p>The run directory (TESSERA_RUN_DIR: the services' and the broker's logs) is a new
 * {@code local-suite/target/e2e-run/local-run-stop-<id>/} each time; the launcher's own output goes to
 * {@code local-suite/target/e2e-logs/local-run-stop/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalRunStopEndToEndTest {

    private static final Path LOGS = Path.of("target", "e2e-logs", "local-run-stop").toAbsolutePath();
    private static final Duration START = Duration.ofMinutes(5);
    /** Well under the 20 s the first run's members used to hold their groups, with room for a loaded machine. */
    private static final Duration PROMPT = Duration.ofSeconds(10);
    private static final Pattern SERVICE_PID = Pattern.compile("(?m)^(\\S+) is ready on \\S+ \\(pid (\\d+)\\)$");
    private static final Pattern BROKER_PID = Pattern.compile("broker started here, pid (\\d+)");
    /** Each consumer group and the service whose process is its member. */
    private static final Map<String, SuiteService> GROUPS = Map.of("mail-service", SuiteService.MAIL,
            "hook-service", SuiteService.HOOK, "user-service-audit", SuiteService.USER);

    private final HttpClient http = HttpClient.newHttpClient();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    /** A fresh one per test run (broker data, logs, secrets), kept for reading after a failure. */
    private final Path runDir = Path.of("target", "e2e-run", "local-run-stop-" + run).toAbsolutePath();
    private TestDatabase database;
    private Map<String, String> env;
    private PublicApi api;
    private String inbox;
    private String bootstrap;
    private ChildProcess launcher;

    @BeforeAll
    void settings() throws Exception {
        Files.createDirectories(LOGS);
        database = TestDatabase.create();
        env = new HashMap<>(E2e.inheritedEnvironment());
        Map<String, Integer> ports = new TreeMap<>();
        for (String variable : List.of("TESSERA_PORT", "TESSERA_INBOX_PORT", "TESSERA_SMTP_PORT",
                "TESSERA_KAFKA_PORT", "TESSERA_KAFKA_CONTROLLER_PORT")) {
            ports.put(variable, E2e.freePort());
        }
        for (SuiteService service : SuiteService.values()) {
            ports.put(service.portVariable(), E2e.freePort());
        }
        ports.forEach((variable, port) -> env.put(variable, String.valueOf(port)));
        env.put("DATABASE_URL", database.databaseUrl());
        env.put("TESSERA_RUN_DIR", runDir.toString());
        env.put("GOTRUE_MAILER_AUTOCONFIRM", "false");
        api = new PublicApi("http://localhost:" + ports.get("TESSERA_PORT"), runDir.resolve("logs"));
        inbox = "http://localhost:" + ports.get("TESSERA_INBOX_PORT");
        bootstrap = "127.0.0.1:" + ports.get("TESSERA_KAFKA_PORT");
    }

    @AfterAll
    void stop() throws Exception {
        if (launcher != null && launcher.isAlive()) {
            launcher.stop(Duration.ofSeconds(90));
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void ctrlCStopsTheServicesBeforeTheBrokerAndTheNextStartHasNoStaleMembers() throws Exception {
        String first = start("launcher-1");
        signUpAndAwaitMail("first-" + run + "@example.com", START);
        Map<String, Set<String>> firstMembers = new TreeMap<>();
        try (Admin admin = E2e.admin(bootstrap)) {
            awaitOneMemberEach(admin, START, Map.of(), firstMembers);
        }

        Map<String, ProcessHandle> processes = servicePids(first);
        processes.put("kafka", ProcessHandle.of(brokerPid(first)).orElseThrow());
        String signal = terminalSignal(launcher);
        toForegroundJob(launcher, signal);
        Map<String, Instant> gone = awaitExits(processes, Duration.ofMinutes(2));
        assertTrue(launcher.waitFor(Duration.ofMinutes(1)), "the launcher stops on Ctrl-C: " + launcher.tail(30));
        processes.keySet().stream().filter(name -> !name.equals("kafka")).forEach(service -> assertTrue(
                gone.get(service).isBefore(gone.get("kafka")), service + " exited after the broker: " + gone));
        String brokerLog = Files.readString(runDir.resolve("logs/kafka.log"));
        assertFalse(brokerLog.contains("due to signal SIG" + signal), "the terminal's SIG" + signal
                + " reached the broker:\n" + signalLines(brokerLog));
        assertTrue(brokerLog.contains("due to signal SIGTERM"), "the launcher stops the broker with SIGTERM:\n"
                + signalLines(brokerLog));

        start("launcher-2");
        try (Admin admin = E2e.admin(bootstrap)) {
            // Only the new processes: none of the first run's members is left to wait for.
            awaitOneMemberEach(admin, PROMPT, firstMembers, new TreeMap<>());
            for (String group : GROUPS.keySet()) {
                MemberDescription member = stableMembers(admin, group).get(0);
                assertEquals(GROUPS.get(group).module(), member.groupInstanceId().orElse(null), group
                        + ": the process's name is its static member name");
            }
        }
        signUpAndAwaitMail("second-" + run + "@example.com", PROMPT);

        toForegroundJob(launcher, terminalSignal(launcher));
        assertTrue(launcher.waitFor(Duration.ofMinutes(2)), "the launcher stops on Ctrl-C: " + launcher.tail(30));
    }

    /** Starts the launcher in a process group of its own, as a shell starts a foreground job; returns its output. */
    private String start(String name) throws Exception {
        Path classes = Path.of(LocalSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path lib = classes.resolveSibling("lib");
        assertTrue(Files.isDirectory(lib), lib + " is missing: the launcher needs the Kafka jars there");
        List<String> command = JavaCommand.of(List.of("-Xmx256m"), "-cp", classes + java.io.File.pathSeparator
                + lib.resolve("*"), LocalSuite.class.getName(), "run", "--root", E2e.repoRoot().toString(),
                "--exit-with", String.valueOf(ProcessHandle.current().pid()));
        launcher = ChildProcess.startInOwnSession(name, command, env, E2e.repoRoot(), LOGS.resolve(name + ".log"));
        ChildProcess started = launcher;
        Poll.until(name + " did not start (" + started.log() + ")", START).every(Duration.ofMillis(500))
                .abortWhen(started.onExit(), () -> "it exited: " + started.tail(60))
                .check(() -> Files.readString(started.log()).contains("Press Ctrl-C to stop everything."));
        return Files.readString(started.log());
    }

    /**
     * What a terminal sends its foreground job: SIGINT for Ctrl-C; SIGHUP, as when the terminal closes, if the
     * launcher ignores SIGINT, which it inherits from a build started as a background job of a non-interactive shell.
     */
    private static String terminalSignal(ChildProcess launcher) throws Exception {
        String ignored = Files.readAllLines(Path.of("/proc", String.valueOf(launcher.pid()), "status")).stream()
                .filter(line -> line.startsWith("SigIgn:")).findFirst().orElseThrow().substring(7).trim();
        boolean sigintIgnored = (Long.parseUnsignedLong(ignored, 16) & (1L << (2 - 1))) != 0;
        return sigintIgnored ? "HUP" : "INT";
    }

    /** The signal to every process of the launcher's process group, as a terminal sends it to its foreground job. */
    private static void toForegroundJob(ChildProcess launcher, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + launcher.pid()).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " -" + launcher.pid());
    }

    /** Signs up through the gateway and waits up to {@code within}, from the answer, for the mail. */
    private void signUpAndAwaitMail(String address, Duration within) throws Exception {
        Reply reply = api.call("POST", "/signup", "application/json", new JsonObject().put("email", address)
                .put("password", "correct horse battery staple").encode());
        assertEquals(200, reply.status(), reply.describe());
        HttpRequest mails = HttpRequest.newBuilder(URI.create(inbox + "/api/messages?to="
                + URLEncoder.encode(address, StandardCharsets.UTF_8))).GET().build();
        Poll.until("the mail to " + address + " within " + within.toSeconds() + " s of the signup's answer (logs in "
                + runDir.resolve("logs") + ")", within).every(Duration.ofMillis(100))
                .check(() -> !new JsonArray(http.send(mails, HttpResponse.BodyHandlers.ofString()).body()).isEmpty());
    }

    /**
     * Waits up to {@code within} until every group is stable with one member (one process per service here), and
     * that one is not among {@code gone} (group to member ids); fills {@code members} with what it saw last.
     */
    private static void awaitOneMemberEach(Admin admin, Duration within, Map<String, Set<String>> gone,
            Map<String, Set<String>> members) {
        try {
            Poll.until("stable consumer groups", within).every(Duration.ofMillis(100)).check(() -> {
                members.clear();
                for (String group : GROUPS.keySet()) {
                    members.put(group, stableMembers(admin, group).stream().map(MemberDescription::consumerId)
                            .collect(Collectors.toSet()));
                }
                return members.entrySet().stream().allMatch(e -> e.getValue().size() == 1
                        && !gone.getOrDefault(e.getKey(), Set.of()).containsAll(e.getValue()));
            });
        } catch (SuiteException e) {
            throw new AssertionError("the consumer groups were not stable with one new member each within "
                    + within.toSeconds() + " s: " + members + (gone.isEmpty() ? "" : ", the first run's: " + gone), e);
        }
    }

    /**
     * Watches the processes every 20 ms until all have exited, and answers when each was first seen gone (a
     * process that is not a child is only polled by {@link ProcessHandle#onExit}, at growing intervals).
     */
    private static Map<String, Instant> awaitExits(Map<String, ProcessHandle> processes, Duration timeout)
            throws InterruptedException {
        Map<String, Instant> gone = new TreeMap<>();
        Instant deadline = Instant.now().plus(timeout);
        while (gone.size() < processes.size()) {
            assertTrue(Instant.now().isBefore(deadline), "still running after " + timeout.toSeconds() + " s: "
                    + processes.keySet().stream().filter(name -> !gone.containsKey(name)).toList());
            Instant now = Instant.now();
            processes.forEach((name, process) -> {
                if (!gone.containsKey(name) && !process.isAlive()) {
                    gone.put(name, now);
                }
            });
            Thread.sleep(20);
        }
        return gone;
    }

    /** The members of a stable group, none while it is rebalancing or empty. */
    private static List<MemberDescription> stableMembers(Admin admin, String group) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                .get(10, TimeUnit.SECONDS).get(group);
        return description.groupState() == GroupState.STABLE ? List.copyOf(description.members()) : List.of();
    }

    private static Map<String, ProcessHandle> servicePids(String output) {
        Map<String, ProcessHandle> pids = new TreeMap<>();
        Matcher m = SERVICE_PID.matcher(output);
        while (m.find()) {
            pids.put(m.group(1), ProcessHandle.of(Long.parseLong(m.group(2))).orElseThrow());
        }
        assertEquals(SuiteService.values().length, pids.size(), output);
        return pids;
    }

    private static long brokerPid(String output) {
        Matcher m = BROKER_PID.matcher(output);
        assertTrue(m.find(), output);
        return Long.parseLong(m.group(1));
    }

    private static String signalLines(String log) {
        return log.lines().filter(line -> line.contains("signal")).collect(Collectors.joining("\n"));
    }
}
