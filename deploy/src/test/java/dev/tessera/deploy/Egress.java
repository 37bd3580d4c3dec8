package dev.tessera.deploy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * Where one service's pods may connect, decided as a NetworkPolicy implementation decides it: a connection is allowed
 * when some policy that selects the pods and governs their egress has a rule whose ports include the port and whose
 * peers include the destination. IPv4 addresses and pods of the same namespace; numeric ports (egress rules here
 * name no ports by name).
 */
final class Egress {

    private final List<NetworkPolicyEgressRule> rules;

    Egress(Manifests m, String service) {
        Deployment deployment = m.get(Deployment.class, service);
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        this.rules = m.networkPolicies().stream()
                .filter(p -> Manifests.selects(p.getSpec().getPodSelector(), labels))
                .filter(p -> p.getSpec().getPolicyTypes().contains("Egress"))
                .map(NetworkPolicy::getSpec)
                .flatMap(spec -> spec.getEgress() == null ? Stream.empty() : spec.getEgress().stream())
                .toList();
    }

    /** Whether a connection to {@code address:port} outside the namespace's pods is allowed. */
    boolean allows(String address, int port) {
        return rules.stream().anyMatch(rule -> covers(rule, port) && rule.getTo().stream()
                .anyMatch(peer -> peer.getIpBlock() != null && inBlock(address, peer)));
    }

    /** Whether a connection to a pod of the same namespace with these labels is allowed on {@code port}. */
    boolean allowsPod(Map<String, String> podLabels, int port) {
        return rules.stream().anyMatch(rule -> covers(rule, port) && rule.getTo().stream()
                .anyMatch(peer -> peer.getIpBlock() == null && peer.getNamespaceSelector() == null
                        && Manifests.selects(peer.getPodSelector(), podLabels)));
    }

    private static boolean covers(NetworkPolicyEgressRule rule, int port) {
        if (rule.getPorts() == null || rule.getPorts().isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : rule.getPorts()) {
            Integer from = p.getPort() == null ? null : p.getPort().getIntVal();
            int to = p.getEndPort() == null ? (from == null ? -1 : from) : p.getEndPort();
            if (from == null || from <= port && port <= to) {
                return true;
            }
        }
        return false;
    }

    private static boolean inBlock(String address, NetworkPolicyPeer peer) {
        if (!contains(peer.getIpBlock().getCidr(), address)) {
            return false;
        }
        List<String> except = peer.getIpBlock().getExcept();
        return except == null || except.stream().noneMatch(range -> contains(range, address));
    }

    /** Whether the IPv4 range {@code cidr} holds {@code address}. */
    static boolean contains(String cidr, String address) {
        int slash = cidr.indexOf('/');
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (ipv4(cidr.substring(0, slash)) & mask) == (ipv4(address) & mask);
    }

    /** Whether two IPv4 ranges share an address. */
    static boolean overlaps(String a, String b) {
        return contains(a, b.substring(0, b.indexOf('/'))) || contains(b, a.substring(0, a.indexOf('/')));
    }

    private static long ipv4(String address) {
        long value = 0;
        for (String part : address.split("\\.")) {
            value = value << 8 | Integer.parseInt(part);
        }
        return value;
    }
}
