package dev.tessera.platform.route;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.tessera.platform.route.PublicRoute.Match;

/**
 * The public routes of the suite, read from {@value #RESOURCE} next to this class: the one place they are written.
 * The local gateway routes by it; the ingress, the compose proxy and the services' own paths are tested against it.
 * It lives here, in the contract module, because it is the one jar both the local gateway (at run time) and the
 * deploy tests have on their classpath.
 *
 * <p>
 * No two lines may claim the same request path, so a request has at most one route, whatever order a router tries
 * them in. One line may be a {@code fallback}: the site, which gets every path no other line claims, except those
 * under {@value #RESERVED}, which Netlify keeps for the platform and so does this suite.
 */
public final class PublicRoutes {

    static final String RESOURCE = "public-routes.txt";
    /** Never the site's: the identity API, the functions and whatever the platform adds there. */
    public static final String RESERVED = "/.netlify";
    private static final String PENDING = "pending";
    /** Segments of RFC 3986 unreserved characters: no slash at the end, no empty segment, nothing to decode. */
    private static final Pattern CANONICAL = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    private static final Pattern SERVICE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    /** A route at one of its bases. */
    private record Entry(PublicRoute route, String base, String publicPath) {

        boolean matches(String requestPath) {
            return requestPath.equals(publicPath)
                    || route.match() == Match.PREFIX && requestPath.startsWith(publicPath + "/");
        }

        Upstream upstream(String requestPath) {
            String stripped = PublicRoute.strippedPrefix(base);
            return new Upstream(route.service(), requestPath.substring(stripped.length()), stripped);
        }
    }

    private final List<PublicRoute> routes;
    private final Optional<PublicRoute> fallback;
    private final Map<String, Entry> exact = new HashMap<>();
    private final List<Entry> prefixes = new ArrayList<>();

    private PublicRoutes(List<PublicRoute> routes, Optional<PublicRoute> fallback) {
        this.routes = List.copyOf(routes);
        this.fallback = fallback;
        List<Entry> entries = new ArrayList<>();
        for (PublicRoute route : routes) {
            for (String base : route.bases()) {
                Entry entry = new Entry(route, base, route.publicPath(base));
                for (Entry other : entries) {
                    if (entry.matches(other.publicPath()) || other.matches(entry.publicPath())) {
                        throw new IllegalArgumentException(RESOURCE + ": " + entry.publicPath() + " ("
                                + route.path() + ") and " + other.publicPath() + " (" + other.route().path()
                                + ") claim the same requests");
                    }
                }
                entries.add(entry);
                if (route.match() == Match.EXACT) {
                    exact.put(entry.publicPath(), entry);
                } else {
                    prefixes.add(entry);
                }
            }
        }
    }

    /** The list in this jar. */
    public static PublicRoutes load() {
        try (InputStream in = PublicRoutes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath next to "
                        + PublicRoutes.class.getName());
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a route list: one route a line, {@code path match service bases [pending]}, {@code #} starts a comment.
     *
     * @throws IllegalArgumentException naming the line, for anything it cannot read or two lines claiming one path
     */
    public static PublicRoutes parse(String text) {
        List<PublicRoute> routes = new ArrayList<>();
        PublicRoute fallback = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int comment = lines[i].indexOf('#');
            String line = (comment < 0 ? lines[i] : lines[i].substring(0, comment)).strip();
            if (line.isEmpty()) {
                continue;
            }
            PublicRoute route = route(line, i + 1);
            if (route.match() != Match.FALLBACK) {
                routes.add(route);
            } else if (fallback != null) {
                throw invalid(i + 1, line, "there is one fallback at most");
            } else if (!route.path().equals(PublicRoute.ROOT) || !route.bases().equals(List.of(PublicRoute.ROOT))
                    || route.pending()) {
                throw invalid(i + 1, line, "a fallback is / at the base /: / fallback <who> /");
            } else {
                fallback = route;
            }
        }
        return new PublicRoutes(routes, Optional.ofNullable(fallback));
    }

    private static PublicRoute route(String line, int number) {
        String[] fields = line.split("\\s+");
        if (fields.length < 4 || fields.length > 5 || fields.length == 5 && !fields[4].equals(PENDING)) {
            throw invalid(number, line, "want: path match service bases [" + PENDING + "]");
        }
        String path = fields[0];
        Match match = switch (fields[1]) {
            case "exact" -> Match.EXACT;
            case "prefix" -> Match.PREFIX;
            case "fallback" -> Match.FALLBACK;
            default -> throw invalid(number, line, "match is exact, prefix or fallback");
        };
        if (!isCanonical(path) && !(match == Match.FALLBACK && path.equals(PublicRoute.ROOT))) {
            throw invalid(number, line, "the path must be canonical: /segment/segment, no trailing slash");
        }
        if (!SERVICE.matcher(fields[2]).matches()) {
            throw invalid(number, line, "the service is a module name such as auth-service");
        }
        Set<String> bases = new LinkedHashSet<>();
        for (String base : fields[3].split(",", -1)) {
            if (!(base.equals(PublicRoute.ROOT) || isCanonical(base)) || !bases.add(base)) {
                throw invalid(number, line, "bases are / or canonical prefixes, each once, comma-separated");
            }
        }
        return new PublicRoute(path, match, fields[2], List.copyOf(bases), fields.length == 5);
    }

    private static boolean isCanonical(String path) {
        if (!CANONICAL.matcher(path).matches()) {
            return false;
        }
        for (String segment : path.substring(1).split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException invalid(int number, String line, String why) {
        return new IllegalArgumentException(RESOURCE + " line " + number + " '" + line + "': " + why);
    }

    /** Every route to a service, in the order of the list; the fallback is not one ({@link #fallback()}). */
    public List<PublicRoute> all() {
        return routes;
    }

    /** The fallback line: who gets the paths no route claims (the site), if the list has one. */
    public Optional<PublicRoute> fallback() {
        return fallback;
    }

    /**
     * True when {@code requestPath} goes to the fallback: the list has one, no route claims it, and it is not
     * reserved.
     */
    public boolean fallsBack(String requestPath) {
        return fallback.isPresent() && requestPath != null && requestPath.startsWith("/")
                && !(requestPath.equals(RESERVED) || requestPath.startsWith(RESERVED + "/"))
                && resolve(requestPath).isEmpty();
    }

    /** The bases some route answers under that are stripped: every base but the root. */
    public Set<String> strippedBases() {
        Set<String> bases = new LinkedHashSet<>();
        routes.forEach(route -> route.bases().stream().filter(b -> !PublicRoute.ROOT.equals(b)).forEach(bases::add));
        return bases;
    }

    /**
     * Where a request path goes, or empty when no route answers it. The path is compared as it is: a caller that
     * receives raw paths refuses those a server would normalise into another one first.
     */
    public Optional<Upstream> resolve(String requestPath) {
        if (requestPath == null) {
            return Optional.empty();
        }
        Entry entry = exact.get(requestPath);
        if (entry == null) {
            entry = prefixes.stream().filter(e -> e.matches(requestPath)).findFirst().orElse(null);
        }
        return entry == null ? Optional.empty() : Optional.of(entry.upstream(requestPath));
    }
}
