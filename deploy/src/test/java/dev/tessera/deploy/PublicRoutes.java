package dev.tessera.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The public surface of the suite, as the ingress and the compose proxy must route it: every public route of the
 * GoTrue API at {@code /} and under {@code /.netlify/identity} (prefix stripped and passed on as
 * {@code X-Forwarded-Prefix}), and the function gateway with its path kept. And what must never be routed.
 */
final class PublicRoutes {

    static final String IDENTITY_PREFIX = "/.netlify/identity";

    /** Where a public request lands: the service, the path it sees, and the prefix taken off (empty if none). */
    record Upstream(String service, String path, String strippedPrefix) {
    }

    /** A sample request path and where it must land. */
    record Route(String path, Upstream upstream) {
    }

    private static final List<String> AUTH_PATHS = List.of("/token", "/verify", "/logout", "/authorize", "/callback",
            "/settings", "/health", "/.well-known/jwks.json");
    private static final List<String> USER_PATHS = List.of("/signup", "/recover", "/user", "/invite", "/admin/users",
            "/admin/users/0b9a3c8e-7d0f-4f7e-9a53-2d8f0f2c6d11", "/admin/audit");
    private static final List<String> FUNCTION_PATHS = List.of("/.netlify/functions", "/.netlify/functions/hello",
            "/.netlify/functions/identity-signup", "/.netlify/functions/nested/path");

    /** Never routed: internal APIs, Quarkus endpoints, unknown paths, and near misses of public ones. */
    static final List<String> NOT_ROUTED = List.of("/", "/internal/authenticate", "/internal/verify",
            "/internal/users/0b9a3c8e-7d0f-4f7e-9a53-2d8f0f2c6d11", "/internal/hooks/login", "/q/health",
            "/q/health/ready", "/q/health/live", "/q/health/started", "/q/metrics", "/q/openapi",
            IDENTITY_PREFIX, IDENTITY_PREFIX + "/", IDENTITY_PREFIX + "/internal/verify",
            IDENTITY_PREFIX + "/internal/authenticate", IDENTITY_PREFIX + "/q/health/ready",
            IDENTITY_PREFIX + "/q/metrics", IDENTITY_PREFIX + "/unknown", "/unknown", "/admin", "/admin/other",
            "/tokens", "/users", "/.netlify/functionsx", "/.well-known/other", "/.netlify/identity/.netlify/functions/x");

    private PublicRoutes() {
    }

    static List<Route> all() {
        List<Route> routes = new ArrayList<>();
        for (String prefix : List.of("", IDENTITY_PREFIX)) {
            AUTH_PATHS.forEach(p -> routes.add(new Route(prefix + p, new Upstream("auth-service", p, prefix))));
            USER_PATHS.forEach(p -> routes.add(new Route(prefix + p, new Upstream("user-service", p, prefix))));
        }
        FUNCTION_PATHS.forEach(p -> routes.add(new Route(p, new Upstream("hook-service", p, ""))));
        return routes;
    }

    /** A router under test: where a request path goes, or empty when it is not routed. */
    interface Router {
        Optional<Upstream> route(String path);
    }
}
