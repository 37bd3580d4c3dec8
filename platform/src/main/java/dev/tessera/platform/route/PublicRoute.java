package dev.tessera.platform.route;

import java.util.List;

/**
 * One line of the route list ({@link PublicRoutes}): a path a service answers publicly, and the bases it answers
 * under.
 *
 * @param path the path the service sees, canonical and without a trailing slash
 * @param match whether only the path answers or also every path below it
 * @param service who answers: the Maven module, the Kubernetes Service and the compose service of that name
 * @param bases where the path answers: {@value #ROOT} as it is; under any other base, that base is stripped
 * @param pending routed already, but its service does not serve it yet
 */
public record PublicRoute(String path, Match match, String service, List<String> bases, boolean pending) {

    /** The base at which a path answers as it is. */
    public static final String ROOT = "/";

    /** How a route matches the path a service sees. */
    public enum Match {
        /** That path only. */
        EXACT,
        /** That path and every path below it (a service owns everything under it). */
        PREFIX,
        /**
         * Every path no other line claims, outside {@value PublicRoutes#RESERVED}: the site, which is not one of
         * the suite's services. At most one such line, for {@code /} at the root.
         */
        FALLBACK
    }

    public PublicRoute {
        bases = List.copyOf(bases);
    }

    /** The path a request names to reach this route at {@code base}. */
    public String publicPath(String base) {
        return ROOT.equals(base) ? path : base + path;
    }

    /** What a request at {@code base} has taken off before it reaches the service: nothing at the root. */
    public static String strippedPrefix(String base) {
        return ROOT.equals(base) ? "" : base;
    }

    /** True when {@code servicePath}, a path the service would see, is this route's path or, for a prefix, below it. */
    public boolean covers(String servicePath) {
        return servicePath.equals(path) || match == Match.PREFIX && servicePath.startsWith(path + "/");
    }
}
