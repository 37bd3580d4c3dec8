package dev.tessera.suite.gateway;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.tessera.suite.service.SuiteService;

/**
 * Which service answers a public path: the same table as the Kubernetes ingress. The GoTrue API is served at
 * {@code /} and under {@code /.netlify/identity} (the prefix is stripped); the function gateway keeps its path.
 * Everything else, {@code /internal/**} and {@code /q/**} included, has no route.
 *
 * <p>
 * Paths a service would normalise into another path ({@code /admin/../internal/x}, {@code //internal},
 * percent-encoded dots or slashes, backslashes) have no route either, so no public path can reach an internal one.
 */
public final class RouteTable {

    public static final String IDENTITY_PREFIX = "/.netlify/identity";
    public static final String FUNCTIONS_PREFIX = "/.netlify/functions";

    private static final Set<String> AUTH_PATHS = Set.of("/token", "/verify", "/logout", "/authorize", "/callback",
            "/settings", "/health");
    private static final String AUTH_WELL_KNOWN = "/.well-known/";
    private static final Set<String> USER_PATHS = Set.of("/signup", "/recover", "/user", "/invite");
    private static final String USER_ADMIN = "/admin/";

    private RouteTable() {
    }

    /**
     * A routed request.
     *
     * @param service who answers
     * @param path the path to send it (the public path without {@code strippedPrefix})
     * @param strippedPrefix the prefix taken off, or empty
     */
    public record Route(SuiteService service, String path, String strippedPrefix) {
    }

    /** The route of a raw (not decoded) request path, or empty for 404. */
    public static Optional<Route> resolve(String rawPath) {
        if (rawPath == null || !isCanonical(rawPath)) {
            return Optional.empty();
        }
        if (within(rawPath, FUNCTIONS_PREFIX)) {
            return Optional.of(new Route(SuiteService.HOOK, rawPath, ""));
        }
        String prefix = within(rawPath, IDENTITY_PREFIX) ? IDENTITY_PREFIX : "";
        String api = rawPath.substring(prefix.length());
        if (api.isEmpty()) {
            api = "/";
        }
        SuiteService service = apiService(api);
        return service == null ? Optional.empty() : Optional.of(new Route(service, api, prefix));
    }

    private static SuiteService apiService(String path) {
        if (AUTH_PATHS.contains(path) || path.startsWith(AUTH_WELL_KNOWN)) {
            return SuiteService.AUTH;
        }
        if (USER_PATHS.contains(path) || path.startsWith(USER_ADMIN)) {
            return SuiteService.USER;
        }
        return null;
    }

    private static boolean within(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /**
     * True when the path is already in the form a server would normalise it to: absolute, no empty segment except
     * a trailing one, no dot segment (also not with matrix parameters, {@code ..;x}), no backslash and no
     * percent-encoded dot, slash or backslash.
     */
    static boolean isCanonical(String path) {
        if (!path.startsWith("/") || path.indexOf('\\') >= 0) {
            return false;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")) {
            return false;
        }
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            int matrix = segment.indexOf(';');
            String name = matrix < 0 ? segment : segment.substring(0, matrix);
            if (name.equals(".") || name.equals("..")) {
                return false;
            }
            if (name.isEmpty() && i < segments.length - 1) {
                return false;
            }
        }
        return true;
    }
}
