package dev.tessera.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tessera.site.SiteRules;
import dev.tessera.suite.faults.FaultSuite;
import dev.tessera.suite.gateway.AccessLog;
import dev.tessera.suite.gateway.Endpoints;
import dev.tessera.suite.gateway.Gateway;
import dev.tessera.suite.gateway.RouteTable;
import dev.tessera.suite.kafka.KafkaBroker;
import dev.tessera.suite.kafka.KafkaTopics;
import dev.tessera.suite.mail.InboxServer;
import dev.tessera.suite.mail.MailInbox;
import dev.tessera.suite.postgres.LocalDatabase;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.Cleanup;
import dev.tessera.suite.process.JavaCommand;
import dev.tessera.suite.service.ClassDataArchives;
import dev.tessera.suite.service.LocalSecrets;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.ServiceFleet;
import dev.tessera.suite.service.SuiteService;
import dev.tessera.suite.site.DemoSite;
import dev.tessera.suite.site.LocalSite;
import dev.tessera.suite.site.SiteFunctions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * Runs the whole suite on one machine: PostgreSQL, a Kafka KRaft broker, an SMTP inbox, the four services as child
 * processes and the gateway that serves them behind one base URL. Ctrl-C (or SIGTERM) stops everything it started,
 * the services before the broker, whose consumers' last offset commits must still reach it. The broker and the
 * services run in sessions of their own, so a terminal's Ctrl-C reaches only the launcher, which keeps that order.
 *
 * <pre>
 * LocalSuite [run] [--root DIR] [--site DIR] [--exit-with PID]  the suite (default command)
 * LocalSuite kafka-broker [--exit-with PID]        only a throw-away broker on a free port, for the test script
 * LocalSuite faults [--root DIR]                   the fault suite (faults/README.md)
 * </pre>
 */
public final class LocalSuite {

    private static final String USAGE = """
            usage: LocalSuite [run] [--root DIR] [--site DIR] [--exit-with PID]
                   LocalSuite kafka-broker [--exit-with PID]
                   LocalSuite faults [--root DIR]

              run              start the whole suite behind one base URL (default); see local-suite/README.md
              kafka-broker     start only a Kafka broker on a free port with a throw-away data directory, print
                               KAFKA_BOOTSTRAP_SERVERS=<host:port> and stay up until killed (or until PID exits)
              faults           the fault suite: its own suite under traffic while the broker, the SMTP server,
                               services, replicas and the database fail in turn; prints one table and exits 1
                               when a mail, an event or a background hook was lost (see faults/README.md)
              --root DIR       the repository root (default: TESSERA_REPO_ROOT, else the current directory)
              --site DIR       serve the static site in DIR at the base URL's root, with DIR/netlify.toml's
                               [[redirects]] (Role conditions included) and the functions in DIR/netlify/functions
                               (default: the demo site, samples/demo-site/site)
              --exit-with PID  stop everything, as Ctrl-C does, once process PID has ended
            """;
    /** The line the test script reads the broker address from. */
    public static final String BOOTSTRAP_LINE_PREFIX = "KAFKA_BOOTSTRAP_SERVERS=";

    private final PrintStream out = System.out;
    private final Cleanup cleanup = new Cleanup(this::say);

