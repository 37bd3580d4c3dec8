package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

/**
 * The clusters the services need are in every overlay (components/clusters): a Strimzi Kafka in KRaft mode whose
 * broker creates no topic by itself, with a KafkaTopic for every topic a service names, and a CloudNativePG Cluster
 * that DATABASE_URL points at. What the rendering needs installed beforehand (the operators and their CRDs) is
 * documented step by step in docs/deploy.md, and each kind of the rendering is provided by a step before the apply.
 */
class ClusterDependenciesTest {

    /** API groups every cluster has. */
    private static final Set<String> BUILT_IN = Set.of("", "apps", "autoscaling", "policy", "networking.k8s.io");
    private static final Pattern TOPIC = Pattern.compile(
            "(?m)^mp\\.messaging\\.(?:incoming|outgoing)\\.[a-z-]+\\.(?:dead-letter-queue\\.)?topic=(\\S+)$");
    private static final String PREFIX = "${tessera.kafka.topic-prefix:}";

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    @SuppressWarnings("unchecked")
    void kafkaRunsInKRaftModeAndCreatesNoTopicByItself(String overlay) {
        Manifests m = Manifests.of(overlay);
        String bootstrap = m.tesseraConfig().getData().get("KAFKA_BOOTSTRAP_SERVERS");
        GenericKubernetesResource kafka = one(m, "Kafka");
        assertEquals(kafka.getMetadata().getName() + "-kafka-bootstrap:9092", bootstrap, overlay + ": the services "
                + "connect to the Kafka in the rendering");
        Map<String, Object> spec = (Map<String, Object>) ConnectionBudgetTest.spec(kafka).get("kafka");
        assertFalse(ConnectionBudgetTest.spec(kafka).containsKey("zookeeper"), overlay + ": no ZooKeeper");
        // The release line the local run and the tests use (kafka.broker.version); Strimzi pins its own patch release.
        String tested = System.getProperty("tessera.kafka.broker.version", "4.1.1");
        assertEquals(tested.substring(0, tested.lastIndexOf('.')), String.valueOf(spec.get("version"))
                .replaceAll("\\.\\d+$", ""), overlay + ": the cluster runs the Kafka release the suite is tested with");
        Map<String, Object> config = (Map<String, Object>) spec.get("config");
        assertEquals(false, config.get("auto.create.topics.enable"), overlay + ": the broker creates no topic");
        assertTrue(((List<Map<String, Object>>) spec.get("listeners")).stream()
                .anyMatch(l -> ((Number) l.get("port")).intValue() == 9092 && "internal".equals(l.get("type"))),
                overlay + ": an internal listener on 9092");

        int brokers = 0;
        boolean controllers = false;
        for (GenericKubernetesResource pool : m.generic("KafkaNodePool")) {
            assertEquals(kafka.getMetadata().getName(), pool.getMetadata().getLabels().get("strimzi.io/cluster"));
            List<String> roles = (List<String>) ConnectionBudgetTest.spec(pool).get("roles");
            int replicas = ((Number) ConnectionBudgetTest.spec(pool).get("replicas")).intValue();
            brokers += roles.contains("broker") ? replicas : 0;
            controllers |= roles.contains("controller") && replicas > 0;
        }
        assertTrue(controllers, overlay + ": KRaft controllers in a node pool");
        int minInSync = ((Number) config.get("min.insync.replicas")).intValue();
        for (String factor : List.of("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor")) {
            int replicas = ((Number) config.get(factor)).intValue();
            assertTrue(minInSync <= replicas && replicas <= brokers, overlay + ": " + factor + " " + replicas
                    + " with " + brokers + " brokers, min.insync.replicas " + minInSync);
        }
        if (overlay.equals("prod")) {
            assertEquals(3, brokers, "prod runs three brokers");
            assertEquals(2, minInSync, "prod: a write is acknowledged by two brokers");
        }

        // Every topic a service names, its dead-letter topics included, is declared for this cluster.
        Set<String> declared = new TreeSet<>();
        for (GenericKubernetesResource topic : m.generic("KafkaTopic")) {
            assertEquals(kafka.getMetadata().getName(), topic.getMetadata().getLabels().get("strimzi.io/cluster"),
                    overlay + ": " + topic.getMetadata().getName() + " belongs to the cluster");
            Map<String, Object> topicSpec = ConnectionBudgetTest.spec(topic);
            int replicas = ((Number) topicSpec.get("replicas")).intValue();
            assertTrue(replicas <= brokers, overlay + ": " + topic.getMetadata().getName() + " wants " + replicas
                    + " replicas of " + brokers + " brokers");
            declared.add(String.valueOf(topicSpec.get("topicName")));
        }
        String prefix = m.tesseraConfig().getData().getOrDefault("TESSERA_KAFKA_TOPIC_PREFIX", "");
        Set<String> used = new TreeSet<>();
        for (String service : Manifests.SERVICES) {
            Matcher topic = TOPIC.matcher(WorkloadTest.applicationProperties(service));
            while (topic.find()) {
                used.add(topic.group(1).replace(PREFIX, prefix));
            }
        }
        assertTrue(used.contains(prefix + "identity.mail.v1.dlq") && used.contains(prefix + "identity.hooks.v1.dlq"),
                "the dead-letter topics are among those read from application.properties: " + used);
        assertTrue(declared.containsAll(used), overlay + ": topics without a KafkaTopic: " + used.stream()
                .filter(t -> !declared.contains(t)).toList());
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void postgresqlIsTheClusterDatabaseUrlNames(String overlay) {
        Manifests m = Manifests.of(overlay);
        GenericKubernetesResource cluster = one(m, "Cluster");
        URI database = URI.create(m.tesseraConfig().getData().get("DATABASE_URL"));
        assertEquals(cluster.getMetadata().getName() + "-rw", database.getHost(), overlay + ": DATABASE_URL names the "
                + "primary's service");
        @SuppressWarnings("unchecked")
        Map<String, Object> initdb = (Map<String, Object>) ((Map<String, Object>) ConnectionBudgetTest.spec(cluster)
                .get("bootstrap")).get("initdb");
        assertEquals(database.getPath().substring(1), initdb.get("database"), overlay + ": the database");
        assertEquals(database.getUserInfo(), initdb.get("owner"), overlay + ": its owner is the services' user");
        if (overlay.equals("prod")) {
            assertEquals(3, ((Number) ConnectionBudgetTest.spec(cluster).get("instances")).intValue(),
                    "prod: a primary and two replicas to fail over to");
        }
        // The PostgreSQL egress policy admits the cluster's pods, which CloudNativePG labels cnpg.io/cluster.
        NetworkPolicy egress = m.get(NetworkPolicy.class, "tessera-egress-postgresql");
        assertEquals(cluster.getMetadata().getName(), egress.getSpec().getEgress().get(0).getTo().get(0)
                .getPodSelector().getMatchLabels().get("cnpg.io/cluster"), overlay);
        for (GenericKubernetesResource pooler : m.generic("Pooler")) {
            NetworkPolicy pooled = m.get(NetworkPolicy.class, "tessera-egress-postgresql-pooler");
            assertEquals(pooler.getMetadata().getName(), pooled.getSpec().getEgress().get(0).getTo().get(0)
                    .getPodSelector().getMatchLabels().get("cnpg.io/poolerName"), overlay);
        }
    }

    /**
     * Strimzi copies a Kafka's labels to its pods (and CloudNativePG may be told to): a cluster object labelled like
     * the suite would put the brokers or the database under the suite's default-deny policy.
     */
    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void noPolicyOfTheSuiteSelectsTheClusters(String overlay) {
        Manifests m = Manifests.of(overlay);
        NetworkPolicy deny = m.get(NetworkPolicy.class, "tessera-default-deny");
        for (String kind : List.of("Kafka", "KafkaNodePool", "Cluster", "Pooler")) {
            for (GenericKubernetesResource resource : m.generic(kind)) {
                assertFalse(Manifests.selects(deny.getSpec().getPodSelector(), resource.getMetadata().getLabels()),
                        overlay + ": " + kind + " " + resource.getMetadata().getName() + " carries the suite's labels");
            }
        }
    }

    /** cert-manager issues the one certificate once; the Ingresses of the same host share its Secret. */
    @Test
    void oneIngressAsksCertManagerForTheCertificate() {
        Manifests m = Manifests.of("prod");
        List<Ingress> issuing = m.ingresses().stream().filter(i -> i.getMetadata().getAnnotations() != null
                && i.getMetadata().getAnnotations().keySet().stream().anyMatch(k -> k.startsWith("cert-manager.io/")))
                .toList();
        assertEquals(List.of("tessera"), issuing.stream().map(i -> i.getMetadata().getName()).toList());
        Set<String> secrets = new TreeSet<>();
        m.ingresses().forEach(i -> i.getSpec().getTls().forEach(t -> secrets.add(t.getSecretName())));
        assertEquals(1, secrets.size(), "one certificate Secret for the one host: " + secrets);
    }

    /**
     * docs/deploy.md's install order: each step that installs an operator names the API groups it brings, and every
     * group a rendering uses (cert-manager's annotation included) comes from a step before the apply.
     */
    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyKindOfTheRenderingIsInstalledBeforeTheApply(String overlay) {
        Map<String, Integer> providedAt = new LinkedHashMap<>();
        int applyStep = -1;
        String docs = DeployFiles.read(DeployFiles.repoRoot().resolve("docs/deploy.md"));
        Matcher step = Pattern.compile("(?m)^\\| (\\d+) \\|(.*)\\|$").matcher(docs);
        while (step.find()) {
            int number = Integer.parseInt(step.group(1));
            String[] cells = step.group(2).split("\\|", -1);
            if (cells[0].contains("kubectl apply -k deploy/overlays/")) {
                applyStep = number;
            }
            Matcher group = Pattern.compile("`([a-z0-9.-]+\\.[a-z]+)`").matcher(cells[cells.length - 1]);
            while (group.find()) {
                providedAt.putIfAbsent(group.group(1), number);
            }
        }
        assertTrue(applyStep > 0, "docs/deploy.md's install order has the step `kubectl apply -k deploy/overlays/...`");
        Manifests m = Manifests.of(overlay);
        Set<String> needed = new TreeSet<>();
        for (HasMetadata object : m.objects()) {
            String apiVersion = object.getApiVersion();
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            if (!BUILT_IN.contains(group)) {
                needed.add(group);
            }
            if (object.getMetadata().getAnnotations() != null) {
                object.getMetadata().getAnnotations().keySet().stream().filter(k -> k.startsWith("cert-manager.io/"))
                        .forEach(k -> needed.add("cert-manager.io"));
            }
        }
        List<String> missing = new ArrayList<>();
        for (String group : needed) {
            Integer at = providedAt.get(group);
            if (at == null || at >= applyStep) {
                missing.add(group + (at == null ? " (no step installs it)" : " (installed at step " + at
                        + ", after the apply)"));
            }
        }
        assertEquals(List.of(), missing, overlay + ": API groups the rendering needs");
    }

    private static GenericKubernetesResource one(Manifests m, String kind) {
        List<GenericKubernetesResource> found = m.generic(kind);
        assertEquals(1, found.size(), m.name() + ": want one " + kind + ", found " + found.size());
        return found.get(0);
    }
}
