package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * The NetworkPolicies, read as what each service may receive and send: the service port only from the ingress
 * controller and the sibling services that call it, the management port only from Prometheus (prod), and out only to
 * DNS, PostgreSQL (or its pooler), Kafka, the siblings it calls, and what its features need outside: the OAuth
 * providers (auth-service), the SMTP relay and template URLs (mail-service), public hook targets and the in-cluster
 * function host the overlay names (hook-service). {@link Egress} then tries concrete destinations against them.
 */
class NetworkPolicyTest {

    /** Who may call whom inside the suite (internal REST). */
    private static final Map<String, Set<String>> CALLS = Map.of(
            "auth-service", Set.of("user-service", "hook-service"),
            "user-service", Set.of("hook-service"),
            "hook-service", Set.of("auth-service"),
            "mail-service", Set.of());
    private static final Set<Integer> SMTP_PORTS = Set.of(25, 465, 587, 1025);
    private static final Set<Integer> WEB_PORTS = Set.of(80, 443);
    private static final List<String> PRIVATE_RANGES = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "169.254.0.0/16", "100.64.0.0/10");

    /** A connection out of the cluster, and whether the service's policies must let it through. */
    record Attempt(String service, String address, int port, boolean allowed, String what) {
    }

    private static final List<Attempt> OUTSIDE = List.of(
            // OAuth /callback: the code exchange and the profile call, over HTTPS only.
            new Attempt("auth-service", "140.82.112.3", 443, true, "GitHub"),
            new Attempt("auth-service", "142.250.74.110", 443, true, "Google"),
            new Attempt("auth-service", "140.82.112.3", 80, false, "GitHub over plain HTTP"),
            new Attempt("auth-service", "10.12.0.7", 443, false, "a private address"),
            new Attempt("auth-service", "169.254.169.254", 443, false, "the metadata address"),
            new Attempt("mail-service", "198.51.100.25", 587, true, "an SMTP relay (submission)"),
            new Attempt("mail-service", "198.51.100.25", 465, true, "an SMTP relay (implicit TLS)"),
            new Attempt("mail-service", "203.0.113.80", 443, true, "a template URL"),
            new Attempt("mail-service", "10.12.0.7", 443, false, "a private address on 443"),
            new Attempt("mail-service", "169.254.169.254", 587, false, "the metadata address"),
            new Attempt("mail-service", "203.0.113.80", 80, false, "a template over plain HTTP"),
            new Attempt("hook-service", "203.0.113.80", 443, true, "a webhook on 443"),
            new Attempt("hook-service", "203.0.113.80", 80, true, "a webhook on 80"),
            new Attempt("hook-service", "203.0.113.80", 8443, false, "a webhook on another port"),
            new Attempt("hook-service", "10.12.0.7", 443, false, "a private address"),
            new Attempt("hook-service", "100.64.1.1", 443, false, "a CGNAT address"),
            new Attempt("hook-service", "169.254.169.254", 80, false, "the metadata address"),
            new Attempt("user-service", "203.0.113.80", 443, false, "anything outside"));

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
                    for (NetworkPolicyPeer peer : rule.getFrom()) {
                        String source = source(m, where, peer);
                        sources.add(source);
                        // Prometheus scrapes the management port and nothing else; everyone else calls the API.
                        String allowed = source.equals("prometheus") ? "management" : "http";
                        for (NetworkPolicyPort port : rule.getPorts()) {
                            assertEquals(allowed, port.getPort().getStrVal(), where + ": " + source
                                    + " may reach port " + port.getPort());
                        }
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
            switch (service) {
                case "auth-service" -> expected.add("oauth-providers");
                case "mail-service" -> expected.addAll(Set.of("smtp", "template-urls"));
                case "hook-service" -> {
                    expected.add("hook-targets");
                    functionHost(m).ifPresent(host -> expected.add("function-host"));
                }
                default -> {
                }
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
        if (ports.equals(Set.of(443)) && service.equals("auth-service")) {
            assertPublicOnly(where + ": the OAuth providers", rule);
            return "oauth-providers";
        }
        if (ports.equals(Set.of(443)) && service.equals("mail-service")) {
            assertPublicOnly(where + ": template URLs", rule);
            return "template-urls";
        }
        if (WEB_PORTS.containsAll(ports) && service.equals("hook-service")
                && rule.getTo().stream().allMatch(peer -> peer.getIpBlock() != null)) {
            assertPublicOnly(where + ": hook targets", rule);
            return "hook-targets";
        }
        if (service.equals("hook-service") && functionHost(m).isPresent()) {
            URI host = functionHost(m).get();
            assertEquals(Set.of(host.getPort()), ports, where + ": the function host's port, as TESSERA_FUNCTIONS_URL "
                    + "names it");
            assertEquals(1, rule.getTo().size(), where);
            NetworkPolicyPeer peer = rule.getTo().get(0);
            assertTrue(peer.getNamespaceSelector() == null && peer.getIpBlock() == null, where + ": the function "
                    + "host is in the namespace");
            assertEquals(Map.of("app.kubernetes.io/name", host.getHost()), peer.getPodSelector().getMatchLabels(),
                    where + ": the function host's pods are those named like its Service");
            return "function-host";
        }
        return fail(where + ": " + service + " may not connect to ports " + ports + " of " + rule.getTo());
    }

    /**
     * Concrete destinations, tried against every policy that selects the service's pods: what each feature needs is
     * allowed, its near misses are not.
     */
    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void eachServiceReachesWhatItsFeaturesNeedAndNothingNextToIt(String overlay) {
        Manifests m = Manifests.of(overlay);
        for (Attempt attempt : OUTSIDE) {
            assertEquals(attempt.allowed(), new Egress(m, attempt.service()).allows(attempt.address(), attempt.port()),
                    overlay + ": " + attempt);
        }
        Egress auth = new Egress(m, "auth-service");
        Egress hook = new Egress(m, "hook-service");
        assertTrue(auth.allowsPod(podLabels(m, "user-service"), 8080), overlay + ": auth-service -> user-service");
        assertFalse(hook.allowsPod(podLabels(m, "user-service"), 8080), overlay + ": hook-service -> user-service");
        Optional<URI> functions = functionHost(m);
        assertTrue(functions.isPresent(), overlay + ": names an in-cluster function host (TESSERA_FUNCTIONS_URL)");
        Map<String, String> functionPods = Map.of("app.kubernetes.io/name", functions.get().getHost());
        assertTrue(hook.allowsPod(functionPods, functions.get().getPort()), overlay + ": hook-service -> "
                + functions.get());
        assertFalse(hook.allowsPod(functionPods, functions.get().getPort() + 1), overlay + ": hook-service -> "
                + "another port of the function host");
        assertFalse(auth.allowsPod(functionPods, functions.get().getPort()), overlay + ": auth-service -> the "
                + "function host (it holds an admin token)");
        // hook-service refuses private targets unless told otherwise; the function host is one.
        assertEquals("true", m.tesseraConfig().getData().get("TESSERA_HOOKS_ALLOW_PRIVATE_TARGETS"), overlay
                + ": an in-cluster function host needs TESSERA_HOOKS_ALLOW_PRIVATE_TARGETS=true");
    }

    /** The function host the overlay names, when TESSERA_FUNCTIONS_URL is a name inside the namespace. */
    static Optional<URI> functionHost(Manifests m) {
        String url = m.tesseraConfig().getData().get("TESSERA_FUNCTIONS_URL");
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        URI uri = URI.create(url);
        return uri.getHost().contains(".") ? Optional.empty() : Optional.of(uri);
    }

    private static void assertPublicOnly(String where, NetworkPolicyEgressRule rule) {
        for (NetworkPolicyPeer peer : rule.getTo()) {
            assertNotNull(peer.getIpBlock(), where + " are addresses outside the cluster: " + peer);
            String cidr = peer.getIpBlock().getCidr();
            List<String> except = list(peer.getIpBlock().getExcept());
            for (String range : PRIVATE_RANGES) {
                assertTrue(except.contains(range) || !Egress.overlaps(cidr, range), where + ": " + cidr
                        + " includes the private range " + range);
            }
        }
    }

    private static List<NetworkPolicy> selecting(Manifests m, String service) {
        Map<String, String> labels = podLabels(m, service);
        return m.networkPolicies().stream().filter(p -> Manifests.selects(p.getSpec().getPodSelector(), labels))
                .toList();
    }

    static Map<String, String> podLabels(Manifests m, String service) {
        return m.get(Deployment.class, service).getSpec().getTemplate().getMetadata().getLabels();
    }

    private static boolean empty(List<?> list) {
        return list == null || list.isEmpty();
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
