package dev.tessera.suite.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tessera.platform.route.PublicRoute;
import dev.tessera.platform.route.PublicRoutes;
import dev.tessera.suite.service.SuiteService;

/**
 * Which service answers a public path: the suite's one route list ({@link PublicRoutes}, read from the platform jar),
 * the list the Kubernetes ingress and the compose proxy are tested against. The GoTrue API is served at {@code /} and
 * under {@code /.netlify/identity} (the prefix is stripped); the function gateway keeps its path. Everything else,
 * {@code /internal/**} and {@code /q/**} included, has no route.
 *
 * <p>
 * Paths a service would normalise into another path ({@code /admin/../internal/x}, {@code //internal},
 * percent-encoded dots or slashes, backslashes) have no route either, so no public path can reach an internal one.
 */
public final class RouteTable {

    private final PublicRoutes routes;
    /** The suite's service for each name in the list. */
    private final Map<String, SuiteService> services;

    private RouteTable(PublicRoutes routes) {
        this.routes = routes;
        this.services = routes.all().stream().map(PublicRoute::service).distinct()
                .collect(Collectors.toUnmodifiableMap(name -> name, name -> SuiteService.ofModule(name)
                        .orElseThrow(() -> new IllegalStateException("The route list names " + name
                                + ", which is not a service of the suite"))));
    }

    /**
     * Reads the route list from the platform jar; a service in it the launcher cannot run fails here. Call it before
     * serving, not on an event loop: it reads a file.
     */
    public static RouteTable load() {
        return new RouteTable(PublicRoutes.load());
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
    public Optional<Route> resolve(String rawPath) {
        if (rawPath == null || !isCanonical(rawPath)) {
            return Optional.empty();
        }
        return routes.resolve(rawPath).map(upstream -> new Route(services.get(upstream.service()), upstream.path(),
                upstream.strippedPrefix()));
    }

    /**
     * True when a raw request path is the site's: canonical, claimed by no route, and outside {@code /.netlify}
     * (the route list's fallback).
     */
    public boolean isSitePath(String rawPath) {
        return rawPath != null && isCanonical(rawPath) && routes.fallsBack(rawPath);
    }

    /** The prefixes the API also answers under, stripped before a service (e.g. {@code /.netlify/identity}). */
    public Set<String> strippedPrefixes() {
        return routes.strippedBases();
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
