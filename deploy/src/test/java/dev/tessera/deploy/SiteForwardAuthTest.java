package dev.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tessera.platform.route.PublicRoute;
import dev.tessera.site.SiteRules;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

/**
 * The {@code site-forward-auth} component, rendered onto the base in namespace {@code tessera} as an overlay would
 * use it ({@code src/test/resources/site-forward-auth-example}): Traefik's Middleware asks auth-service's
 * forward-auth at the Service's own port with no trust in client-sent forwarding headers and copies exactly the
 * identity headers; auth-service reads the ConfigMap's {@code netlify.toml}, which the rule engine accepts; the site's
 * Ingress is the route list's fallback line, through the Middleware; the ingress-nginx example asks the same
 * endpoint with the same headers.
 */
class SiteForwardAuthTest {

    private static final Path COMPONENT = DeployFiles.deployDir().resolve("components/site-forward-auth");
    private static final List<String> IDENTITY_HEADERS = List.of("X-User-Id", "X-User-Email", "X-User-Roles");
    private static final String ENDPOINT_PATH = "/internal/forward-auth";
    private static Manifests rendered;

    @BeforeAll
    static void render() {
        Path example = DeployFiles.deployDir().resolve("src/test/resources/site-forward-auth-example");
        Kustomize.Rendering rendering = Kustomize.render(example);
        rendered = new Manifests("site-forward-auth-example", rendering.renderer(),
                Manifests.parse(rendering.yaml()));
    }

    /** auth-service's in-cluster address at its Service's port, in the rendered namespace. */
    private static String endpoint() {
        Service auth = rendered.get(Service.class, "auth-service");
        int port = auth.getSpec().getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst()
                .orElseThrow().getPort();
        return "http://auth-service." + auth.getMetadata().getNamespace() + ".svc.cluster.local:" + port
                + ENDPOINT_PATH;
    }

    @Test
    @SuppressWarnings("unchecked")
    void traefiksMiddlewareAsksAuthServiceAndCopiesOnlyTheIdentityHeaders() {
        GenericKubernetesResource middleware = rendered.generic("Middleware").stream()
                .filter(m -> m.getMetadata().getName().equals("site-forward-auth")).findFirst().orElseThrow();
        Map<String, Object> forwardAuth = (Map<String, Object>) ((Map<String, Object>) middleware
                .getAdditionalProperties().get("spec")).get("forwardAuth");
        assertEquals(endpoint(), forwardAuth.get("address"));
        assertEquals(IDENTITY_HEADERS, forwardAuth.get("authResponseHeaders"));
        assertEquals(Boolean.FALSE, forwardAuth.getOrDefault("trustForwardHeader", Boolean.FALSE),
                "X-Forwarded-Uri must be what Traefik routed, not what a client sent");
        assertEquals(List.of("Authorization", "Cookie"), forwardAuth.get("authRequestHeaders"),
                "a visitor's own X-Original-URL must not reach forward-auth");
    }

    @Test
    void authServiceReadsTheConfigMapsRulesWhichTheEngineAccepts() {
        Deployment auth = rendered.get(Deployment.class, "auth-service");
        Container container = auth.getSpec().getTemplate().getSpec().getContainers().get(0);
        String file = container.getEnv().stream().filter(e -> e.getName().equals("TESSERA_SITE_RULES"))
                .map(EnvVar::getValue).findFirst().orElseThrow(() -> new AssertionError("no TESSERA_SITE_RULES"));
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath() + "/"))
                .findFirst().orElseThrow(() -> new AssertionError(file + " is on no mounted volume"));
        assertTrue(mount.getReadOnly());
        Volume volume = auth.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        ConfigMap rules = rendered.get(ConfigMap.class, volume.getConfigMap().getName());
        String key = file.substring(mount.getMountPath().length() + 1);
        String toml = rules.getData().get(key);
        SiteRules parsed = SiteRules.parse(toml, "the ConfigMap's " + key);
        assertEquals(2, parsed.rules().size());
        assertTrue(parsed.rules().stream().allMatch(r -> r.status() != 200 || r.rewritesInPlace()),
                "the example has no rewrite forward-auth cannot do");
        assertEquals(List.of("tmp", "site-rules"), auth.getSpec().getTemplate().getSpec().getVolumes().stream()
                .map(Volume::getName).toList(), "the base's volumes are kept");
    }

    @Test
    void theSitesIngressIsTheRouteListsFallbackBehindTheMiddleware() {
        PublicRoute fallback = RouteExpectations.LIST.fallback().orElseThrow();
        Ingress site = rendered.get(Ingress.class, "tessera-site");
        List<HTTPIngressPath> paths = site.getSpec().getRules().get(0).getHttp().getPaths();
        assertEquals(1, paths.size());
        assertEquals(fallback.path(), paths.get(0).getPath());
        assertEquals("Prefix", paths.get(0).getPathType());
        assertEquals(fallback.service(), paths.get(0).getBackend().getService().getName());
        assertEquals("tessera-site-forward-auth@kubernetescrd",
                site.getMetadata().getAnnotations().get("traefik.ingress.kubernetes.io/router.middlewares"));
        assertEquals("traefik", site.getSpec().getIngressClassName());
    }

    @Test
    void theNginxExampleAsksTheSameEndpointForTheSameHeaders() {
        Ingress nginx = (Ingress) Manifests.parse(DeployFiles.read(COMPONENT.resolve("nginx-ingress.example.yaml")))
                .get(0);
        Map<String, String> annotations = nginx.getMetadata().getAnnotations();
        assertEquals("http://auth-service.NAMESPACE.svc.cluster.local:8080" + ENDPOINT_PATH,
                annotations.get("nginx.ingress.kubernetes.io/auth-url"));
        assertEquals(endpoint().replace(".tessera.", ".NAMESPACE."),
                annotations.get("nginx.ingress.kubernetes.io/auth-url"), "at auth-service's Service port");
        assertEquals(String.join(",", IDENTITY_HEADERS),
                annotations.get("nginx.ingress.kubernetes.io/auth-response-headers"));
        assertTrue(annotations.containsKey("nginx.ingress.kubernetes.io/auth-signin"),
                "redirect rules reach nginx as 401: auth-signin sends the browser on");
        assertEquals("nginx", nginx.getSpec().getIngressClassName());
        assertEquals(RouteExpectations.LIST.fallback().orElseThrow().service(), nginx.getSpec().getRules().get(0)
                .getHttp().getPaths().get(0).getBackend().getService().getName());
    }
}
