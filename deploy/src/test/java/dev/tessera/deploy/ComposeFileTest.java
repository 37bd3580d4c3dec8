package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.fabric8.kubernetes.api.model.apps.Deployment;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.route.Upstream;

/**
 * docker-compose.yml, parsed (merge keys resolved) and checked like the manifests: every part is there with a
 * health check, start order follows health, the services read exactly the environment names of the Kubernetes
 * Deployments, Kafka runs in KRaft mode with the platform's topics, and the proxy routes the route list, as the
 * ingress does.
 */
class ComposeFileTest {

    private static final Set<String> INFRASTRUCTURE = Set.of("postgres", "kafka", "kafka-init", "mailpit", "proxy");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:-([^}]*)|:\\?([^}]*))?}");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() {
        Path file = DeployFiles.repoRoot().resolve("docker-compose.yml");
        compose = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(DeployFiles.read(file));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void theWholeSuiteIsThere() {
        Set<String> expected = new TreeSet<>(INFRASTRUCTURE);
        expected.addAll(Manifests.SERVICES);
        assertEquals(expected, new TreeSet<>(services.keySet()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyLongRunningPartHasAHealthCheckAndStartsAfterWhatItNeedsIsHealthy() {
        services.forEach((name, service) -> {
            if (name.equals("kafka-init")) {
                assertEquals("no", String.valueOf(service.get("restart")), "kafka-init runs once");
            } else {
                Map<String, Object> health = (Map<String, Object>) service.get("healthcheck");
                assertNotNull(health, name + " has no healthcheck");
                assertFalse(((List<?>) health.get("test")).isEmpty(), name + ": healthcheck test");
            }
            Map<String, Object> dependsOn = (Map<String, Object>) service.getOrDefault("depends_on", Map.of());
            dependsOn.forEach((dependency, how) -> {
                assertTrue(services.containsKey(dependency), name + " depends on unknown " + dependency);
                String condition = String.valueOf(((Map<String, Object>) how).get("condition"));
                String wanted = dependency.equals("kafka-init") ? "service_completed_successfully"
                        : "service_healthy";
                assertEquals(wanted, condition, name + " -> " + dependency);
            });
        });
        for (String service : Manifests.SERVICES) {
            // The services answer health on the management port (9000), as in Kubernetes; 8080 serves the API only.
            String test = String.join(" ", (List<String>) ((Map<String, Object>) services.get(service)
                    .get("healthcheck")).get("test"));
            assertTrue(test.contains("/dev/tcp/127.0.0.1/9000") && test.contains("GET /q/health/ready "), service
                    + ": readiness on the management port: " + test);
            Map<String, Object> dependsOn = (Map<String, Object>) services.get(service).get("depends_on");
            assertTrue(dependsOn.keySet().containsAll(Set.of("postgres", "kafka-init")), service + ": " + dependsOn);
        }
        assertTrue(((Map<String, Object>) services.get("mail-service").get("depends_on")).containsKey("mailpit"));
        assertTrue(((Map<String, Object>) services.get("kafka-init").get("depends_on")).containsKey("kafka"));
        assertEquals(Set.copyOf(Manifests.SERVICES), ((Map<String, Object>) services.get("proxy").get("depends_on"))
                .keySet(), "the proxy waits for every service");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theServicesReadExactlyTheEnvironmentNamesOfTheManifests() {
        Manifests base = new Manifests("base", Kustomize.render(DeployFiles.base()).renderer(),
                Manifests.parse(Kustomize.render(DeployFiles.base()).yaml()));
        Set<String> shared = base.tesseraConfig().getData().keySet();
        for (String name : Manifests.SERVICES) {
            Set<String> kubernetes = new TreeSet<>(shared);
            base.get(Deployment.class, name).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                    .forEach(e -> kubernetes.add(e.getName()));
            Map<String, Object> environment = (Map<String, Object>) services.get(name).get("environment");
            assertEquals(kubernetes, new TreeSet<>(environment.keySet()), name + ": compose and Kubernetes differ");
        }
    }

    /**
     * A GoTrue setting docker-compose.yml does not name (an OAuth provider, a webhook, mail templates) reaches the
     * services through the settings file every one of them reads, as the ConfigMap's do in Kubernetes; compose's
     * {@code environment} would silently win over a name written there too, and a secret has no place in it.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyServiceReadsTheSettingsFileWhichHoldsNoSecretAndNothingSetAbove() {
        String file = "deploy/compose/tessera.env";
        Map<String, String> settings = new TreeMap<>();
        Set<String> examples = new TreeSet<>();
        Pattern line = Pattern.compile("^(#\\s*)?([A-Z][A-Z0-9_]*)=(.*)$");
        for (String text : DeployFiles.read(DeployFiles.repoRoot().resolve(file)).split("\n")) {
            Matcher setting = line.matcher(text.trim());
            if (setting.matches()) {
                if (setting.group(1) == null) {
                    settings.put(setting.group(2), setting.group(3));
                } else {
                    examples.add(setting.group(2));
                }
            } else {
                assertTrue(text.isBlank() || text.startsWith("#"), file + ": neither a setting nor a comment: " + text);
            }
        }
        String docs = DeployFiles.read(DeployFiles.repoRoot().resolve("docs/operations.md"));
        for (String name : Manifests.SERVICES) {
            Map<String, Object> service = services.get(name);
            assertEquals(List.of(file), service.get("env_file"), name + " reads the settings file");
            Map<String, Object> environment = (Map<String, Object>) service.get("environment");
            for (String setting : settings.keySet()) {
                assertFalse(environment.containsKey(setting), name + ": " + setting
                        + " is set in docker-compose.yml, which wins over " + file);
            }
        }
        Set<String> all = new TreeSet<>(settings.keySet());
        all.addAll(examples);
        assertFalse(examples.isEmpty(), file + " shows how to set something");
        for (String name : all) {
            assertFalse(ConfigurationTest.SECRET_NAMES.contains(name), file + " holds the secret " + name);
            // docs/operations.md names a group's first member whole and the rest by their tail:
            // `GOTRUE_EXTERNAL_<P>_ENABLED`, `_CLIENT_ID`; `GOTRUE_MAILER_SUBJECTS_*`, `_TEMPLATES_*`.
            String group = name.replaceFirst("^GOTRUE_EXTERNAL_[A-Z]+_", "GOTRUE_EXTERNAL_<P>_")
                    .replaceFirst("^GOTRUE_MAILER_(SUBJECTS|TEMPLATES|URLPATHS)_.*", "GOTRUE_MAILER_$1_*");
            String tail = group
                    .replaceFirst("^(GOTRUE_EXTERNAL_<P>|GOTRUE_MAILER|GOTRUE_WEBHOOK|TESSERA_RATE_LIMIT)", "");
            boolean documented = docs.contains("`" + name + "`") || docs.contains("`" + group + "`")
                    || docs.contains("`" + tail + "`") && !tail.equals(group);
            assertTrue(documented, file + ": " + name + " is no setting of docs/operations.md");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theJwtSecretIsRequiredWithAHintAndTheOperatorTokenHasNoDefault() {
        for (String name : Manifests.SERVICES) {
            Map<String, Object> environment = (Map<String, Object>) services.get(name).get("environment");
            Matcher secret = REFERENCE.matcher(String.valueOf(environment.get("GOTRUE_JWT_SECRET")));
            assertTrue(secret.matches() && secret.group(4) != null, name + ": GOTRUE_JWT_SECRET must be "
                    + "${GOTRUE_JWT_SECRET:?hint}, not " + environment.get("GOTRUE_JWT_SECRET"));
            assertEquals("GOTRUE_JWT_SECRET", secret.group(1), name);
            String hint = secret.group(4);
            assertTrue(hint.contains("GOTRUE_JWT_SECRET") && hint.contains("32") && hint.contains("openssl rand")
                    && !hint.contains("\n") && !hint.contains("$"), name + ": a one-line hint: " + hint);
            Object operator = environment.get("GOTRUE_OPERATOR_TOKEN");
            if (operator != null) {
                assertEquals("${GOTRUE_OPERATOR_TOKEN:-}", operator, name + ": no operator token unless one is set");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void onlyTheBaseUrlIsPublishedBeyondThisMachine() {
        Map<String, List<String>> published = new TreeMap<>();
        services.forEach((name, service) -> {
            List<String> ports = (List<String>) service.getOrDefault("ports", List.of());
            if (!ports.isEmpty()) {
                published.put(name, ports);
            }
        });
        assertEquals(Map.of("proxy", List.of("8081:8081"), "mailpit", List.of("127.0.0.1:8025:8025")), published,
                "the inbox shows every mail's links and tokens: loopback only");
    }

    @Test
    @SuppressWarnings("unchecked")
    void secretsAreReferencesWithAtMostAMarkedLocalDefault() {
        for (String name : Manifests.SERVICES) {
            Map<String, Object> environment = (Map<String, Object>) services.get(name).get("environment");
            environment.forEach((key, value) -> {
                if (!ConfigurationTest.SECRET_NAMES.contains(key)) {
                    return;
                }
                Matcher reference = REFERENCE.matcher(String.valueOf(value));
                assertTrue(reference.matches(), name + ": " + key + " must be ${VARIABLE...}, not " + value);
                String fallback = reference.group(3) == null ? "" : reference.group(3);
                assertTrue(fallback.isEmpty() || fallback.contains("local-development"), name + ": " + key
                        + " defaults to an unmarked value");
                assertFalse(key.startsWith("GOTRUE_") && !fallback.isEmpty(), name + ": " + key
                        + " falls back to a published value, which anyone could use against this deployment");
            });
            Map<String, Object> env = environment;
            assertFalse(String.valueOf(env.get("DATABASE_URL")).matches("postgres://[^@/]*:[^@/]*@.*"),
                    name + ": DATABASE_URL carries a password");
        }
        Map<String, Object> postgres = (Map<String, Object>) services.get("postgres").get("environment");
        Map<String, Object> user = (Map<String, Object>) services.get("user-service").get("environment");
        assertEquals(postgres.get("POSTGRES_PASSWORD"), user.get("QUARKUS_DATASOURCE_PASSWORD"),
                "the services log in with the password the database is created with");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theServicesRunHardenedFromTheirDockerfilesWithTwoReplicas() {
        for (String name : Manifests.SERVICES) {
            Map<String, Object> service = services.get(name);
            assertEquals(Boolean.TRUE, service.get("read_only"), name + ": read-only root");
            assertTrue(((List<String>) service.get("tmpfs")).contains("/tmp"), name + ": /tmp");
            assertEquals(List.of("ALL"), service.get("cap_drop"), name);
            assertTrue(((List<String>) service.get("security_opt")).contains("no-new-privileges:true"), name);
            assertTrue(((Number) ((Map<String, Object>) service.get("deploy")).get("replicas")).intValue() >= 2,
                    name + " runs scaled");
            assertFalse(service.containsKey("ports"), name + " is reached through the proxy only");
            assertFalse(service.containsKey("container_name"), name + ": a fixed name forbids replicas");
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            Path dockerfile = DeployFiles.repoRoot().resolve(String.valueOf(build.get("context")))
                    .resolve(String.valueOf(build.get("dockerfile"))).normalize();
            assertEquals(DeployFiles.repoRoot().resolve(name).resolve("src/main/docker/Dockerfile.jvm"), dockerfile);
            assertTrue(Files.isRegularFile(dockerfile), dockerfile.toString());
            Map<String, Object> environment = (Map<String, Object>) service.get("environment");
            assertEquals("kafka:9092", environment.get("KAFKA_BOOTSTRAP_SERVERS"), name);
            assertEquals("mailpit", environment.get("GOTRUE_SMTP_HOST"), name);
            assertTrue(String.valueOf(environment.get("DATABASE_URL")).startsWith("postgres://tessera@postgres:5432/"),
                    name);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void rateLimitsStayOnAndOnlyTheProxyNamesTheClient() {
        for (String name : Manifests.SERVICES) {
            Map<String, Object> environment = (Map<String, Object>) services.get(name).get("environment");
            ConfigurationTest.rateLimitsStayOn(name, environment);
            Matcher trusted = REFERENCE.matcher(String.valueOf(environment.get("TESSERA_TRUSTED_PROXIES")));
            assertTrue(trusted.matches() && trusted.group(3) != null, name + ": TESSERA_TRUSTED_PROXIES with a default");
            ConfigurationTest.trustsOnlyPrivateRanges(name, trusted.group(3));
        }
        // Caddy replaces a client's X-Forwarded-For with the peer's address unless told to trust the client.
        String caddyfile = DeployFiles.read(DeployFiles.deployDir().resolve("compose/Caddyfile"));
        String directives = caddyfile.lines().filter(line -> !line.trim().startsWith("#"))
                .reduce("", (a, b) -> a + b + "\n");
        assertFalse(directives.contains("trusted_proxies"), "the proxy must not keep a client's X-Forwarded-For");
        assertFalse(directives.contains("X-Forwarded-For"), "the proxy sets X-Forwarded-For itself");
    }

    @Test
    @SuppressWarnings("unchecked")
    void kafkaRunsInKRaftModeWithThePlatformsTopics() {
        Map<String, Object> kafka = services.get("kafka");
        String image = String.valueOf(kafka.get("image"));
        assertEquals("apache/kafka:" + System.getProperty("tessera.kafka.broker.version", "4.1.1"), image,
                "the broker of the local run and the tests (kafka.broker.version)");
        Map<String, Object> environment = (Map<String, Object>) kafka.get("environment");
        assertEquals("broker,controller", environment.get("KAFKA_PROCESS_ROLES"));
        assertNotNull(environment.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
        assertNotNull(environment.get("CLUSTER_ID"));
        assertEquals("false", String.valueOf(environment.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")));
        // The log lives on the named volume, not in the image's default /tmp, which goes with the container.
        List<String> mounts = ((List<String>) kafka.get("volumes")).stream()
                .filter(v -> v.startsWith("kafka-data:")).toList();
        assertEquals(1, mounts.size(), "the kafka-data volume is mounted once: " + kafka.get("volumes"));
        assertTrue(((Map<String, Object>) compose.get("volumes")).containsKey("kafka-data"), "a named volume");
        assertEquals(mounts.get(0).substring("kafka-data:".length()), environment.get("KAFKA_LOG_DIRS"),
                "KAFKA_LOG_DIRS is where the volume is mounted");
        assertTrue(String.valueOf(environment.get("KAFKA_ADVERTISED_LISTENERS")).contains("//kafka:9092"));
        environment.keySet().forEach(k -> assertFalse(k.contains("ZOOKEEPER"), "no ZooKeeper: " + k));

        String script = String.join("\n", (List<String>) services.get("kafka-init").get("command"));
        Map<String, String> created = new TreeMap<>();
        Matcher create = Pattern.compile("(?m)^\\s*create (\\S+) (\\d+) (\\d+)\\s*$").matcher(script);
        while (create.find()) {
            created.put(create.group(1), create.group(2) + " partitions, retention.ms " + create.group(3));
        }
        Map<String, String> expected = new TreeMap<>();
        for (Topic topic : Topic.values()) {
            expected.put(topic.baseName(), topic.partitions() + " partitions, retention.ms " + topic.retention()
                    .toMillis());
        }
        assertEquals(expected, created, "kafka-init creates the topics of dev.tessera.platform.event.Topic");
        assertTrue(script.contains("kafka-topics.sh") && script.contains("--if-not-exists"), script);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theProxyRoutesLikeTheIngress() {
        Map<String, Object> proxy = services.get("proxy");
        assertEquals(List.of("8081:8081"), proxy.get("ports"), "one base URL, as in a local run");
        String mount = ((List<String>) proxy.get("volumes")).get(0);
        Path caddyfile = DeployFiles.repoRoot().resolve(mount.substring(0, mount.indexOf(':'))).normalize();
        assertEquals(DeployFiles.deployDir().resolve("compose/Caddyfile"), caddyfile);
        CaddyRouter router = new CaddyRouter(DeployFiles.read(caddyfile));
        assertTrue(router.fallbackAnswers404, "unrouted paths answer 404");
        List<String> wrong = new ArrayList<>(RouteExpectations.differences("the Caddyfile", router.rules()));
        for (RouteExpectations.Request request : RouteExpectations.requests()) {
            Optional<Upstream> got = router.route(request.path());
            if (!got.equals(Optional.of(request.upstream()))) {
                wrong.add(request.path() + " -> " + got + ", want " + request.upstream());
            }
        }
        for (String path : RouteExpectations.NOT_ROUTED) {
            if (router.route(path).isPresent()) {
                wrong.add(path + " is routed to " + router.route(path).get());
            }
        }
        assertEquals(List.of(), wrong);
        for (CaddyRouter.Handler handler : router.handlers) {
            assertTrue(services.containsKey(handler.service()), "proxy to unknown service " + handler.service());
            assertEquals(handler.strip(), handler.forwardedPrefix(), handler.matcher()
                    + ": the stripped prefix is passed on as X-Forwarded-Prefix");
        }
    }
}
