package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

import dev.tessera.platform.route.PublicRoute;
import dev.tessera.platform.route.Upstream;

/**
 * The Ingresses declare exactly the routes of the suite's route list ({@link RouteExpectations}), route each to the
 * right service with the right path, and nothing else. Matching follows the Ingress rules (Exact, and Prefix by
 * whole path elements; the longest match wins, Exact before Prefix) plus Traefik's stripPrefix middleware where an
 * Ingress names one.
 */
class IngressTest {

    static final String MIDDLEWARE_ANNOTATION = "traefik.ingress.kubernetes.io/router.middlewares";

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void everyPublicRouteReachesItsService(String overlay) {
        IngressRouter router = new IngressRouter(Manifests.of(overlay));
        for (RouteExpectations.Request request : RouteExpectations.requests()) {
            assertEquals(Optional.of(request.upstream()), router.route(request.path()), overlay + ": "
                    + request.path());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void nothingInternalOrUnknownIsRouted(String overlay) {
        IngressRouter router = new IngressRouter(Manifests.of(overlay));
        for (String path : RouteExpectations.NOT_ROUTED) {
            assertEquals(Optional.empty(), router.route(path), overlay + ": " + path + " must not be routed");
        }
        for (IngressRouter.Entry entry : router.entries) {
            assertFalse(entry.path().startsWith("/internal") || entry.path().startsWith("/q")
                    || entry.path().contains("/internal") || entry.path().contains("/q/"),
                    overlay + ": " + entry.path() + " is internal");
            assertFalse(entry.path().equals("/") || entry.path().equals(RouteExpectations.IDENTITY_BASE)
                    && entry.type().equals("Prefix"), overlay + ": catch-all " + entry.path());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.tessera.deploy.DeployFiles#overlayNames")
    void theIngressPathsAreTheRouteListAndEveryBackendExists(String overlay) {
        Manifests m = Manifests.of(overlay);
        IngressRouter router = new IngressRouter(m);
        assertEquals(List.of(), RouteExpectations.differences(overlay + "'s Ingresses", router.rules()));
        assertEquals(router.entries.size(), router.rules().size(), overlay + ": an Ingress path is listed twice");
        for (IngressRouter.Entry entry : router.entries) {
            Service service = m.get(Service.class, entry.service());
            assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> entry.port().equals(p.getName())
                    || entry.port().equals(String.valueOf(p.getPort()))), overlay + ": " + entry.service()
                            + " has no port " + entry.port());
        }
        for (Ingress ingress : m.ingresses()) {
            assertEquals("traefik", ingress.getSpec().getIngressClassName(), ingress.getMetadata().getName());
        }
        if (overlay.equals("prod")) {
            for (Ingress ingress : m.ingresses()) {
                assertFalse(ingress.getSpec().getTls() == null || ingress.getSpec().getTls().isEmpty(),
                        "prod serves " + ingress.getMetadata().getName() + " over TLS");
                ingress.getSpec().getRules().forEach(rule -> assertNotNull(rule.getHost(), "prod names the host"));
            }
        }
    }

    /** The Ingresses of one rendering as a router. */
    static final class IngressRouter implements RouteExpectations.Router {

        record Entry(String path, String type, String service, String port, String strippedPrefix) {

            boolean matches(String request) {
                if (type.equals("Exact")) {
                    return request.equals(path);
                }
                String prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                return request.equals(prefix) || request.startsWith(prefix + "/");
            }
        }

        final List<Entry> entries = new ArrayList<>();

        IngressRouter(Manifests m) {
            for (Ingress ingress : m.ingresses()) {
                String stripped = strippedPrefix(m, ingress);
                for (IngressRule rule : ingress.getSpec().getRules()) {
                    for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                        assertTrue(List.of("Exact", "Prefix").contains(path.getPathType()), ingress.getMetadata()
                                .getName() + ": pathType " + path.getPathType() + " is controller-specific");
                        var backend = path.getBackend().getService();
                        String port = backend.getPort().getName() != null ? backend.getPort().getName()
                                : String.valueOf(backend.getPort().getNumber());
                        entries.add(new Entry(path.getPath(), path.getPathType(), backend.getName(), port, stripped));
                    }
                }
            }
        }

        /** The prefix the Traefik middleware named by the Ingress strips, or empty; the middleware must exist. */
        @SuppressWarnings("unchecked")
        private static String strippedPrefix(Manifests m, Ingress ingress) {
            Map<String, String> annotations = ingress.getMetadata().getAnnotations();
            String reference = annotations == null ? null : annotations.get(MIDDLEWARE_ANNOTATION);
            if (reference == null) {
                return "";
            }
            assertFalse(reference.contains(","), "one middleware per Ingress: " + reference);
            assertTrue(reference.endsWith("@kubernetescrd"), reference);
            String qualified = reference.substring(0, reference.length() - "@kubernetescrd".length());
            GenericKubernetesResource middleware = m.generic("Middleware").stream()
                    .filter(mw -> qualified.equals(mw.getMetadata().getNamespace() + "-" + mw.getMetadata()
                            .getName()))
                    .findFirst().orElseThrow(() -> new AssertionError(m.name() + ": " + ingress.getMetadata()
                            .getName() + " names the middleware " + reference + ", which is not in the rendering"));
            Map<String, Object> strip = (Map<String, Object>) middleware.getAdditionalProperties().get("spec");
            List<String> prefixes = (List<String>) ((Map<String, Object>) strip.get("stripPrefix")).get("prefixes");
            assertEquals(1, prefixes.size(), "one prefix: " + prefixes);
            return prefixes.get(0);
        }

        /** Each Ingress path as a rule of the route list ({@code Prefix} without a trailing slash). */
        Set<RouteExpectations.Rule> rules() {
            return entries.stream().map(e -> new RouteExpectations.Rule(e.path(), e.type().equals("Exact")
                    ? PublicRoute.Match.EXACT : PublicRoute.Match.PREFIX, e.service(), e.strippedPrefix()))
                    .collect(Collectors.toSet());
        }

        @Override
        public Optional<Upstream> route(String request) {
            return entries.stream().filter(e -> e.matches(request))
                    .max(Comparator.comparingInt((Entry e) -> e.path().length())
                            .thenComparing(e -> e.type().equals("Exact")))
                    .map(e -> {
                        String path = request;
                        String prefix = "";
                        if (!e.strippedPrefix().isEmpty() && request.startsWith(e.strippedPrefix())) {
                            path = request.substring(e.strippedPrefix().length());
                            prefix = e.strippedPrefix();
                            if (path.isEmpty()) {
                                path = "/";
                            }
                        }
                        return new Upstream(e.service(), path, prefix);
                    });
        }
    }
}
