package dev.tessera.suite.faults;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.tessera.platform.event.EventType;
import dev.tessera.platform.event.Topic;
import dev.tessera.suite.SuiteException;
import dev.tessera.suite.SuiteSettings;
import dev.tessera.suite.gateway.AccessLog;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.kafka.KafkaBroker;
import dev.tessera.suite.kafka.KafkaTopics;
import dev.tessera.suite.process.Cleanup;
import dev.tessera.suite.process.JavaCommand;
import dev.tessera.suite.service.LocalSecrets;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.ServiceFleet;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The fault suite ({@code local-suite.jar faults}, {@code faults/run.sh}): a suite of its own (its own broker,
 * database, SMTP server, function host and ports; two replicas of auth-service and user-service) under steady
 * client traffic, while it kills and restarts the broker, stops and starts the SMTP server, SIGKILLs mail-service and
 * hook-service, cuts PostgreSQL off for 10 s and SIGKILLs one replica of auth-service and one of user-service. Then
 * it prints one table ({@link FaultReport}) and exits non-zero only when a mail, an event or a background hook was
 * lost.
 */
public final class FaultSuite {

    private static final Duration CALM = Duration.ofSeconds(5);
    private static final Duration DRAIN = Duration.ofSeconds(180);
    /**
     * How long the probe after hook-service's fault waits for its signup's background hook. hook-service works through
     * the events of the time it was away first (several users at once, TESSERA_HOOKS_BACKGROUND_CONCURRENCY); a wait
     * long enough to see that backlog end tells a slow recovery from one that never comes (a stalled consumer).
     */
    private static final Duration HOOK_WAIT = Duration.ofSeconds(180);
    /**
     * Users that must have been through the whole flow before the first fault: five seconds' arrivals at the default
     * rate, enough that every service has served each of its steps (and loaded, linked and JIT-compiled what they
     * use) on every replica the balancers reach.
     */
    private static final int WARM_USERS = 25;
    private static final Duration WARM_UP_CEILING = Duration.ofMinutes(10);

    private final Path repoRoot;
    private final Map<String, String> env;
    private final PrintStream out;
    private final Cleanup cleanup;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<FaultWindow> faults = new ArrayList<>();

    private KafkaBroker broker;
    private KafkaBroker.Settings brokerSettings;
    private MailLedger mails;
    private FunctionHost functions;
    private DatabaseGate databaseGate;
    private ServiceFleet fleet;
    private Traffic traffic;
    private String databaseName;
    private String adminJdbc;

    private FaultSuite(Path repoRoot, Map<String, String> env, PrintStream out) {
        this.repoRoot = repoRoot;
        this.env = env;
        this.out = out;
        this.cleanup = new Cleanup(this::say);
    }

