package dev.tessera.suite.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tessera.suite.gateway.RouteTable.Route;
import dev.tessera.suite.service.SuiteService;

class RouteTableTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
            "/token, AUTH, /token",
            "/verify, AUTH, /verify",
            "/logout, AUTH, /logout",
            "/authorize, AUTH, /authorize",
            "/callback, AUTH, /callback",
            "/settings, AUTH, /settings",
            "/health, AUTH, /health",
            "/.well-known/jwks.json, AUTH, /.well-known/jwks.json",
            "/signup, USER, /signup",
            "/recover, USER, /recover",
            "/user, USER, /user",
            "/invite, USER, /invite",
            "/admin/users, USER, /admin/users",
            "/admin/users/5f1c/x, USER, /admin/users/5f1c/x",
            "/admin/audit, USER, /admin/audit",
            "/.netlify/identity/token, AUTH, /token",
            "/.netlify/identity/.well-known/jwks.json, AUTH, /.well-known/jwks.json",
            "/.netlify/identity/user, USER, /user",
            "/.netlify/identity/admin/users, USER, /admin/users",
            "/.netlify/functions/hello, HOOK, /.netlify/functions/hello",
            "/.netlify/functions/a/b/c, HOOK, /.netlify/functions/a/b/c",
            "/.netlify/functions, HOOK, /.netlify/functions",
    })
    void routesPublicPaths(String path, SuiteService service, String forwarded) {
        Route route = RouteTable.resolve(path).orElseThrow();
        assertEquals(service, route.service());
        assertEquals(forwarded, route.path());
        assertEquals(path.startsWith(RouteTable.IDENTITY_PREFIX + "/") ? RouteTable.IDENTITY_PREFIX : "",
                route.strippedPrefix());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/", "", "/.netlify/identity", "/.netlify/identity/",
            "/internal/verify", "/internal/users/by-email", "/.netlify/identity/internal/verify",
            "/q/health/ready", "/q/metrics", "/.netlify/identity/q/health",
            "/unknown", "/settings/", "/tokens", "/users", "/admin", "/Token",
            "/.netlify/identity/.netlify/functions/x", "/.netlify/functionsx",
            // Paths a server would normalise into an internal one.
            "/admin/../internal/verify", "/admin/./users", "/.netlify/functions/../../internal/verify",
            "//internal/verify", "/admin//users", "/admin/%2e%2e/internal/verify", "/admin/%2E%2E/internal",
            "/admin/..%2finternal", "/admin/..;x/internal/verify", "/admin/;x/../internal",
            "/admin\\..\\internal", "/admin/%5c..%5cinternal", "relative/user",
    })
    void refusesEverythingElse(String path) {
        assertEquals(Optional.empty(), RouteTable.resolve(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/user", "/admin/users/", "/.netlify/functions/", "/user;v=1", "/admin/users/a%20b" })
    void canonicalPaths(String path) {
        assertTrue(RouteTable.isCanonical(path), path);
    }
}
