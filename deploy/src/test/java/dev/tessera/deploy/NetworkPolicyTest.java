package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * The NetworkPolicies, read as what each service may receive and send: public ports only from the ingress
 * controller (and, in prod, Prometheus), internal APIs only from the sibling services that call them, and out only
 * to DNS, PostgreSQL, Kafka, the siblings it calls, the SMTP server (mail-service) and hook targets (hook-service).
 */
class NetworkPolicyTest {

    /** Who may call whom inside the suite (internal REST). */
    private static final Map<String, Set<String>> CALLS = Map.of(
            "auth-service", Set.of("user-service", "hook-service"),
            "user-service", Set.of("hook-service"),
            "hook-service", Set.of(),
            "mail-service", Set.of());
    private static final Set<Integer> SMTP_PORTS = Set.of(25, 465, 587, 1025);
    private static final Set<Integer> WEB_PORTS = Set.of(80, 443);
    private static final List<String> PRIVATE_RANGES = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "169.254.0.0/16");

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everythingIsDeniedUnlessAllowed(String overlay) {
        Manifests m = Manifests.of(overlay);
        for (String service : Manifests.SERVICES) {
            Map<String, String> labels = podLabels(m, service);
            boolean denied = m.networkPolicies().stream().anyMatch(p -> Manifests.selects(p.getSpec()
                    .getPodSelector(), labels) && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress",
                            "Egress")) && empty(p.getSpec().getIngress()) && empty(p.getSpec().getEgress()));
            assertTrue(denied, overlay + ": no default-deny policy selects " + service);
            NetworkPolicy own = m.get(NetworkPolicy.class, service);
            assertTrue(Manifests.selects(own.getSpec().getPodSelector(), labels), overlay + ": policy " + service
                    + " does not select its pods");
            assertEquals(Set.of("Ingress", "Egress"), Set.copyOf(own.getSpec().getPolicyTypes()), overlay + ": "
                    + service);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void onlyTheIngressControllerReachesPublicPortsAndOnlySiblingsReachInternalOnes(String overlay) {
        Manifests m = Manifests.of(overlay);
        for (String service : Manifests.SERVICES) {
            Set<String> sources = new TreeSet<>();
            for (NetworkPolicy policy : selecting(m, service)) {
                for (NetworkPolicyIngressRule rule : list(policy.getSpec().getIngress())) {
                    String where = overlay + "/" + policy.getMetadata().getName();
                    assertFalse(empty(rule.getFrom()), where + ": an ingress rule without 'from' admits anyone");
                    assertFalse(empty(rule.getPorts()), where + ": an ingress rule without ports opens every port");
                    for (NetworkPolicyPort port : rule.getPorts()) {
                        assertTrue(isServicePort(port.getPort()), where + ": ingress on port " + port.getPort());
                    }
                    for (NetworkPolicyPeer peer : rule.getFrom()) {
                        sources.add(source(m, where, peer));
                    }
                }
            }
            Set<String> expected = new TreeSet<>();
            // Only the services the route list sends requests to accept the ingress controller.
            if (RouteExpectations.publicServices().contains(service)) {
                expected.add("ingress-controller");
            }
            CALLS.forEach((caller, callees) -> {
                if (callees.contains(service)) {
                    expected.add(caller);
                }
            });
            if (overlay.equals("prod")) {
                expected.add("prometheus");
            }
            assertEquals(expected, sources, overlay + ": who may reach " + service);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void servicesReachOnlyTheirBackingServicesSiblingsAndOutsideServers(String overlay) {
        Manifests m = Manifests.of(overlay);
        for (String service : Manifests.SERVICES) {
            Set<String> destinations = new TreeSet<>();
            for (NetworkPolicy policy : selecting(m, service)) {
                for (NetworkPolicyEgressRule rule : list(policy.getSpec().getEgress())) {
                    destinations.add(destination(m, overlay + "/" + policy.getMetadata().getName(), service, rule));
                }
            }
            Set<String> expected = new TreeSet<>(Set.of("dns", "postgresql", "kafka"));
            expected.addAll(CALLS.get(service));
            if (service.equals("mail-service")) {
                expected.add("smtp");
            }
            if (service.equals("hook-service")) {
                expected.add("hook-targets");
            }
            assertEquals(expected, destinations, overlay + ": where " + service + " may connect");
        }
    }

    private static String source(Manifests m, String where, NetworkPolicyPeer peer) {
        if (peer.getIpBlock() != null) {
            fail(where + ": ingress from an address block " + peer.getIpBlock().getCidr());
        }
        Map<String, String> pods = peer.getPodSelector() == null ? null : peer.getPodSelector().getMatchLabels();
        if (peer.getNamespaceSelector() != null) {
            Map<String, String> namespace = peer.getNamespaceSelector().getMatchLabels();
            assertTrue(namespace != null && namespace.containsKey("kubernetes.io/metadata.name") && pods != null
                    && !pods.isEmpty(), where + ": a peer in another namespace names the namespace and the pods");
            if ("traefik".equals(pods.get("app.kubernetes.io/name"))) {
                return "ingress-controller";
            }
            if ("prometheus".equals(pods.get("app.kubernetes.io/name"))) {
                return "prometheus";
            }
            return fail(where + ": unexpected source " + peer);
        }
        assertTrue(pods != null && !pods.isEmpty(), where + ": a peer selecting every pod of the namespace");
        List<String> siblings = Manifests.SERVICES.stream().filter(s -> Manifests.selects(peer.getPodSelector(),
                podLabels(m, s))).toList();
        assertEquals(1, siblings.size(), where + ": a peer must name exactly one sibling: " + peer);
        return siblings.get(0);
    }

    private static String destination(Manifests m, String where, String service, NetworkPolicyEgressRule rule) {
        assertFalse(empty(rule.getTo()), where + ": an egress rule without 'to' reaches anything");
        assertFalse(empty(rule.getPorts()), where + ": an egress rule without ports reaches every port");
        Set<Integer> ports = new HashSet<>();
        for (NetworkPolicyPort port : rule.getPorts()) {
            assertTrue(port.getPort() != null && port.getPort().getIntVal() != null, where + ": egress ports are "
                    + "numbers");
            ports.add(port.getPort().getIntVal());
        }
        if (ports.equals(Set.of(53))) {
            rule.getTo().forEach(peer -> assertEquals("kube-dns", peer.getPodSelector().getMatchLabels()
                    .get("k8s-app"), where + ": DNS goes to kube-dns only"));
            return "dns";
        }
        if (ports.equals(Set.of(5432))) {
            return "postgresql";
        }
        if (ports.equals(Set.of(9092)) || ports.equals(Set.of(9093))) {
            rule.getTo().forEach(peer -> assertTrue(peer.getPodSelector() != null && peer.getPodSelector()
                    .getMatchLabels().containsKey("strimzi.io/cluster"), where + ": Kafka means the Strimzi pods"));
            return "kafka";
        }
        if (ports.equals(Set.of(8080))) {
            assertEquals(1, rule.getTo().size(), where + ": one sibling per rule peer list is clearer");
            NetworkPolicyPeer peer = rule.getTo().get(0);
            List<String> siblings = Manifests.SERVICES.stream().filter(s -> Manifests.selects(peer.getPodSelector(),
                    podLabels(m, s))).toList();
            assertTrue(peer.getNamespaceSelector() == null && peer.getIpBlock() == null && siblings.size() == 1,
                    where + ": port 8080 only to one sibling: " + peer);
            return siblings.get(0);
        }
        if (SMTP_PORTS.containsAll(ports) && service.equals("mail-service")) {
            return "smtp";
        }
        if (WEB_PORTS.containsAll(ports) && service.equals("hook-service")) {
            for (NetworkPolicyPeer peer : rule.getTo()) {
                assertTrue(peer.getIpBlock() != null && peer.getIpBlock().getExcept().containsAll(PRIVATE_RANGES),
                        where + ": hook targets are outside the cluster, never a private range or the metadata "
                                + "address: " + peer);
            }
            return "hook-targets";
        }
        return fail(where + ": " + service + " may not connect to ports " + ports + " of " + rule.getTo());
    }

    private static List<NetworkPolicy> selecting(Manifests m, String service) {
        Map<String, String> labels = podLabels(m, service);
        return m.networkPolicies().stream().filter(p -> Manifests.selects(p.getSpec().getPodSelector(), labels))
                .toList();
    }

    private static Map<String, String> podLabels(Manifests m, String service) {
        return m.get(Deployment.class, service).getSpec().getTemplate().getMetadata().getLabels();
    }

    private static boolean isServicePort(IntOrString port) {
        return port != null && ("http".equals(port.getStrVal()) || Integer.valueOf(8080).equals(port.getIntVal()));
    }

    private static boolean empty(List<?> list) {
        return list == null || list.isEmpty();
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
