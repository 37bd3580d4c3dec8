package dev.tessera.platform.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tessera.platform.route.PublicRoute.Match;

class PublicRoutesTest {

    private static final PublicRoutes SAMPLE = PublicRoutes.parse("""
            # a comment line
            /token        exact   auth-service  /,/.netlify/identity   # a trailing comment
            /keys         exact   auth-service  /,/.netlify/identity   pending
            /admin/users  prefix  user-service  /,/.netlify/identity
            /.netlify/functions  prefix  hook-service  /
            """);

    @Test
    void readsEveryColumn() {
        assertEquals(List.of(
                new PublicRoute("/token", Match.EXACT, "auth-service", List.of("/", "/.netlify/identity"), false),
                new PublicRoute("/keys", Match.EXACT, "auth-service", List.of("/", "/.netlify/identity"), true),
                new PublicRoute("/admin/users", Match.PREFIX, "user-service", List.of("/", "/.netlify/identity"),
                        false),
                new PublicRoute("/.netlify/functions", Match.PREFIX, "hook-service", List.of("/"), false)),
                SAMPLE.all());
        assertEquals(Set.of("/.netlify/identity"), SAMPLE.strippedBases());
    }

    @Test
    void routesAtTheRootAsItIsAndUnderABaseStripped() {
        assertEquals(Optional.of(new Upstream("auth-service", "/token", "")), SAMPLE.resolve("/token"));
        assertEquals(Optional.of(new Upstream("auth-service", "/token", "/.netlify/identity")),
                SAMPLE.resolve("/.netlify/identity/token"));
        assertEquals(Optional.of(new Upstream("auth-service", "/keys", "")), SAMPLE.resolve("/keys"),
                "a pending route is routed");
        assertEquals(Optional.of(new Upstream("user-service", "/admin/users", "")), SAMPLE.resolve("/admin/users"));
        assertEquals(Optional.of(new Upstream("user-service", "/admin/users/", "")), SAMPLE.resolve("/admin/users/"));
        assertEquals(Optional.of(new Upstream("user-service", "/admin/users/7/x", "/.netlify/identity")),
                SAMPLE.resolve("/.netlify/identity/admin/users/7/x"));
        assertEquals(Optional.of(new Upstream("hook-service", "/.netlify/functions/hello", "")),
                SAMPLE.resolve("/.netlify/functions/hello"));
        assertEquals(Optional.of(new Upstream("hook-service", "/.netlify/functions", "")),
                SAMPLE.resolve("/.netlify/functions"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "/", "/token/", "/tokens", "/Token", "/admin", "/admin/usersx", "/admin/other",
            "/.netlify/identity", "/.netlify/identity/", "/.netlify/identity/.netlify/functions/x",
            "/.netlify/functionsx", "/.netlify/identity/unknown", "token" })
    void routesNothingElse(String path) {
        assertEquals(Optional.empty(), SAMPLE.resolve(path), path);
    }

    @Test
    void theCoveredPathsOfARoute() {
        PublicRoute users = SAMPLE.all().get(2);
        assertTrue(users.covers("/admin/users") && users.covers("/admin/users/{id}"));
        assertFalse(users.covers("/admin/usersx") || users.covers("/admin"));
        PublicRoute token = SAMPLE.all().get(0);
        assertTrue(token.covers("/token"));
        assertFalse(token.covers("/token/x"));
        assertEquals("/.netlify/identity/token", token.publicPath("/.netlify/identity"));
        assertEquals("/token", token.publicPath("/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/token exact auth-service", // no bases
            "/token exact auth-service / pending extra",
            "/token exact auth-service / later", // an unknown flag
            "/token wildcard auth-service /",
            "/token Exact auth-service /",
            "/token exact Auth-Service /",
            "token exact auth-service /",
            "/token/ exact auth-service /",
            "/ prefix auth-service /",
            "/admin//users exact user-service /",
            "/admin/../internal exact user-service /",
            "/admin/%2e%2e exact user-service /",
            "/admin/* prefix user-service /",
            "/token exact auth-service /,",
            "/token exact auth-service /,/",
            "/token exact auth-service /x/",
            "/token exact auth-service /,/.netlify/identity\n/token exact user-service /",
            "/admin prefix user-service /\n/admin/users exact user-service /",
            "/admin/users exact user-service /\n/admin prefix user-service /",
            // A root route under a stripped base claims what the base route claims.
            "/token exact auth-service /base\n/base/token exact user-service /",
            // One fallback, for / at the root.
            "/ fallback site /\n/ fallback other /",
            "/site fallback site /",
            "/ fallback site /,/.netlify/identity",
            "/ fallback site / pending",
    })
    void refusesWhatItCannotReadAndTwoRoutesForOnePath(String text) {
        assertThrows(IllegalArgumentException.class, () -> PublicRoutes.parse(text), text);
    }

    @Test
    void theFallbackGetsWhatNoRouteClaimsOutsideDotNetlify() {
        PublicRoutes withSite = PublicRoutes.parse("""
                /token        exact   auth-service  /,/.netlify/identity
                /admin/users  prefix  user-service  /,/.netlify/identity
                /             fallback site         /
                """);
        assertEquals(Optional.of(new PublicRoute("/", Match.FALLBACK, "site", List.of("/"), false)),
                withSite.fallback());
        assertEquals(2, withSite.all().size(), "the fallback is not a route to a service");
        for (String path : List.of("/", "/index.html", "/admin/", "/admin/usersx", "/tokens", "/internal/x",
                "/.netlifyx")) {
            assertTrue(withSite.fallsBack(path), path);
        }
        for (String path : List.of("/token", "/admin/users", "/admin/users/7", "/.netlify", "/.netlify/identity/x",
                "/.netlify/functions/x", "/.netlify/other", "", "x")) {
            assertFalse(withSite.fallsBack(path), path);
        }
        assertFalse(SAMPLE.fallsBack("/index.html"), "without a fallback line nothing falls back");
        assertEquals(Optional.empty(), withSite.resolve("/index.html"), "resolve names services only");
    }

    @Test
    void theListInTheJarLoads() {
        PublicRoutes routes = PublicRoutes.load();
        assertFalse(routes.all().isEmpty());
        assertEquals(Optional.of(new Upstream("auth-service", "/token", "/.netlify/identity")),
                routes.resolve("/.netlify/identity/token"));
        assertEquals("site", routes.fallback().orElseThrow().service());
    }
}