    /** Runs the fault suite; answers the process's exit code (1: something was lost). */
    public static int run(Path repoRoot, Map<String, String> env, PrintStream out, Path libDirectory) {
        FaultSuite suite = new FaultSuite(repoRoot.toAbsolutePath().normalize(), env, out);
        Thread stopper = new Thread(suite.cleanup::closeAll, "fault-suite-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(suite::uncaught);
        try {
            return suite.execute(libDirectory);
        } finally {
            suite.cleanup.closeAll();
            Runtime.getRuntime().removeShutdownHook(stopper);
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    /**
     * GreenMail ends a connection its client dropped by letting the connection's thread die with a stack trace; the
     * suite drops them on purpose (it SIGKILLs mail-service mid-send), so one line says it. Anything else keeps its
     * whole trace.
     */
    private void uncaught(Thread thread, Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (thread.getName().startsWith("smtp:") && root instanceof SocketException) {
            say("  SMTP connection " + thread.getName() + " ended by its client (" + root.getMessage() + ")");
            return;
        }
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        failure.printStackTrace();
    }

    private int execute(Path libDirectory) {
        int users = intSetting("TESSERA_FAULTS_USERS", 1000);
        double rate = Double.parseDouble(env.getOrDefault("TESSERA_FAULTS_RATE", "5"));
        int clients = intSetting("TESSERA_FAULTS_CONCURRENT_USERS", 200);
        String postgresHost = env.getOrDefault("TESSERA_FAULTS_POSTGRES_HOST", "127.0.0.1");
        int postgresPort = intSetting("TESSERA_FAULTS_POSTGRES_PORT", 5432);
        Path runDir = repoRoot.resolve("local-suite/target/faults/" + run);
        Path logs = runDir.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServiceFleet.requireBuilt(repoRoot, List.of(SuiteService.values()));
        say("Fault suite run " + run + ": " + users + " users arriving at " + rate + "/s, at most " + clients
                + " at once; logs in "
                + logs);

        createDatabase(postgresHost, postgresPort);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
        cleanup.add("Vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS));
        databaseGate = cleanup.add("database gate", DatabaseGate.open(vertx, SuiteSettings.freeLoopbackPort(),
                postgresHost, postgresPort));
        brokerSettings = new KafkaBroker.Settings(runDir.resolve("kafka"), SuiteSettings.freeLoopbackPort(),
                SuiteSettings.freeLoopbackPort(), libDirectory,
                logs.resolve("kafka.log"), JavaCommand.options(env.getOrDefault("TESSERA_KAFKA_JAVA_OPTS",
                        SuiteSettings.DEFAULT_KAFKA_JAVA_OPTS)), Duration.ofMinutes(3));
        broker = KafkaBroker.start(brokerSettings);
        cleanup.add("Kafka broker", () -> broker.close());
        KafkaTopics.ensure(broker.bootstrapServers(), "", Duration.ofSeconds(60));
        mails = cleanup.add("SMTP server", MailLedger.start(SuiteSettings.freeLoopbackPort()));
        functions = cleanup.add("function host", FunctionHost.start(vertx));

        int gatewayPort = SuiteSettings.freeLoopbackPort();
        String base = "http://127.0.0.1:" + gatewayPort;
        Map<SuiteService, Integer> internal = new EnumMap<>(SuiteService.class);
        Map<SuiteService, List<Integer>> replicas = new EnumMap<>(SuiteService.class);
        for (SuiteService service : SuiteService.values()) {
            int count = service == SuiteService.AUTH || service == SuiteService.USER ? 2 : 1;
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ports.add(SuiteSettings.freeLoopbackPort());
            }
            replicas.put(service, ports);
            internal.put(service, count == 1 ? ports.get(0) : SuiteSettings.freeLoopbackPort());
        }
        Map<String, String> serviceEnv = ServiceEnvironment.compose(env, new ServiceEnvironment.Infrastructure(
                "postgres://postgres@127.0.0.1:" + databaseGate.port() + "/" + databaseName,
                broker.bootstrapServers(), "", "127.0.0.1", mails.port(), base), internal,
                LocalSecrets.given(randomSecret(), randomSecret()));
        serviceEnv.put("GOTRUE_MAILER_AUTOCONFIRM", "false");
        serviceEnv.put("GOTRUE_SITE_URL", base);
        serviceEnv.put("TESSERA_FUNCTIONS_URL", functions.url());
        serviceEnv.put("TESSERA_FUNCTIONS_IDENTITY", FunctionHost.FUNCTIONS);
        serviceEnv.put("TESSERA_HOOKS_ALLOW_PRIVATE_TARGETS", "true");
        // Every client of the run is this machine, and a client retries a step through a fault many times: the limits
        // per address, account, token and recipient are defences the run is not about.
        for (String limit : List.of("TESSERA_RATE_LIMIT_SIGNUP_PER_CLIENT", "TESSERA_RATE_LIMIT_SIGNUP_PER_EMAIL",
                "GOTRUE_RATE_LIMIT_EMAIL_SENT", "TESSERA_RATE_LIMIT_MAIL_PER_RECIPIENT", "GOTRUE_RATE_LIMIT_VERIFY",
                "TESSERA_RATE_LIMIT_VERIFY_PER_TOKEN", "TESSERA_RATE_LIMIT_PASSWORD_PER_CLIENT",
                "TESSERA_RATE_LIMIT_PASSWORD_PER_ACCOUNT")) {
            serviceEnv.put(limit, "1000000/1h");
        }
        // Six JVMs share the server's connections (PostgreSQL's default is 100, a few kept for superusers), as a
        // deployment's replicas do (docs/deploy.md, connection budget): with the shipped reactive pools (20 for auth-
        // and user-service) two replicas of each and their JDBC pools come to 112, and a cold start under traffic
        // grows every pool at once until the server refuses ("too many clients already") and requests get 503s.
        // Ten each, 72 with JDBC, leaves room for the suite's own connections and another run's.
        serviceEnv.putIfAbsent("QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE", "10");
        // JDBC serves only Flyway at startup and the readiness check: a longer wait for its first connection lets six
        // JVMs start at once on a busy machine, and changes nothing a client sees.
        serviceEnv.put("QUARKUS_DATASOURCE_JDBC_ACQUISITION_TIMEOUT", "60S");
        // The run measures faults, not password hashing: the tests' cost keeps it within its time on two cores.
        serviceEnv.putIfAbsent("TESSERA_PASSWORD_BCRYPT_COST", "4");
        replicas.forEach((service, ports) -> {
            if (ports.size() > 1) {
                cleanup.add(service.module() + " balancer", Gateway.balancer(vertx, internal.get(service), service,
                        ports, AccessLog.to(logs.resolve(service.module() + "-balancer.log"))));
            }
        });
        say("Starting 2 x auth-service, 2 x user-service, hook-service and mail-service ...");
        ServiceFleet.Launch launch = new ServiceFleet.Launch(repoRoot, replicas, serviceEnv,
                JavaCommand.options(env.getOrDefault("TESSERA_SERVICE_JAVA_OPTS",
                        SuiteSettings.DEFAULT_SERVICE_JAVA_OPTS)), logs, Duration.ofMinutes(5));
        fleet = cleanup.add("services", startFleet(launch));
        cleanup.add("gateway", Gateway.startReplicated(vertx, "127.0.0.1", gatewayPort, fleet.replicaPorts(),
                AccessLog.to(logs.resolve("gateway.log"))));

        traffic = new Traffic(base, run, mails);
        Instant trafficStarted = Instant.now();
        traffic.start(clients, rate);
        FaultWindow warmUp = warmUp(base);
        pause(CALM);

        injectFaults();

        say("Faults done; traffic goes on until " + users + " users have finished (" + traffic.finishedUsers()
                + " so far) ...");
        waitUntil(() -> traffic.finishedUsers() >= users, Duration.ofMinutes(15));
        try {
            traffic.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Instant trafficEnded = Instant.now();
        say("Traffic stopped; waiting for every mail, event and background hook ...");
        FaultReport report = drain();
        String table = report.table(traffic, warmUp, faults, Duration.between(trafficStarted, trafficEnded));
        if (report.lost()) {
            table += lossTrail(report, logs);
        }
        out.print(table);
        out.flush();
        writeReport(runDir.resolve("report.txt"), table);
        return report.lost() ? 1 : 0;
    }

    /**
     * Starts the services, a second time if the first fails: six JVMs starting at once on a busy 2-core machine can
     * take longer than a service's 5 s wait for its first database connection, and the run measures faults, not
     * that.
     */
    private ServiceFleet startFleet(ServiceFleet.Launch launch) {
        try {
            return ServiceFleet.start(launch, this::say);
        } catch (SuiteException e) {
            say("The services did not all start (" + e.getMessage().lines().findFirst().orElse("")
                    + "); once more ...");
            return ServiceFleet.start(launch, this::say);
        }
    }

    /**
     * Waits until the first {@link #WARM_USERS} users have been through signup, mail, confirmation and login. Services
     * that just became ready are still cold (class loading, first queries parsed, consumers joining their groups), and
     * on a busy machine that takes minutes: a fault injected then measures start-up, not the fault. Answers the
     * warm-up as a window of its own, so that its failed requests are counted apart from the steady state's.
     */
    private FaultWindow warmUp(String base) {
        Instant started = Instant.now();
        say("Traffic started through " + base + "; warming up until " + WARM_USERS
                + " users have been through the whole flow ...");
        waitUntil(() -> traffic.completedUsers() >= WARM_USERS, WARM_UP_CEILING);
        Instant warm = Instant.now();
        if (traffic.completedUsers() < WARM_USERS) {
            throw new SuiteException("the services did not warm up: " + traffic.completedUsers() + " of " + WARM_USERS
                    + " users through the whole flow in " + WARM_UP_CEILING.toMinutes() + " minutes");
        }
        say("  warm after " + FaultReport.seconds(Duration.between(started, warm)) + "; the first fault in "
                + CALM.toSeconds() + " s");
        return new FaultWindow("warm-up (until " + WARM_USERS + " users were through the flow)", started, warm, warm,
                warm, true);
    }

    /** The restarted broker writes a fresh log; the killed one's stays beside it, to tell the two starts apart. */
    private static void keepKilledLog(Path log) {
        try {
            Files.move(log, log.resolveSibling(log.getFileName() + ".killed"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Only the earlier log is lost; the restart does not depend on it.
        }
    }

    private void injectFaults() {
        fault("Kafka broker SIGKILLed, restarted after 5 s", false, false, () -> broker.kill(),
                () -> {
                    pause(Duration.ofSeconds(5));
                    keepKilledLog(broker.log());
                    broker = KafkaBroker.start(brokerSettings);
                }, () -> {
                });
        fault("SMTP server stopped for 10 s", false, false, mails::stopServer, () -> {
            pause(Duration.ofSeconds(10));
            mails.startServer();
        }, () -> {
        });
        fault("mail-service SIGKILLed and restarted", false, false, () -> fleet.kill(SuiteService.MAIL, 0),
                () -> fleet.restart(SuiteService.MAIL, 0), () -> {
                });
        // user-service fails closed while hook-service is away: it cannot know whether a synchronous hook is set.
        fault("hook-service SIGKILLed and restarted", true, true, () -> fleet.kill(SuiteService.HOOK, 0),
                () -> fleet.restart(SuiteService.HOOK, 0), () -> {
                });
        fault("PostgreSQL cut off for 10 s", true, false, databaseGate::shut, () -> {
            pause(Duration.ofSeconds(10));
            databaseGate.reopen();
        }, () -> {
        });
        fault("auth-service-2 SIGKILLed (restarted after recovery)", true, false,
                () -> fleet.kill(SuiteService.AUTH, 1), () -> {
                }, () -> fleet.restart(SuiteService.AUTH, 1));
        fault("user-service-2 SIGKILLed (restarted after recovery)", true, false,
                () -> fleet.kill(SuiteService.USER, 1), () -> {
                }, () -> fleet.restart(SuiteService.USER, 1));
    }

    /**
     * One fault: inject it, heal it (returns once the part is back), then time a fresh user's whole flow from then
     * on, run {@code after}, and rest before the next.
     */
    private void fault(String name, boolean failuresAllowed, boolean waitForHook, Runnable inject, Runnable heal,
            Runnable after) {
        say("Fault: " + name + " ...");
        Instant injected = Instant.now();
        inject.run();
        heal.run();
        Instant healed = Instant.now();
        Traffic.Outcome probe = traffic.probe();
        Instant recovered = probe.givenUpAt() == null ? probe.finishedAt() : null;
        if (recovered != null && waitForHook) {
            Instant waitFrom = Instant.now();
            int hooksBefore = functions.deliveriesByEventId().size();
            Instant deadline = waitFrom.plus(HOOK_WAIT);
            while (functions.signupHookAt(probe.email()) == null && Instant.now().isBefore(deadline)) {
                pause(Duration.ofMillis(100));
            }
            Instant hook = functions.signupHookAt(probe.email());
            // Hooks that arrived meanwhile tell a backlog worked through (many) from a stalled consumer (none).
            say("  the probe's background hook " + (hook == null ? "did not arrive" : "arrived") + " after "
                    + FaultReport.seconds(Duration.between(waitFrom, hook == null ? Instant.now() : hook))
                    + "; meanwhile " + (functions.deliveriesByEventId().size() - hooksBefore)
                    + " events got their first background hook");
            recovered = hook == null ? null : hook.isAfter(recovered) ? hook : recovered;
        }
        after.run();
        FaultWindow window = new FaultWindow(name, injected, healed, recovered, Instant.now(), failuresAllowed);
        faults.add(window);
        say("  back after " + (window.recovery() == null ? "(not in the probe's time)" : FaultReport.seconds(window
                .recovery())));
        pause(CALM);
    }

    /** Waits until every user has its mail and every event its hook, or {@link #DRAIN} passes; then counts. */
    private FaultReport drain() {
        Instant deadline = Instant.now().plus(DRAIN);
        FaultReport report = count();
        while (!report.complete() && Instant.now().isBefore(deadline)) {
            pause(Duration.ofSeconds(2));
            report = count();
        }
        return report;
    }

    private FaultReport count() {
        Set<String> emails = new java.util.HashSet<>();
        long confirmed;
        // A /verify starts a session too, announced by user.confirmed.v1: a login event is owed for each password
        // grant a client saw succeed (one that failed may have committed, and its event then counts as well).
        long logins = traffic.requests().stream().filter(r -> r.step().equals("login") && !r.failed()).count();
        try (Connection db = DriverManager.getConnection(adminJdbc + databaseName, "postgres", "");
                Statement statement = db.createStatement()) {
            try (ResultSet rs = statement.executeQuery("select lower(email) from users.users")) {
                while (rs.next()) {
                    emails.add(rs.getString(1));
                }
            }
            confirmed = single(statement, "select count(*) from users.users where confirmed_at is not null");
        } catch (SQLException e) {
            throw new SuiteException("cannot count the run's users: " + e.getMessage(), e);
        }
        EventTally events = EventTally.read(broker.bootstrapServers(), Topic.EVENTS.name(""),
                Topic.EVENTS.partitions());
        Set<String> hookedTypes = Set.of(EventType.SIGNUP.type(), EventType.CONFIRMED.type(),
                EventType.LOGIN.type());
        return new FaultReport(emails, confirmed, logins, mails.byRecipient(), mails.duplicates(), events,
                events.ids(hookedTypes), functions.deliveriesByEventId());
    }

    /**
     * For a run that lost mail, what CI's output needs to tell a harness slip from a real loss: each user without a
     * mail (a few), when it signed up against the faults' windows, and every log line of the run that names it or a
     * dead letter.
     */
    private String lossTrail(FaultReport report, Path logs) {
        StringBuilder trail = new StringBuilder();
        List<String> unmailed = report.users().stream().filter(u -> !report.mails().containsKey(u)).sorted().limit(5)
                .toList();
        List<String> needles = new ArrayList<>(List.of("dead-letter"));
        try (Connection db = DriverManager.getConnection(adminJdbc + databaseName, "postgres", "");
                PreparedStatement find = db.prepareStatement(
                        "select id, created_at from users.users where lower(email) = ?")) {
            for (String email : unmailed) {
                find.setString(1, email);
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        Instant created = rs.getTimestamp(2).toInstant();
                        String during = faults.stream().filter(f -> f.contains(created)).map(FaultWindow::name)
                                .findFirst().orElse("no fault");
                        trail.append(" no mail for user ").append(rs.getString(1)).append(", signed up ")
                                .append(created).append(" (").append(during).append(")")
                                .append(System.lineSeparator());
                        needles.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            trail.append(" cannot look up the unmailed users: ").append(e.getMessage()).append(System.lineSeparator());
        }
        try (var files = Files.list(logs)) {
            for (Path file : files.sorted().toList()) {
                try (var lines = Files.lines(file)) {
                    lines.filter(line -> needles.stream().anyMatch(line::contains)).limit(20).forEach(line -> trail
                            .append(" ").append(file.getFileName()).append(": ").append(line)
                            .append(System.lineSeparator()));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            trail.append(" cannot read the run's logs: ").append(e.getMessage()).append(System.lineSeparator());
        }
        return trail.toString();
    }

    private static long single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A database of this run's own on the server; dropped when the run ends. */
    private void createDatabase(String host, int port) {
        adminJdbc = "jdbc:postgresql://" + host + ":" + port + "/";
        databaseName = "tessera_faults_" + run;
        try (Connection db = DriverManager.getConnection(adminJdbc + "postgres", "postgres", "");
                Statement statement = db.createStatement()) {
            statement.execute("create database " + databaseName);
        } catch (SQLException e) {
            throw new SuiteException("cannot create database " + databaseName + " on " + host + ":" + port
                    + " as user postgres: " + e.getMessage(), e);
        }
        cleanup.add("database " + databaseName, () -> {
            try (Connection db = DriverManager.getConnection(adminJdbc + "postgres", "postgres", "");
                    Statement statement = db.createStatement()) {
                statement.execute("drop database if exists " + databaseName + " with (force)");
            }
        });
    }

    private void waitUntil(BooleanSupplier condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean() && Instant.now().isBefore(deadline)) {
            pause(Duration.ofSeconds(1));
        }
    }

    private int intSetting(String name, int fallback) {
        String value = env.get(name);
        try {
            return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new SuiteException(name + " must be a whole number, not " + value);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void writeReport(Path file, String table) {
        try {
            Files.writeString(file, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
