package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import dev.tessera.platform.event.Topic;

/**
 * Settings come from the ConfigMap, secrets only from the Secret (never committed, never in the ConfigMap, created
 * as deploy/README.md shows), every name is documented, and the Kafka topics are declared as the platform defines
 * them.
 */
class ConfigurationTest {

    static final String SECRET = "tessera-secrets";
    /** Names whose values are secrets. */
    static final Set<String> SECRET_NAMES = Set.of("GOTRUE_JWT_SECRET", "GOTRUE_JWT_KEYS", "GOTRUE_OPERATOR_TOKEN",
            "GOTRUE_SMTP_PASS",
            "QUARKUS_DATASOURCE_PASSWORD", "TESSERA_INTERNAL_TOKEN", "TESSERA_MAIL_SEAL_KEY", "GOTRUE_WEBHOOK_SECRET",
            "DATABASE_PASSWORD", "GOTRUE_EXTERNAL_GITHUB_SECRET", "GOTRUE_EXTERNAL_GITLAB_SECRET",
            "GOTRUE_EXTERNAL_GOOGLE_SECRET", "GOTRUE_EXTERNAL_BITBUCKET_SECRET", "GOTRUE_EXTERNAL_FACEBOOK_SECRET");
    /** Every service needs these to start. */
    static final Set<String> REQUIRED_SECRETS = Set.of("GOTRUE_JWT_SECRET", "QUARKUS_DATASOURCE_PASSWORD");
    static final Set<String> REQUIRED_SETTINGS = Set.of("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "GOTRUE_SITE_URL",
            "GOTRUE_SMTP_HOST", "GOTRUE_SMTP_PORT", "TESSERA_USER_SERVICE_URL", "TESSERA_AUTH_SERVICE_URL",
            "QUARKUS_SHUTDOWN_TIMEOUT");

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void theConfigMapHoldsTheSettingsAndNoSecret(String overlay) {
        Manifests m = Manifests.of(overlay);
        Map<String, String> data = m.tesseraConfig().getData();
        assertTrue(data.keySet().containsAll(REQUIRED_SETTINGS), overlay + ": missing "
                + new TreeSet<>(REQUIRED_SETTINGS).stream().filter(k -> !data.containsKey(k)).toList());
        for (String name : data.keySet()) {
            assertFalse(SECRET_NAMES.contains(name), overlay + ": the secret " + name + " is in the ConfigMap");
        }
        URI database = URI.create(data.get("DATABASE_URL"));
        assertEquals("postgres", database.getScheme(), overlay + ": DATABASE_URL");
        assertNotNull(database.getUserInfo(), overlay + ": DATABASE_URL names the database user");
        assertFalse(database.getUserInfo().contains(":"), overlay + ": DATABASE_URL must not carry the password");
        assertEquals("http://user-service:8080", data.get("TESSERA_USER_SERVICE_URL"), overlay);
        assertEquals("http://auth-service:8080", data.get("TESSERA_AUTH_SERVICE_URL"), overlay);
        for (ConfigMap configMap : m.configMaps()) {
            configMap.getData().forEach((key, value) -> assertFalse(value.matches("(?i).*(password|secret)=.*"),
                    overlay + ": " + key + " looks like it carries a secret"));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void secretsAreReferencedFromTheSecretNeverWrittenDown(String overlay) {
        Manifests m = Manifests.of(overlay);
        String configName = m.tesseraConfig().getMetadata().getName();
        for (String service : Manifests.SERVICES) {
            Container container = m.get(Deployment.class, service).getSpec().getTemplate().getSpec().getContainers()
                    .get(0);
            List<EnvFromSource> from = container.getEnvFrom();
            assertTrue(from != null && from.stream().anyMatch(f -> f.getConfigMapRef() != null
                    && configName.equals(f.getConfigMapRef().getName())), overlay + "/" + service
                            + ": settings from " + configName);
            from.forEach(f -> assertNull(f.getSecretRef(), overlay + "/" + service + ": name each secret, do not "
                    + "import a whole Secret"));
            Set<String> secrets = new TreeSet<>();
            for (EnvVar env : container.getEnv()) {
                String where = overlay + "/" + service + " " + env.getName();
                if (SECRET_NAMES.contains(env.getName())) {
                    assertNull(env.getValue(), where + " is written down");
                    var ref = env.getValueFrom().getSecretKeyRef();
                    assertNotNull(ref, where + " must come from a Secret");
                    assertEquals(SECRET, ref.getName(), where);
                    assertEquals(env.getName(), ref.getKey(), where + ": the key is the variable's name");
                    assertEquals(!REQUIRED_SECRETS.contains(env.getName()), Boolean.TRUE.equals(ref.getOptional()),
                            where + ": only the required secrets are required");
                    secrets.add(env.getName());
                } else {
                    assertTrue(env.getValueFrom() == null || env.getValueFrom().getSecretKeyRef() == null,
                            where + " comes from a Secret but is not a known secret name");
                }
            }
            assertTrue(secrets.containsAll(REQUIRED_SECRETS), overlay + "/" + service + ": " + secrets);
        }
    }

    @Test
    void theReadmeShowsHowToCreateEverySecretTheManifestsUse() {
        String readme = DeployFiles.read(DeployFiles.deployDir().resolve("README.md"));
        int at = readme.indexOf("kubectl create secret generic " + SECRET);
        assertTrue(at >= 0, "deploy/README.md shows `kubectl create secret generic " + SECRET + "`");
        String example = readme.substring(at, readme.indexOf("```", at));
        Set<String> used = new TreeSet<>();
        for (String overlay : DeployFiles.overlayNames()) {
            for (Deployment deployment : Manifests.of(overlay).deployments()) {
                deployment.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.getEnv().stream()
                        .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                        .forEach(e -> used.add(e.getValueFrom().getSecretKeyRef().getKey())));
            }
        }
        for (String key : used) {
            assertTrue(example.contains("--from-literal=" + key + "="), "the README's example lacks " + key);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyVariableIsDocumented(String overlay) {
        String docs = DeployFiles.read(DeployFiles.repoRoot().resolve("docs/operations.md"))
                + DeployFiles.read(DeployFiles.repoRoot().resolve("docs/deploy.md"));
        Manifests m = Manifests.of(overlay);
        Set<String> names = new TreeSet<>(m.tesseraConfig().getData().keySet());
        for (Deployment deployment : m.deployments()) {
            deployment.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.getEnv()
                    .forEach(e -> names.add(e.getName())));
        }
        List<String> undocumented = new ArrayList<>();
        for (String name : names) {
            if (!docs.contains("`" + name + "`")) {
                undocumented.add(name);
            }
        }
        assertEquals(List.of(), undocumented, overlay + ": variables missing from docs/operations.md and "
                + "docs/deploy.md");
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    @SuppressWarnings("unchecked")
    void everyTopicIsDeclaredWithItsPartitionsAndRetention(String overlay) {
        Manifests m = Manifests.of(overlay);
        List<GenericKubernetesResource> topics = m.generic("KafkaTopic");
        String bootstrap = m.tesseraConfig().getData().get("KAFKA_BOOTSTRAP_SERVERS");
        String prefix = m.tesseraConfig().getData().getOrDefault("TESSERA_KAFKA_TOPIC_PREFIX", "");
        assertEquals(Topic.values().length, topics.size(), overlay + ": one KafkaTopic per Topic");
        for (Topic topic : Topic.values()) {
            String name = topic.name(prefix);
            GenericKubernetesResource resource = topics.stream().filter(t -> name.equals(((Map<String, Object>) t
                    .getAdditionalProperties().get("spec")).get("topicName"))).findFirst()
                    .orElseThrow(() -> new AssertionError(overlay + ": no KafkaTopic for " + name + ": add it to "
                            + "deploy/components/strimzi-topics/kafka-topics.yaml (and docker-compose.yml)"));
            Map<String, Object> spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
            Map<String, Object> config = (Map<String, Object>) spec.get("config");
            assertEquals(topic.partitions(), ((Number) spec.get("partitions")).intValue(), overlay + ": " + name);
            assertEquals(topic.retention().toMillis(), ((Number) config.get("retention.ms")).longValue(),
                    overlay + ": " + name + " retention.ms");
            String cluster = resource.getMetadata().getLabels().get("strimzi.io/cluster");
            assertEquals(cluster + "-kafka-bootstrap:9092", bootstrap, overlay + ": the services use the cluster "
                    + "the topics are declared in");
            int replicas = ((Number) spec.get("replicas")).intValue();
            int minInSync = ((Number) config.get("min.insync.replicas")).intValue();
            assertTrue(minInSync <= replicas, overlay + ": " + name);
            if (overlay.equals("prod")) {
                assertEquals(3, replicas, "prod replicates " + name + " three times");
                assertEquals(2, minInSync, "prod: " + name);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void rateLimitsStayOnAndTheClientAddressComesFromThePodNetwork(String overlay) {
        Map<String, String> data = Manifests.of(overlay).tesseraConfig().getData();
        rateLimitsStayOn(overlay, data);
        String trusted = data.get("TESSERA_TRUSTED_PROXIES");
        assertNotNull(trusted, overlay + ": the ingress controller must be a trusted proxy, or every client shares its"
                + " address");
        trustsOnlyPrivateRanges(overlay, trusted);
    }

    /** No limit is switched off. */
    static void rateLimitsStayOn(String where, Map<String, ?> settings) {
        settings.forEach((name, value) -> {
            if (name.startsWith("TESSERA_RATE_LIMIT_") || name.startsWith("GOTRUE_RATE_LIMIT_")) {
                assertFalse(String.valueOf(value).trim().equalsIgnoreCase("off"), where + ": " + name + " is off");
            }
        });
    }

    /** Trusted proxies are address ranges of the cluster or compose network, never the whole internet. */
    static void trustsOnlyPrivateRanges(String where, String trusted) {
        for (String range : trusted.split(",")) {
            String cidr = range.trim();
            assertTrue(cidr.matches("(10|172\\.(1[6-9]|2\\d|3[01])|192\\.168)\\.[0-9.]+/(\\d+)|127\\.[0-9.]+/\\d+"),
                    where + ": " + cidr + " is not a private IPv4 range");
            int prefix = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
            assertTrue(prefix >= 8 && prefix <= 32, where + ": " + cidr);
        }
    }
}
