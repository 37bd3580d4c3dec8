package dev.tessera.deploy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * A rendered overlay as fabric8 Kubernetes model objects. Kinds fabric8 has no class for (Strimzi's KafkaTopic,
 * Traefik's Middleware) are {@link GenericKubernetesResource}s.
 */
record Manifests(String name, String renderer, List<HasMetadata> objects) {

    /** The four services: every one must have the full set of resources. */
    static final List<String> SERVICES = List.of("auth-service", "user-service", "hook-service", "mail-service");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static Manifests of(String overlay) {
        Kustomize.Rendering rendering = Kustomize.render(DeployFiles.overlay(overlay));
        return new Manifests(overlay, rendering.renderer(), parse(rendering.yaml()));
    }

    static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<HasMetadata> objects = new ArrayList<>();
        if (parsed instanceof KubernetesList list) {
            objects.addAll(list.getItems());
        } else if (parsed instanceof Collection<?> collection) {
            collection.stream().filter(o -> o != null).map(HasMetadata.class::cast).forEach(objects::add);
        } else if (parsed instanceof HasMetadata single) {
            objects.add(single);
        }
        return objects;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<GenericKubernetesResource> generic(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(r -> kind.equals(r.getKind())).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(this.name + ": no " + type.getSimpleName()
                + " named " + name + " (rendered by " + renderer + ")"));
    }

    List<Deployment> deployments() {
        return all(Deployment.class);
    }

    List<Service> services() {
        return all(Service.class);
    }

    List<ServiceAccount> serviceAccounts() {
        return all(ServiceAccount.class);
    }

    List<HorizontalPodAutoscaler> autoscalers() {
        return all(HorizontalPodAutoscaler.class);
    }

    List<PodDisruptionBudget> disruptionBudgets() {
        return all(PodDisruptionBudget.class);
    }

    List<Ingress> ingresses() {
        return all(Ingress.class);
    }

    List<NetworkPolicy> networkPolicies() {
        return all(NetworkPolicy.class);
    }

    List<ConfigMap> configMaps() {
        return all(ConfigMap.class);
    }

    /** The ConfigMap generated as {@code tessera-config} (kubectl adds a hash suffix to its name). */
    ConfigMap tesseraConfig() {
        List<ConfigMap> found = configMaps().stream()
                .filter(c -> c.getMetadata().getName().matches("tessera-config(-[a-z0-9]{10})?")).toList();
        if (found.size() != 1) {
            throw new AssertionError(name + ": want exactly one tessera-config ConfigMap, found " + found.size());
        }
        return found.get(0);
    }

    /** Whether a label selector selects the given labels (matchLabels and the four matchExpressions operators). */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> have = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> wanted : selector.getMatchLabels().entrySet()) {
                if (!wanted.getValue().equals(have.get(wanted.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (var expression : selector.getMatchExpressions()) {
                String value = have.get(expression.getKey());
                boolean ok = switch (expression.getOperator()) {
                    case "In" -> value != null && expression.getValues().contains(value);
                    case "NotIn" -> value == null || !expression.getValues().contains(value);
                    case "Exists" -> have.containsKey(expression.getKey());
                    case "DoesNotExist" -> !have.containsKey(expression.getKey());
                    default -> throw new AssertionError("unknown operator " + expression.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether a plain selector map (a Service's) selects the labels; an empty selector selects nothing here. */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && labels.entrySet().containsAll(selector.entrySet());
    }
}
