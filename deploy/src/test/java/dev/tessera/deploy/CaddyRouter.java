package dev.tessera.deploy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.tessera.platform.route.PublicRoute;
import dev.tessera.platform.route.Upstream;

/**
 * The compose proxy's Caddyfile read as a router: its named path matchers ({@code @name path /a /b/*}) and the
 * {@code handle @name} blocks that strip a prefix, set {@code X-Forwarded-Prefix} and proxy to a service (found by
 * {@code dynamic a}). Only the subset deploy/compose/Caddyfile uses; anything else in a handle block fails.
 */
final class CaddyRouter implements RouteExpectations.Router {

    record Handler(String matcher, String service, String strip, String forwardedPrefix) {
    }

    final Map<String, List<String>> matchers = new LinkedHashMap<>();
    final List<Handler> handlers = new ArrayList<>();
    boolean fallbackAnswers404;

    CaddyRouter(String caddyfile) {
        List<String> lines = caddyfile.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] words = line.split("\\s+");
            if (words[0].startsWith("@") && words.length > 2 && words[1].equals("path")) {
                matchers.put(words[0], List.of(words).subList(2, words.length));
            } else if (words[0].equals("handle") && words.length == 3 && words[1].startsWith("@")) {
                i = handler(lines, i, words[1]);
            } else if (line.equals("handle {")) {
                int end = blockEnd(lines, i);
                fallbackAnswers404 = lines.subList(i, end).stream().anyMatch(l -> l.startsWith("respond ")
                        && l.endsWith(" 404"));
                i = end;
            }
        }
    }

    private int handler(List<String> lines, int start, String matcher) {
        int end = blockEnd(lines, start);
        String service = null;
        String strip = "";
        String forwardedPrefix = "";
        for (String line : lines.subList(start + 1, end)) {
            String[] words = line.split("\\s+");
            switch (words[0]) {
                case "uri" -> {
                    if (!words[1].equals("strip_prefix")) {
                        throw new IllegalStateException("unexpected " + line);
                    }
                    strip = words[2];
                }
                case "name" -> service = words[1];
                case "header_up" -> {
                    if (!words[1].equals("X-Forwarded-Prefix")) {
                        throw new IllegalStateException("unexpected " + line);
                    }
                    forwardedPrefix = words[2];
                }
                case "reverse_proxy", "dynamic", "port", "refresh", "lb_policy", "}" -> {
                    // The upstream's details; the service name is what matters here.
                }
                default -> throw new IllegalStateException("CaddyRouter does not understand '" + line + "'");
            }
        }
        handlers.add(new Handler(matcher, service, strip, forwardedPrefix));
        return end;
    }

    /** The index of the line closing the block opened at {@code start}. */
    private static int blockEnd(List<String> lines, int start) {
        int depth = 0;
        for (int i = start; i < lines.size(); i++) {
            if (lines.get(i).endsWith("{")) {
                depth++;
            }
            if (lines.get(i).equals("}")) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("unclosed block at " + lines.get(start));
    }

    static boolean matches(String pattern, String path) {
        return pattern.endsWith("*") ? path.startsWith(pattern.substring(0, pattern.length() - 1))
                : pattern.equals(path);
    }

    List<Handler> matching(String path) {
        return handlers.stream().filter(h -> matchers.getOrDefault(h.matcher(), List.of()).stream()
                .anyMatch(p -> matches(p, path))).toList();
    }

    /**
     * Each handler's patterns as rules of the route list: {@code /p} alone is an exact rule, {@code /p} with
     * {@code /p/*} in the same handler a prefix rule; {@code /p/*} alone (everything below but not {@code /p}
     * itself) matches no form of the list and stays as it is written, so that the comparison reports it.
     */
    Set<RouteExpectations.Rule> rules() {
        Set<RouteExpectations.Rule> rules = new HashSet<>();
        for (Handler handler : handlers) {
            List<String> patterns = matchers.getOrDefault(handler.matcher(), List.of());
            for (String pattern : patterns) {
                boolean below = pattern.endsWith("/*");
                String path = below ? pattern.substring(0, pattern.length() - 2) : pattern;
                boolean prefix = below ? patterns.contains(path) : patterns.contains(pattern + "/*");
                if (below && prefix) {
                    continue;
                }
                rules.add(new RouteExpectations.Rule(prefix ? path : pattern, prefix ? PublicRoute.Match.PREFIX
                        : PublicRoute.Match.EXACT, handler.service(), handler.strip()));
            }
        }
        return rules;
    }

    @Override
    public Optional<Upstream> route(String path) {
        List<Handler> found = matching(path);
        if (found.size() > 1) {
            throw new AssertionError(path + " matches several handlers: " + found);
        }
        return found.stream().findFirst().map(h -> {
            String upstreamPath = h.strip().isEmpty() ? path : path.substring(h.strip().length());
            return new Upstream(h.service(), upstreamPath, h.forwardedPrefix());
        });
    }
}
