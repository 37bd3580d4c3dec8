package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import dev.tessera.platform.event.Topic;

/** Every overlay renders, and every workload in it is probed, bounded, unprivileged, scalable and stops cleanly. */
class WorkloadTest {

    private static final String GROUP_INSTANCE_ID = "TESSERA_KAFKA_GROUP_INSTANCE_ID";
    private static final String MANAGEMENT = "management";
    private static final int MANAGEMENT_PORT = 9000;
    private static final Map<String, String> PROBE_PATHS = Map.of("startup", "/q/health/started", "liveness",
            "/q/health/live", "readiness", "/q/health/ready");

    @Test
    void thereIsADevAndAProdOverlay() {
        assertTrue(DeployFiles.overlayNames().containsAll(List.of("dev", "prod")), DeployFiles.overlayNames()
                .toString());
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyServiceHasItsFullSetOfResources(String overlay) {
        Manifests m = Manifests.of(overlay);
        assertFalse(m.objects().isEmpty(), overlay + " renders nothing");
        for (String service : Manifests.SERVICES) {
            m.get(Deployment.class, service);
            m.get(Service.class, service);
            m.get(HorizontalPodAutoscaler.class, service);
            m.get(PodDisruptionBudget.class, service);
            m.get(io.fabric8.kubernetes.api.model.ServiceAccount.class, service);
            m.get(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, service);
        }
        for (var object : m.objects()) {
            assertNotNull(object.getMetadata().getNamespace(), overlay + ": " + object.getKind() + " "
                    + object.getMetadata().getName() + " has no namespace");
            assertFalse(object.getKind().equals("Secret"), overlay + ": a Secret is committed: "
                    + object.getMetadata().getName());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyDeploymentIsProbedBoundedAndUnprivileged(String overlay) {
        Manifests m = Manifests.of(overlay);
        assertFalse(m.deployments().isEmpty());
        for (Deployment deployment : m.deployments()) {
            String name = overlay + "/" + deployment.getMetadata().getName();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            PodSecurityContext podSecurity = pod.getSecurityContext();
            assertNotNull(podSecurity, name + ": no pod securityContext");
            assertEquals(Boolean.TRUE, podSecurity.getRunAsNonRoot(), name + ": runAsNonRoot");
            assertTrue(podSecurity.getRunAsUser() != null && podSecurity.getRunAsUser() > 0, name + ": runAsUser");
            assertEquals("RuntimeDefault", podSecurity.getSeccompProfile().getType(), name + ": seccomp");
            assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), name + ": no API token mounted");
            assertNotNull(pod.getServiceAccountName(), name + ": serviceAccountName");
            m.get(io.fabric8.kubernetes.api.model.ServiceAccount.class, pod.getServiceAccountName());
            assertFalse(pod.getContainers().isEmpty());
            for (Container container : pod.getContainers()) {
                String where = name + "/" + container.getName();
                assertProbe(where, "startup", container.getStartupProbe(), container);
                assertProbe(where, "liveness", container.getLivenessProbe(), container);
                assertProbe(where, "readiness", container.getReadinessProbe(), container);

                var resources = container.getResources();
                assertNotNull(resources, where + ": resources");
                for (String kind : List.of("cpu", "memory")) {
                    Quantity request = resources.getRequests() == null ? null : resources.getRequests().get(kind);
                    Quantity limit = resources.getLimits() == null ? null : resources.getLimits().get(kind);
                    assertNotNull(request, where + ": no " + kind + " request");
                    assertNotNull(limit, where + ": no " + kind + " limit");
                    assertTrue(request.getNumericalAmount().compareTo(limit.getNumericalAmount()) <= 0,
                            where + ": " + kind + " request " + request + " above limit " + limit);
                }

                SecurityContext security = container.getSecurityContext();
                assertNotNull(security, where + ": container securityContext");
                assertEquals(Boolean.TRUE, security.getRunAsNonRoot(), where + ": runAsNonRoot");
                assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation(), where + ": privilege escalation");
                assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem(), where + ": read-only root");
                assertEquals(List.of("ALL"), security.getCapabilities().getDrop(), where + ": capabilities");
                var tmp = container.getVolumeMounts().stream().filter(v -> v.getMountPath().equals("/tmp"))
                        .findFirst().orElseThrow(() -> new AssertionError(where + ": nothing mounted at /tmp"));
                Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(tmp.getName())).findFirst()
                        .orElseThrow(() -> new AssertionError(where + ": no volume " + tmp.getName()));
                assertNotNull(volume.getEmptyDir(), where + ": /tmp is an emptyDir");
                assertFalse(container.getImage().endsWith(":latest"), where + ": image " + container.getImage());
            }
        }
    }

    private static void assertProbe(String where, String kind, Probe probe, Container container) {
        assertNotNull(probe, where + ": no " + kind + " probe");
        assertNotNull(probe.getHttpGet(), where + ": " + kind + " probe is not an HTTP GET");
        assertEquals(PROBE_PATHS.get(kind), probe.getHttpGet().getPath(), where + ": " + kind + " probe path");
        assertEquals(MANAGEMENT, probe.getHttpGet().getPort().getStrVal(), where + ": " + kind + " probe on the "
                + "management port");
        assertEquals(MANAGEMENT_PORT, managementPort(where, container).getContainerPort(), where);
    }

    private static ContainerPort managementPort(String where, Container container) {
        return container.getPorts().stream().filter(p -> MANAGEMENT.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": no container port named " + MANAGEMENT));
    }

    /**
     * Health and metrics are served on Quarkus' management interface (quarkus.management.enabled, port 9000), which no
     * Service exposes and hence no Ingress can route; the API port serves neither. Prometheus finds the port by the
     * pod annotations and, in prod, the PodMonitor.
     */
    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void healthAndMetricsAreOnAManagementPortThatNoServiceOrIngressRoutes(String overlay) {
        Manifests m = Manifests.of(overlay);
        for (String service : Manifests.SERVICES) {
            String properties = applicationProperties(service);
            assertTrue(properties.lines().anyMatch(l -> l.equals("quarkus.management.enabled=true")), service
                    + ": health and metrics on the management interface");
            Deployment deployment = m.get(Deployment.class, service);
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            ContainerPort management = managementPort(overlay + "/" + service, container);
            var annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
            assertEquals(String.valueOf(management.getContainerPort()), annotations.get("prometheus.io/port"),
                    overlay + "/" + service + ": Prometheus scrapes the management port");
            for (Service s : m.services()) {
                if (!Manifests.selects(s.getSpec().getSelector(), deployment.getSpec().getTemplate().getMetadata()
                        .getLabels())) {
                    continue;
                }
                for (ServicePort port : s.getSpec().getPorts()) {
                    var target = port.getTargetPort();
                    assertFalse(MANAGEMENT.equals(target.getStrVal()) || management.getContainerPort().equals(
                            target.getIntVal()) || management.getContainerPort().equals(port.getPort()), overlay
                                    + ": Service " + s.getMetadata().getName() + " exposes the management port");
                }
            }
        }
        if (overlay.equals("prod")) {
            GenericKubernetesResource monitor = m.generic("PodMonitor").stream().findFirst()
                    .orElseThrow(() -> new AssertionError("prod: no PodMonitor"));
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("podMetricsEndpoints");
            assertEquals(List.of(Map.of("port", MANAGEMENT, "path", "/q/metrics", "interval", "30s")), endpoints);
            for (String service : Manifests.SERVICES) {
                @SuppressWarnings("unchecked")
                Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector"))
                        .get("matchLabels");
                assertTrue(Manifests.selects(selector, m.get(Deployment.class, service).getSpec().getTemplate()
                        .getMetadata().getLabels()), "prod: the PodMonitor selects " + service);
            }
        }
    }

    /**
     * Readiness holds what the service needs to answer. The API services (auth, user, hook) need the database; a
     * Kafka outage must leave them in the load balancer, since their outboxes keep the events, and hook-service's
     * synchronous hooks and function gateway go on. Their Kafka clients are therefore left out of readiness (the
     * Kafka admin check off, every channel's readiness off). mail-service's work is consuming: its readiness keeps
     * Kafka. Neither startup nor liveness follows a dependency in any of them: no channel's startup asks for its
     * broker connection (a pod started during an outage comes up), the database and Kafka checks are readiness
     * checks, and a channel reports itself dead only once it has stopped for good.
     */
    @Test
    void readinessFollowsOnlyWhatEachServiceNeedsToAnswer() {
        for (String service : Manifests.SERVICES) {
            String properties = applicationProperties(service);
            List<String> channels = properties.lines()
                    .filter(l -> l.matches("mp\\.messaging\\.(incoming|outgoing)\\.[a-z-]+\\.connector=.*"))
                    .map(l -> l.substring(0, l.indexOf(".connector="))
                            .replaceFirst("mp\\.messaging\\.[a-z]+\\.", ""))
                    .toList();
            assertFalse(channels.isEmpty(), service + " uses Kafka");
            boolean consumesForALiving = service.equals("mail-service");
            assertTrue(properties.contains("quarkus.kafka.health.enabled=" + consumesForALiving), service
                    + ": the Kafka admin check belongs in readiness only where the work is consuming");
            for (String channel : channels) {
                String health = "quarkus.messaging.health." + channel;
                assertEquals(!consumesForALiving, properties.contains(health + ".readiness.enabled=false"), service
                        + ": " + channel + " in readiness");
                assertTrue(properties.contains(health + ".startup.enabled=false"), service + ": " + channel
                        + " in startup asks for the broker connection");
                for (String off : List.of(health + ".enabled=false", health + ".liveness.enabled=false",
                        "." + channel + ".health-enabled=false")) {
                    assertFalse(properties.contains(off), service + ": " + channel + " keeps its liveness (a channel "
                            + "that stopped for good)");
                }
            }
            assertFalse(properties.contains("quarkus.datasource.health.enabled=false"), service
                    + ": readiness covers the database");
        }
    }

    static String applicationProperties(String service) {
        return DeployFiles.read(DeployFiles.repoRoot().resolve(service + "/src/main/resources/application.properties"));
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyServiceStopsGracefully(String overlay) {
        Manifests m = Manifests.of(overlay);
        Duration shutdownTimeout = Duration.parse("PT" + m.tesseraConfig().getData().get("QUARKUS_SHUTDOWN_TIMEOUT")
                .toUpperCase());
        for (String service : Manifests.SERVICES) {
            Deployment deployment = m.get(Deployment.class, service);
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().get(0);
            List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();
            assertEquals("sleep", preStop.get(0), service + ": preStop waits for the endpoint removal");
            long budget = Long.parseLong(preStop.get(1)) + shutdownTimeout.toSeconds();
            assertTrue(pod.getTerminationGracePeriodSeconds() > budget, service + ": terminationGracePeriodSeconds "
                    + pod.getTerminationGracePeriodSeconds() + " must exceed preStop + QUARKUS_SHUTDOWN_TIMEOUT = "
                    + budget);
            var rolling = deployment.getSpec().getStrategy().getRollingUpdate();
            assertEquals(0, rolling.getMaxUnavailable().getIntVal(), service + ": rollouts keep every replica");
        }
    }

    /**
     * A service that consumes Kafka (an incoming channel in its application.properties) runs its consumers as static
     * group members named after the pod, so a restarted container takes its partitions back at once. The name must
     * come from each pod: one shared value (say in the ConfigMap) would make the replicas fence each other.
     */
    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyKafkaConsumerIsAStaticGroupMemberNamedAfterItsPod(String overlay) {
        Manifests m = Manifests.of(overlay);
        assertFalse(m.tesseraConfig().getData().containsKey(GROUP_INSTANCE_ID), overlay + ": " + GROUP_INSTANCE_ID
                + " in the ConfigMap names every replica alike");
        Set<String> consumers = new TreeSet<>();
        for (String service : Manifests.SERVICES) {
            String properties = applicationProperties(service);
            List<String> channels = properties.lines()
                    .filter(line -> line.startsWith("mp.messaging.incoming.") && line.contains(".connector="))
                    .map(line -> line.substring("mp.messaging.incoming.".length(), line.indexOf(".connector=")))
                    .toList();
            for (String channel : channels) {
                assertTrue(properties.contains("mp.messaging.incoming." + channel
                        + ".group.instance.id=${tessera.kafka.group-instance-id:}"), service + ": channel " + channel
                                + " does not take its member name from " + GROUP_INSTANCE_ID);
            }
            var env = m.get(Deployment.class, service).getSpec().getTemplate().getSpec().getContainers().get(0)
                    .getEnv().stream().filter(e -> e.getName().equals(GROUP_INSTANCE_ID)).findFirst();
            if (channels.isEmpty()) {
                assertTrue(env.isEmpty(), overlay + "/" + service + " consumes nothing but sets " + GROUP_INSTANCE_ID);
                continue;
            }
            consumers.add(service);
            assertTrue(env.isPresent(), overlay + "/" + service + " consumes " + channels + " but does not set "
                    + GROUP_INSTANCE_ID);
            assertNull(env.get().getValue(), overlay + "/" + service + ": " + GROUP_INSTANCE_ID + " is one value for "
                    + "every replica");
            assertEquals("metadata.name", env.get().getValueFrom().getFieldRef().getFieldPath(), overlay + "/"
                    + service + ": " + GROUP_INSTANCE_ID + " is the pod's name");
        }
        assertEquals(Set.of("hook-service", "mail-service", "user-service"), consumers, overlay);
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyAutoscalerTargetsADeploymentThatLeavesItTheReplicaCount(String overlay) {
        Manifests m = Manifests.of(overlay);
        Set<String> scaled = m.autoscalers().stream().map(h -> {
            var target = h.getSpec().getScaleTargetRef();
            String where = overlay + "/hpa/" + h.getMetadata().getName();
            assertEquals("Deployment", target.getKind(), where);
            assertEquals("apps/v1", target.getApiVersion(), where);
            Deployment deployment = m.get(Deployment.class, target.getName());
            assertNull(deployment.getSpec().getReplicas(), where + ": the Deployment sets spec.replicas, which "
                    + "every apply would reset");
            assertTrue(h.getSpec().getMinReplicas() >= 1 && h.getSpec().getMinReplicas() <= h.getSpec()
                    .getMaxReplicas(), where + ": min/max");
            assertFalse(h.getSpec().getMetrics().isEmpty(), where + ": no metric");
            return target.getName();
        }).collect(Collectors.toSet());
        assertEquals(Set.copyOf(Manifests.SERVICES), scaled, overlay + ": the services with an autoscaler");

        // mail-service's consumers share identity.mail.v1: replicas beyond its partition count would idle.
        HorizontalPodAutoscaler mail = m.get(HorizontalPodAutoscaler.class, "mail-service");
        assertTrue(mail.getSpec().getMaxReplicas() <= Topic.MAIL.partitions(), overlay + ": mail-service may scale "
                + "to " + mail.getSpec().getMaxReplicas() + " but " + Topic.MAIL.baseName() + " has "
                + Topic.MAIL.partitions() + " partitions");
        if (overlay.equals("prod")) {
            for (HorizontalPodAutoscaler h : m.autoscalers()) {
                assertTrue(h.getSpec().getMinReplicas() >= 2, "prod runs every service at least twice: "
                        + h.getMetadata().getName());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyDisruptionBudgetSelectsTheReplicasOfExactlyOneDeployment(String overlay) {
        Manifests m = Manifests.of(overlay);
        Set<String> covered = m.disruptionBudgets().stream().map(pdb -> {
            List<Deployment> selected = m.deployments().stream().filter(d -> Manifests.selects(pdb.getSpec()
                    .getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())).toList();
            assertEquals(1, selected.size(), overlay + "/pdb/" + pdb.getMetadata().getName() + " selects "
                    + selected.size() + " Deployments");
            assertTrue(pdb.getSpec().getMaxUnavailable() != null || pdb.getSpec().getMinAvailable() != null);
            return selected.get(0).getMetadata().getName();
        }).collect(Collectors.toSet());
        assertEquals(Set.copyOf(Manifests.SERVICES), covered, overlay + ": the services with a disruption budget");
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyServiceSelectsPodsThatServeItsTargetPort(String overlay) {
        Manifests m = Manifests.of(overlay);
        for (Service service : m.services()) {
            String where = overlay + "/service/" + service.getMetadata().getName();
            List<Deployment> selected = m.deployments().stream().filter(d -> Manifests.selects(service.getSpec()
                    .getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())).toList();
            assertEquals(1, selected.size(), where + " selects " + selected.size() + " Deployments");
            List<ContainerPort> ports = selected.get(0).getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts().stream()).toList();
            for (ServicePort port : service.getSpec().getPorts()) {
                var target = port.getTargetPort();
                assertTrue(ports.stream().anyMatch(p -> target.getIntVal() != null
                        ? target.getIntVal().equals(p.getContainerPort()) : target.getStrVal().equals(p.getName())),
                        where + ": target port " + target + " is not a container port of " + selected.get(0)
                                .getMetadata().getName());
            }
            // The Deployment's own selector must select its pods (the API server refuses otherwise).
            Deployment deployment = selected.get(0);
            assertTrue(Manifests.selects(deployment.getSpec().getSelector(), deployment.getSpec().getTemplate()
                    .getMetadata().getLabels()), where);
        }
    }

    @Test
    void prodPinsImagesToAVersion() {
        for (Deployment deployment : Manifests.of("prod").deployments()) {
            for (Container container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                String image = container.getImage();
                assertTrue(image.matches(".+:[0-9][A-Za-z0-9._-]*|.+@sha256:[0-9a-f]{64}"), "prod image " + image
                        + " is not pinned to a version");
            }
        }
    }
}
