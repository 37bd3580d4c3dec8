package dev.tessera.site;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code [[redirects]]} entry of {@code netlify.toml}.
 *
 * @param line where it starts in the file (1-based), for messages
 * @param to the target, with {@code :splat} and {@code :name} placeholders
 * @param status 200 (rewrite), 301/302/303/307/308 (redirect), or a 4xx served with the {@code to} page
 * @param force whether it applies even when a file exists at the request path (Netlify's shadowing)
 * @param roles the {@code Role} condition: the visitor needs one of these; empty when there is none
 */
public record RedirectRule(int line, PathPattern from, String to, int status, boolean force, Set<String> roles) {

    public RedirectRule {
        roles = Set.copyOf(roles);
    }

    public String fromText() {
        return from.toString();
    }

    public boolean isRedirect() {
        return status >= 300 && status < 400;
    }

    /** Whether the visitor meets the {@code Role} condition (a rule without one admits everybody). */
    public boolean admits(Visitor visitor) {
        return roles.isEmpty() || visitor.roles().stream().anyMatch(roles::contains);
    }

    /**
     * A 200 rule whose {@code to} names the path it came from ({@code /admin/*} to {@code /admin/:splat}): it only
     * gates, it moves nothing. This is what an ingress's forward-auth can do; any other rewrite it cannot.
     */
    public boolean rewritesInPlace() {
        return status == 200 && trimSlash(to).equals(trimSlash(from.asTarget()));
    }

    Optional<Map<String, String>> match(String path) {
        return from.match(path);
    }

    /** What this rule does to a request it matched, given the placeholder values and the request's query. */
    Decision apply(Map<String, String> values, String query) {
        String target = PathPattern.expand(to, values);
        boolean hasQuery = target.indexOf('?') >= 0;
        if (isRedirect()) {
            return new Decision.Redirect(hasQuery || query == null || query.isEmpty() ? target : target + "?" + query,
                    status, this);
        }
        int q = target.indexOf('?');
        return q < 0 ? new Decision.Rewrite(target, query, status, this, null)
                : new Decision.Rewrite(target.substring(0, q), target.substring(q + 1), status, this, null);
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    @Override
    public String toString() {
        return "line " + line + " (" + from + " -> " + to + " " + status + (force ? "!" : "")
                + (roles.isEmpty() ? "" : " Role=" + String.join(",", roles)) + ")";
    }
}