    public static void main(String[] args) {
        configureLogging();
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("tessera: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (arguments.help()) {
            System.out.print(USAGE);
            return;
        }
        LocalSuite suite = new LocalSuite();
        Runtime.getRuntime().addShutdownHook(new Thread(suite::stop, "tessera-stop"));
        try {
            if (arguments.command().equals("kafka-broker")) {
                suite.brokerOnly(arguments.exitWith());
            } else if (arguments.command().equals("faults")) {
                System.exit(FaultSuite.run(arguments.root(), System.getenv(), System.out, libDirectory()));
            } else {
                suite.run(SuiteSettings.from(System.getenv(), arguments.root()), arguments.site(),
                        arguments.exitWith());
            }
        } catch (SuiteException e) {
            System.err.println();
            System.err.println("tessera: " + e.getMessage());
            System.exit(1);
        } catch (RuntimeException e) {
            System.err.println();
            System.err.print("tessera: unexpected failure: ");
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** The launcher is quiet; the broker and the services have their own logs. */
    private static void configureLogging() {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // The admin client complains while the broker it waits for is still starting.
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    private void run(SuiteSettings settings, Path chosenSite, Long exitWith) {
        Map<String, String> env = System.getenv();
        // Without --site the demo site answers at the root, so that the links in the inbox's mails land somewhere.
        Path siteDir = chosenSite != null ? chosenSite : DemoSite.folder(settings.repoRoot()).orElse(null);
        boolean demo = chosenSite == null && siteDir != null;
        // Read before anything starts: a netlify.toml the engine refuses stops the run with its one line.
        SiteRules siteRules = siteDir == null ? null : LocalSite.rules(siteDir);
        boolean ownBroker = blank(env.get("KAFKA_BOOTSTRAP_SERVERS"));
        boolean ownSmtp = blank(env.get("GOTRUE_SMTP_HOST"));
        say("Tessera local suite, repository " + settings.repoRoot());
        ServiceFleet.requireBuilt(settings.repoRoot(), settings.servicePorts().keySet());
        requirePortsFree(settings, ownBroker, ownSmtp);
        createDirectories(settings.logDir());

        LocalDatabase database = cleanup.add("PostgreSQL", LocalDatabase.resolve(env,
                settings.runDir().resolve("postgres"), settings.embeddedPostgresPort(),
                settings.logDir().resolve("postgres.log"), this::say));
        Part kafka = ownBroker ? startBroker(settings) : new Part(env.get("KAFKA_BOOTSTRAP_SERVERS").trim(),
                "(from KAFKA_BOOTSTRAP_SERVERS)");
        List<String> created = KafkaTopics.ensure(kafka.address(), settings.topicPrefix(), Duration.ofSeconds(60));
        if (!created.isEmpty()) {
            say("Kafka: created topics " + String.join(", ", created));
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
        cleanup.add("Vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        Part mail = ownSmtp ? startInbox(settings, vertx) : new Part(null, "none here: mail goes to GOTRUE_SMTP_HOST="
                + env.get("GOTRUE_SMTP_HOST") + ":" + env.getOrDefault("GOTRUE_SMTP_PORT", "587"));

        LocalSecrets secrets = LocalSecrets.resolve(env, settings.secretsDir());
        Map<String, String> serviceEnv = ServiceEnvironment.compose(env, new ServiceEnvironment.Infrastructure(
                database.url(), kafka.address(), settings.topicPrefix(), mail.address(), settings.smtpPort(),
                settings.baseUrl()), settings.servicePorts(), secrets);
        String functions = siteDir == null ? null
                : demo && !DemoSite.nodeOnPath() ? "no functions (node is not on the PATH)"
                : startSiteFunctions(settings, siteDir, serviceEnv);
        Map<SuiteService, List<Integer>> replicaPorts = settings.replicaPorts();
        // One view of which replicas take requests, for the gateway, the balancers and the fleet that drains them.
        Endpoints endpoints = Endpoints.of(replicaPorts);
        // A replicated service's internal address is a balancer in front of its replicas, as a Kubernetes Service.
        replicaPorts.forEach((service, ports) -> {
            if (ports.size() > 1) {
                cleanup.add(service.module() + " balancer", Gateway.balancer(vertx, settings.servicePorts()
                        .get(service), service, endpoints, AccessLog.to(settings.logDir().resolve(service.module()
                                + "-balancer.log"))));
            }
        });
        say("Starting " + replicaPorts.entrySet().stream().map(e -> e.getValue().size() == 1 ? e.getKey().module()
                : e.getValue().size() + " x " + e.getKey().module()).collect(Collectors.joining(", "))
                + " (logs in " + settings.logDir() + ") ...");
        // Added after the broker, so stopped before it: each service's consumers commit their last offsets while
        // the broker still answers.
        ServiceFleet fleet = cleanup.add("services", ServiceFleet.start(new ServiceFleet.Launch(settings.repoRoot(),
                replicaPorts, serviceEnv, settings.serviceJvmOptions(), settings.logDir(),
                settings.startTimeout(), true, endpoints, settings.classDataArchives()
                        ? Optional.of(ClassDataArchives.of(settings.repoRoot(), settings.serviceJvmOptions()))
                        : Optional.empty()), this::say));
        LocalSite site = siteDir == null ? null
                : LocalSite.open(vertx, siteDir, siteRules, settings.servicePorts().get(SuiteService.AUTH));
        cleanup.add("gateway", Gateway.start(vertx, settings.host(), settings.gatewayPort(), endpoints,
                AccessLog.to(settings.logDir().resolve("gateway.log")), serviceEnv.get("GOTRUE_RATE_LIMIT_HEADER"),
                site));

        printBanner(settings, database, kafka, mail, secrets, site == null ? null : settings.baseUrl() + "/ from "
                + site.root() + " (" + (demo ? DemoSite.note(siteDir) + ", " : "") + siteRules.rules().size()
                + " rules" + (siteRules.rules().isEmpty() ? "" : " of " + siteRules.source()) + ")"
                + (functions == null ? "" : "; " + functions));
        watchForCrashes(fleet);
        awaitStop(exitWith);
    }

    /**
     * Runs the site's functions, when it has a {@code netlify/functions} folder, and points hook-service at them
     * (set in {@code serviceEnv} before the services start); answers what the banner says, or null.
     */
    private String startSiteFunctions(SuiteSettings settings, Path siteDir, Map<String, String> serviceEnv) {
        Optional<Path> folder = SiteFunctions.folder(siteDir);
        if (folder.isEmpty()) {
            return null;
        }
        Path log = settings.logDir().resolve("functions.log");
        say("Functions: starting the Node function host for " + folder.get() + " ...");
        ChildProcess host = cleanup.add("function host", SiteFunctions.start(settings.repoRoot(), folder.get(),
                System.getenv(), log, settings.startTimeout()));
        int port;
        try {
            port = SiteFunctions.port(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        serviceEnv.put("TESSERA_FUNCTIONS_URL", "http://127.0.0.1:" + port);
        // The function host is on this machine, which hook-service refuses to call unless told otherwise.
        serviceEnv.putIfAbsent("TESSERA_HOOKS_ALLOW_PRIVATE_TARGETS", "true");
        Set<String> events = SiteFunctions.identityEvents(folder.get());
        if (!events.isEmpty()) {
            serviceEnv.put("TESSERA_FUNCTIONS_IDENTITY", String.join(",", events));
        }
        return "functions from " + folder.get() + " at /.netlify/functions/ (host pid " + host.pid() + ", log "
                + log + (events.isEmpty() ? "" : "; identity events " + String.join(", ", events)) + ")";
    }

    /** A started part: where the services reach it (null when they do not) and what the banner says. */
    private record Part(String address, String description) {
    }

    private Part startBroker(SuiteSettings settings) {
        Path dataDir = settings.runDir().resolve("kafka");
        say("Kafka: starting a KRaft broker on 127.0.0.1:" + settings.kafkaPort() + " ...");
        KafkaBroker broker = cleanup.add("Kafka broker", KafkaBroker.start(new KafkaBroker.Settings(dataDir,
                settings.kafkaPort(), settings.kafkaControllerPort(), libDirectory(),
                settings.logDir().resolve("kafka.log"), settings.kafkaJvmOptions(), settings.startTimeout())));
        return new Part(broker.bootstrapServers(), "(broker started here, pid " + broker.pid() + ", data in "
                + dataDir + ")");
    }

    private Part startInbox(SuiteSettings settings, Vertx vertx) {
        MailInbox inbox = cleanup.add("GreenMail SMTP server", MailInbox.start("127.0.0.1", settings.smtpPort()));
        cleanup.add("inbox", InboxServer.start(vertx, inbox, settings.host(), settings.inboxPort()));
        return new Part("127.0.0.1", settings.inboxUrl() + "  (SMTP 127.0.0.1:" + settings.smtpPort()
                + ", JSON at " + settings.inboxUrl() + InboxServer.MESSAGES_PATH + ")");
    }

    private void requirePortsFree(SuiteSettings settings, boolean ownBroker, boolean ownSmtp) {
        for (SuiteSettings.PortSetting setting : settings.ports()) {
            boolean needed = switch (setting.need()) {
                case ALWAYS -> true;
                case OWN_BROKER -> ownBroker;
                case OWN_SMTP -> ownSmtp;
                // PostgreSQL checks its own port, and only if it has to run.
                case EMBEDDED_POSTGRES -> false;
            };
            if (needed) {
                SuiteSettings.requireFree(setting);
            }
        }
    }

    /** @param site what the banner says about the site ({@code --site}), or null */
    private void printBanner(SuiteSettings settings, LocalDatabase database, Part kafka, Part mail,
            LocalSecrets secrets, String site) {
        Map<SuiteService, List<Integer>> replicaPorts = settings.replicaPorts();
        String services = settings.servicePorts().entrySet().stream()
                .map(e -> e.getKey().module() + " :" + e.getValue() + (replicaPorts.get(e.getKey()).size() == 1 ? ""
                        : " (balancing " + replicaPorts.get(e.getKey()).stream().map(p -> ":" + p)
                                .collect(Collectors.joining(" ")) + ")"))
                .collect(Collectors.joining(", "));
        String rule = "-".repeat(78);
        // One write, so that whoever waits for "Tessera is running" in the output (the tests, the bench) reads the
        // whole banner with it.
        List<String> banner = new ArrayList<>();
        banner.add(rule);
        banner.add(" Tessera is running");
        banner.add("   API base URL  " + settings.baseUrl() + "  (also " + RouteTable.load().strippedPrefixes().stream()
                .map(prefix -> settings.baseUrl() + prefix).collect(Collectors.joining(", ")) + ")");
        banner.add("   Inbox         " + mail.description());
        banner.add("   Database      " + database.displayUrl() + "  (" + database.description() + ")");
        banner.add("   Kafka         " + kafka.address() + " " + kafka.description()
                + (settings.topicPrefix().isEmpty() ? ""
                : ", topic prefix " + settings.topicPrefix()));
        banner.add("   Services      " + services + " (127.0.0.1 only)");
        banner.add("   Logs          " + settings.logDir() + "/");
        banner.add("   JWT secret    " + jwtSecretLine(secrets.jwtSecret()));
        if (secrets.jwtKeys() != null) {
            banner.add("   Signing key   " + (secrets.jwtKeys().generated()
                    ? "ES256, generated for this checkout, kept in " + secrets.jwtKeys().file()
                            + " (GOTRUE_JWT_KEYS overrides it)"
                    : "from GOTRUE_JWT_KEYS") + "; public keys at " + settings.baseUrl() + "/.well-known/jwks.json");
        }
        if (secrets.operatorToken().generated()) {
            banner.add("   Admin token   " + secrets.operatorToken().value() + " (Authorization: Bearer; kept in "
                    + secrets.operatorToken().file() + ", GOTRUE_OPERATOR_TOKEN overrides it)");
        }
        if (site != null) {
            banner.add("   Site          " + site);
        }
        banner.add(" Press Ctrl-C to stop everything.");
        banner.add(rule);
        out.print(String.join(System.lineSeparator(), banner) + System.lineSeparator());
        out.flush();
    }

    /** Where the secret came from, never the secret itself. */
    private static String jwtSecretLine(LocalSecrets.Value secret) {
        if (secret.generated()) {
            return "generated for this checkout, kept in " + secret.file() + " (GOTRUE_JWT_SECRET overrides it)";
        }
        int bytes = secret.value().getBytes(StandardCharsets.UTF_8).length;
        return "from GOTRUE_JWT_SECRET" + (bytes >= LocalSecrets.MIN_SECRET_BYTES ? "" : " (" + bytes
                + " bytes: shorter than " + LocalSecrets.MIN_SECRET_BYTES + ", which only a local run accepts)");
    }

    /** Says so when a service dies after it was up; the rest keeps running. */
    private void watchForCrashes(ServiceFleet fleet) {
        fleet.processes().forEach(process -> process.onExit().thenRun(() -> {
            if (!process.stopRequested()) {
                say("! " + process.name() + " exited with code " + process.exitValue() + "; last lines of "
                        + process.log() + ":" + System.lineSeparator() + process.tail(30));
            }
        }));
    }

    /**
     * Starts only a broker, for the test script: free ports, a throw-away data directory, the bootstrap address on
     * one line of standard output. Stays up until killed, or until process {@code exitWith} ends.
     */
    private void brokerOnly(Long exitWith) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("tessera-test-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cleanup.add("broker data " + dataDir, () -> deleteRecursively(dataDir));
        KafkaBroker broker = cleanup.add("Kafka broker", KafkaBroker.start(new KafkaBroker.Settings(dataDir,
                SuiteSettings.freeLoopbackPort(), SuiteSettings.freeLoopbackPort(), libDirectory(),
                dataDir.resolve("broker.log"),
                JavaCommand.options(System.getenv().getOrDefault("TESSERA_KAFKA_JAVA_OPTS", SuiteSettings.DEFAULT_KAFKA_JAVA_OPTS)),
                Duration.ofSeconds(180))));
        out.println(BOOTSTRAP_LINE_PREFIX + broker.bootstrapServers());
        out.println("broker log: " + broker.log() + " (pid " + broker.pid() + ")");
        out.flush();
        awaitStop(exitWith);
    }

    /** Until the shutdown hook runs, or until process {@code exitWith} (when given) ends, which then runs it. */
    private void awaitStop(Long exitWith) {
        if (exitWith != null) {
            ProcessHandle.of(exitWith).ifPresent(parent -> parent.onExit().join());
            say("process " + exitWith + " ended; stopping");
            System.exit(0);
        }
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Run by the shutdown hook on Ctrl-C or SIGTERM, and on every exit after a failed start. */
    private void stop() {
        cleanup.closeAll();
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    /** target/lib next to the launcher jar (or next to target/classes when run from the build). */
    static Path libDirectory() {
        try {
            Path self = Path.of(LocalSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.getParent().resolve("lib");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** The command line. */
    record Arguments(String command, Path root, Path site, Long exitWith, boolean help) {

        static Arguments parse(String[] args) {
            String command = "run";
            Path root = null;
            Path site = null;
            Long exitWith = null;
            boolean help = false;
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                if (arg.equals("-h") || arg.equals("--help")) {
                    help = true;
                } else if (arg.equals("run") || arg.equals("kafka-broker") || arg.equals("faults")) {
                    command = arg;
                } else if (arg.equals("--root") || arg.startsWith("--root=")) {
                    root = Path.of(value(arg, rest));
                } else if (arg.equals("--site") || arg.startsWith("--site=")) {
                    site = Path.of(value(arg, rest)).toAbsolutePath().normalize();
                } else if (arg.equals("--exit-with") || arg.startsWith("--exit-with=")) {
                    try {
                        exitWith = Long.parseLong(value(arg, rest));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--exit-with needs a process id");
                    }
                } else {
                    throw new IllegalArgumentException("unknown argument: " + arg);
                }
            }
            if (root == null) {
                String fromEnv = System.getenv("TESSERA_REPO_ROOT");
                root = Path.of(blank(fromEnv) ? "" : fromEnv).toAbsolutePath();
            }
            return new Arguments(command, root, site, exitWith, help);
        }

        private static String value(String arg, List<String> rest) {
            int eq = arg.indexOf('=');
            if (eq >= 0) {
                return arg.substring(eq + 1);
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            return rest.remove(0);
        }
    }
}
