package dev.tessera.suite.e2e;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import dev.tessera.platform.testing.TestStack;
import dev.tessera.suite.SuiteSettings;
import dev.tessera.suite.mail.MailInbox;
import dev.tessera.suite.process.ChildProcess;
import dev.tessera.suite.process.JavaCommand;
import dev.tessera.suite.process.Poll;
import dev.tessera.suite.service.LocalSecrets;
import dev.tessera.suite.service.ServiceEnvironment;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * What the end-to-end tests share to start services the way the launcher does: the checkout whose jars run, the
 * environment they inherit, free ports, one service process started or restarted on its own, and the consumer-group
 * offsets that tell when a service has worked through a topic.
 */
final class E2e {

    /** The repository whose service jars run; the build sets it, TESSERA_E2E_REPO_ROOT overrides it. */
    private static final String ROOT_PROPERTY = "tessera.repo.root";
    private static final String ROOT_ENV = "TESSERA_E2E_REPO_ROOT";

    /** The launcher's default for each service JVM, so the tests run the heap users run; two cores run four to eight. */
    static final List<String> JVM_OPTIONS = JavaCommand.options(SuiteSettings.DEFAULT_SERVICE_JAVA_OPTS);

    private E2e() {
    }

    static Path repoRoot() {
        String root = System.getenv(ROOT_ENV);
        if (root == null || root.isBlank()) {
            root = System.getProperty(ROOT_PROPERTY);
        }
        if (root == null || root.isBlank()) {
            throw new IllegalStateException("set -D" + ROOT_PROPERTY + " or " + ROOT_ENV + " to the repository root");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    /** The test JVM's environment without settings meant for a local run, so a developer's shell cannot leak in. */
    static Map<String, String> inheritedEnvironment() {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            boolean suiteSetting = name.startsWith("GOTRUE_") || name.startsWith("TESSERA_")
                    || name.startsWith("QUARKUS_") || name.startsWith("KAFKA_") || name.startsWith("MP_MESSAGING_")
                    || name.startsWith("OTEL_")
                    || name.equals("DATABASE_URL") || name.equals("PORT");
            if (!suiteSetting) {
                env.put(name, value);
            }
        });
        return env;
    }

    static int freePort() {
        return SuiteSettings.freeLoopbackPort();
    }

    /** A free port for each service. */
    static Map<SuiteService, Integer> freePorts() {
        Map<SuiteService, Integer> ports = new EnumMap<>(SuiteService.class);
        for (SuiteService service : SuiteService.values()) {
            ports.put(service, freePort());
        }
        return ports;
    }

