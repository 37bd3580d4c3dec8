package dev.tessera.suite.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tessera.platform.route.PublicRoute;
import dev.tessera.platform.route.PublicRoutes;
import dev.tessera.suite.gateway.RouteTable.Route;
import dev.tessera.suite.service.SuiteService;

class RouteTableTest {

    private static final RouteTable TABLE = RouteTable.load();

    /** Each route of the list at each of its bases: the path itself and, below a prefix, deeper paths too. */
    static List<Arguments> requestsOfTheList() {
        List<Arguments> requests = new ArrayList<>();
        for (PublicRoute route : PublicRoutes.load().all()) {
            List<String> below = route.match() == PublicRoute.Match.PREFIX
                    ? List.of("", "/", "/0b9a3c8e-7d0f-4f7e-9a53-2d8f0f2c6d11", "/a/b")
                    : List.of("");
            for (String base : route.bases()) {
                for (String rest : below) {
                    requests.add(Arguments.of(route.publicPath(base) + rest, route.service(), route.path() + rest,
                            PublicRoute.strippedPrefix(base)));
                }
            }
        }
        return requests;
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @MethodSource("requestsOfTheList")
    void everyRouteOfTheListReachesItsService(String path, String service, String forwarded, String stripped) {
        Route route = TABLE.resolve(path).orElseThrow(() -> new AssertionError(path + " is not routed"));
        assertEquals(service, route.service().module());
        assertEquals(forwarded, route.path());
        assertEquals(stripped, route.strippedPrefix());
    }

    /** What routing means, whatever the list holds: the identity base is stripped, the function gateway's is not. */
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
            "/token, AUTH, /token, ''",
            "/.netlify/identity/admin/users/5f1c/x, USER, /admin/users/5f1c/x, /.netlify/identity",
            "/.netlify/functions/a/b/c, HOOK, /.netlify/functions/a/b/c, ''",
    })
    void stripsTheIdentityBaseOnly(String path, SuiteService service, String forwarded, String stripped) {
        assertEquals(Optional.of(new Route(service, forwarded, stripped)), TABLE.resolve(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/", "", "/.netlify/identity", "/.netlify/identity/",
            "/internal/verify", "/internal/users/by-email", "/.netlify/identity/internal/verify",
            "/q/health/ready", "/q/metrics", "/.netlify/identity/q/health",
            "/unknown", "/settings/", "/tokens", "/users", "/admin", "/Token",
            // Only the admin and well-known paths a service serves, not whatever sits beside them.
            "/admin/other", "/admin/usersx", "/.netlify/identity/admin/other", "/admin/audit/x", "/.well-known",
            "/.well-known/other", "/.netlify/identity/.well-known/other",
            "/.netlify/identity/.netlify/functions/x", "/.netlify/functionsx",
            // Paths a server would normalise into an internal one.
            "/admin/../internal/verify", "/admin/./users", "/.netlify/functions/../../internal/verify",
            "//internal/verify", "/admin//users", "/admin/%2e%2e/internal/verify", "/admin/%2E%2E/internal",
            "/admin/..%2finternal", "/admin/..;x/internal/verify", "/admin/;x/../internal",
            "/admin\\..\\internal", "/admin/%5c..%5cinternal", "relative/user",
    })
    void refusesEverythingElse(String path) {
        assertEquals(Optional.empty(), TABLE.resolve(path), path);
    }

    /** With --site, the paths no route claims are the site's, except /.netlify/* and what a server would normalise. */
    @ParameterizedTest
    @ValueSource(strings = { "/", "/index.html", "/admin", "/admin/", "/admin/other", "/admin/usersx", "/unknown",
            "/settings/", "/internal/verify", "/q/health", "/.well-known/other", "/caf%C3%A9.html" })
    void theSitesPaths(String path) {
        assertTrue(TABLE.isSitePath(path), path);
        assertEquals(Optional.empty(), TABLE.resolve(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/token", "/admin/users", "/admin/users/7", "/.netlify/identity/token",
            "/.netlify/identity", "/.netlify/identity/unknown", "/.netlify/functions/x", "/.netlify/other",
            "/admin/../internal/verify", "//admin/", "/admin/%2e%2e/x", "/admin\\x", "", "relative" })
    void notTheSitesPaths(String path) {
        assertFalse(TABLE.isSitePath(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/user", "/admin/users/", "/.netlify/functions/", "/user;v=1", "/admin/users/a%20b" })
    void canonicalPaths(String path) {
        assertTrue(RouteTable.isCanonical(path), path);
    }
}
