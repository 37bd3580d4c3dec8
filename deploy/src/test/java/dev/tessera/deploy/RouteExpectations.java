package dev.tessera.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.tessera.platform.route.PublicRoute;
import dev.tessera.platform.route.PublicRoutes;
import dev.tessera.platform.route.Upstream;

/**
 * What the ingress and the compose proxy must do, taken from the suite's one route list ({@link PublicRoutes},
 * platform's {@code public-routes.txt}): every route at each of its bases reaches its service with the path it
 * expects, each router declares exactly the list's routes (no more, no fewer), and nothing else is routed.
 */
final class RouteExpectations {

    static final PublicRoutes LIST = PublicRoutes.load();
    static final String IDENTITY_BASE = "/.netlify/identity";

    /** A sample request path and where it must land. */
    record Request(String path, Upstream upstream) {
    }

    /**
     * A route as a router declares it: the request path it matches (exactly, or with everything below it), the
     * service it sends to, and the prefix it strips and passes on as {@code X-Forwarded-Prefix}.
     */
    record Rule(String path, PublicRoute.Match match, String service, String strippedPrefix)
            implements Comparable<Rule> {

        @Override
        public int compareTo(Rule other) {
            return toString().compareTo(other.toString());
        }
    }

    /** A router under test: where a request path goes, or empty when it is not routed. */
    interface Router {
        Optional<Upstream> route(String path);
    }

    /**
     * Never routed: internal APIs, Quarkus endpoints, unknown paths, and near misses of public ones (the admin and
     * well-known paths next to the listed ones).
     */
    static final List<String> NOT_ROUTED = List.of("/", "/internal/authenticate", "/internal/verify",
            "/internal/users/0b9a3c8e-7d0f-4f7e-9a53-2d8f0f2c6d11", "/internal/hooks/login", "/q/health",
            "/q/health/ready", "/q/health/live", "/q/health/started", "/q/metrics", "/q/openapi",
            IDENTITY_BASE, IDENTITY_BASE + "/", IDENTITY_BASE + "/internal/verify",
            IDENTITY_BASE + "/internal/authenticate", IDENTITY_BASE + "/q/health/ready",
            IDENTITY_BASE + "/q/metrics", IDENTITY_BASE + "/unknown", "/unknown", "/admin", "/admin/other",
            "/admin/usersx", "/admin/audit/x", IDENTITY_BASE + "/admin/other", "/tokens", "/users",
            "/.netlify/functionsx", "/.well-known", "/.well-known/other", IDENTITY_BASE + "/.well-known/other",
            IDENTITY_BASE + "/.netlify/functions/x");

    private RouteExpectations() {
    }

    /** Each route of the list at each of its bases; below a prefix, deeper paths too. */
    static List<Request> requests() {
        List<Request> requests = new ArrayList<>();
        for (PublicRoute route : LIST.all()) {
            List<String> below = route.match() == PublicRoute.Match.PREFIX
                    ? List.of("", "/0b9a3c8e-7d0f-4f7e-9a53-2d8f0f2c6d11", "/identity-signup/nested/path")
                    : List.of("");
            for (String base : route.bases()) {
                for (String rest : below) {
                    requests.add(new Request(route.publicPath(base) + rest, new Upstream(route.service(),
                            route.path() + rest, PublicRoute.strippedPrefix(base))));
                }
            }
        }
        return requests;
    }

    /** The rules a router must declare: one for each route of the list at each of its bases. */
    static Set<Rule> rules() {
        Set<Rule> rules = new TreeSet<>();
        for (PublicRoute route : LIST.all()) {
            for (String base : route.bases()) {
                rules.add(new Rule(route.publicPath(base), route.match(), route.service(),
                        PublicRoute.strippedPrefix(base)));
            }
        }
        return rules;
    }

    /** The services the list routes to: the public ones. */
    static Set<String> publicServices() {
        return LIST.all().stream().map(PublicRoute::service).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The differences between what {@code router} declares and the list, both ways; empty when they agree. A route
     * added in one place and not the other shows up here.
     */
    static List<String> differences(String router, Set<Rule> declared) {
        List<String> differences = new ArrayList<>();
        Set<Rule> expected = rules();
        expected.stream().filter(rule -> !declared.contains(rule))
                .forEach(rule -> differences.add("in the route list but not in " + router + ": " + rule));
        declared.stream().filter(rule -> !expected.contains(rule))
                .forEach(rule -> differences.add("in " + router + " but not in the route list: " + rule));
        return differences;
    }
}