    /** {@code replicas} free ports for each service, one per replica. */
    static Map<SuiteService, List<Integer>> freeReplicaPorts(int replicas) {
        Map<SuiteService, List<Integer>> ports = new EnumMap<>(SuiteService.class);
        for (SuiteService service : SuiteService.values()) {
            List<Integer> each = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                each.add(freePort());
            }
            ports.put(service, each);
        }
        return ports;
    }

    /**
     * The environment the launcher gives the services, on the test's database, broker prefix and GreenMail, with the
     * gateway at {@code base} and each service's internal address at {@code addresses}.
     */
    static Map<String, String> suiteEnvironment(TestStack stack, String base, Map<SuiteService, Integer> addresses,
            String jwtSecret, String operatorToken) {
        return ServiceEnvironment.compose(inheritedEnvironment(),
                new ServiceEnvironment.Infrastructure(stack.database().databaseUrl(), stack.bootstrapServers(),
                        stack.topicPrefix(), "127.0.0.1", stack.smtpPort(), base),
                addresses, LocalSecrets.given(jwtSecret, operatorToken));
    }

    /**
     * Starts one process of {@code service} from its built jar, logging to {@code logs/<logName>.log}. Its Kafka
     * consumers are static group members named {@code instance}: a process started again under the same name takes
     * its predecessor's partitions over at once, as a restarted container of the same pod does.
     */
    static ChildProcess startService(Path root, SuiteService service, List<String> jvmOptions,
            Map<String, String> env, int port, Path logs, String instance, String logName) {
        return ChildProcess.start(logName, JavaCommand.of(jvmOptions, "-jar", service.runnableJar(root).toString()),
                ServiceEnvironment.forService(env, instance, port), root, logs.resolve(logName + ".log"));
    }

    /**
     * Waits until the process on {@code port} answers {@code /q/health/ready} on its management port; fails at once,
     * with its log, if it exits.
     */
    static void awaitReady(HttpClient http, SuiteService service, ChildProcess process, int port) {
        HttpRequest ready = HttpRequest.newBuilder(ServiceEnvironment.readiness(port))
                .timeout(Duration.ofSeconds(5)).GET().build();
        Poll.until(service.module() + " did not become ready (" + process.log() + ")", Duration.ofMinutes(4))
                .every(Duration.ofMillis(500))
                .abortWhen(process.onExit(), () -> service.module() + " exited: " + process.tail(40))
                .check(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /**
     * The token of the newest mail to {@code to} whose link is {@code <base>/#<key>=<token>}, waiting up to
     * {@code timeout} for one to arrive.
     */
    static String awaitLinkToken(MailInbox inbox, String base, String to, String key, Duration timeout) {
        String prefix = base + "/#" + key + "=";
        String[] token = new String[1];
        Poll.until("no mail with a " + key + " link to " + to + " (service logs in target/e2e-logs)", timeout)
                .every(Duration.ofMillis(250))
                .check(() -> {
                    token[0] = inbox.messages(to).stream().flatMap(m -> m.links().stream())
                            .filter(l -> l.startsWith(prefix)).reduce((a, b) -> b)
                            .map(l -> l.substring(prefix.length())).orElse(null);
                    return token[0] != null;
                });
        return token[0];
    }

    /** {@code GET /settings} of a suite with GoTrue's defaults: no OAuth provider, email on, signup open, mail confirms. */
    static JsonObject goTrueDefaultSettings() {
        return new JsonObject()
                .put("external", new JsonObject().put("bitbucket", false).put("github", false).put("gitlab", false)
                        .put("google", false).put("facebook", false).put("email", true).put("saml", false))
                .put("external_labels", new JsonObject())
                .put("disable_signup", false)
                .put("autoconfirm", false);
    }

    /** Closes what a test started, in the order given, skipping what never started (null). */
    static void closeInOrder(AutoCloseable... parts) throws Exception {
        for (AutoCloseable part : parts) {
            if (part != null) {
                part.close();
            }
        }
    }

    /** Vert.x as one of the parts {@link #closeInOrder} closes, waiting for it to stop. */
    static AutoCloseable closing(Vertx vertx) {
        return vertx == null ? null : () -> vertx.close().toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    static Admin admin(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    /**
     * Waits until a member of {@code group} has partitions of {@code topic}: a consumer that starts at the end of its
     * topic (hook-service's) reads only what is published after that.
     */
    static void awaitReading(Admin admin, String group, String topic, Duration timeout) {
        Poll.until(group + " was assigned no partition of " + topic, timeout).every(Duration.ofMillis(500))
                .check(() -> admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group)
                        .members().stream().anyMatch(member -> member.assignment().topicPartitions().stream()
                                .anyMatch(partition -> partition.topic().equals(topic))));
    }

    /** Records of {@code topic} the group has not committed yet. */
    static long lag(Admin admin, String group, String topic) throws Exception {
        return endOffsets(admin, topic) - committed(admin, group, topic);
    }

    /** How many records the group has committed on {@code topic}, over all partitions. */
    static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return committed.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** How many records were ever written to {@code topic}, over all partitions. */
    static long endOffsets(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(info -> info.offset()).sum();
    }
}
