package dev.tessera.platform.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The browser origins that may call the API with credentials: the origin of {@code GOTRUE_SITE_URL} and of every
 * entry of {@code GOTRUE_URI_ALLOW_LIST}. Origins compare as scheme, host and port (a missing port is the scheme's
 * default; paths, queries and fragments of the entries are ignored).
 * <p>
 * An entry's host may hold wildcards as supabase/auth's allow list does: {@code *} stands for any run of letters,
 * digits and hyphens inside one label ({@code https://*.example.com} allows {@code https://app.example.com}, not
 * {@code https://a.b.example.com}), {@code **} also crosses dots. A wildcard may only sit left of the host's last
 * two labels, so no entry can allow a whole top-level domain; the port may be {@code *} for any port. Entries that
 * are not http(s) URLs (app deep links), that carry user info or other glob syntax, or that break the wildcard rule
 * allow no origin; {@link #ignored()} names them.
 */
public final class AllowedOrigins {

    private static final Pattern URL = Pattern.compile(
            "(?i)^(https?)://([^/?#@\\[\\]:]+|\\[[0-9a-f:.]+])(?::(\\d{1,5}|\\*))?([/?#].*)?$");
    private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9*_-]+");

    private final List<OriginPattern> patterns;
    private final List<String> ignored;

    private AllowedOrigins(List<OriginPattern> patterns, List<String> ignored) {
        this.patterns = List.copyOf(patterns);
        this.ignored = List.copyOf(ignored);
    }

    /** The site's origin plus every usable allow-list entry. */
    public static AllowedOrigins of(String siteUrl, List<String> allowList) {
        List<OriginPattern> patterns = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        pattern(siteUrl, false).ifPresentOrElse(patterns::add, () -> ignored.add(siteUrl));
        for (String entry : allowList) {
            String trimmed = entry.trim();
            if (!trimmed.isEmpty()) {
                pattern(trimmed, true).ifPresentOrElse(patterns::add, () -> ignored.add(trimmed));
            }
        }
        return new AllowedOrigins(patterns, ignored);
    }

    /** Whether a request's {@code Origin} header names an allowed origin. {@code null} and "null" never are. */
    public boolean allows(String origin) {
        if (origin == null) {
            return false;
        }
        Matcher m = URL.matcher(origin.trim());
        if (!m.matches() || m.group(4) != null || m.group(3) != null && m.group(3).equals("*")
                || m.group(2).contains("*")) {
            return false;
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String host = m.group(2).toLowerCase(Locale.ROOT);
        int port = port(scheme, m.group(3));
        return patterns.stream().anyMatch(p -> p.matches(scheme, host, port));
    }

    /** The allowed origins as configured, for the start-up log. */
    public List<String> describe() {
        return patterns.stream().map(OriginPattern::toString).toList();
    }

    /** Entries (or the site URL) that allow no origin, for a warning at start-up. */
    public List<String> ignored() {
        return ignored;
    }

    private static Optional<OriginPattern> pattern(String url, boolean wildcards) {
        Matcher m = URL.matcher(url == null ? "" : url.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String host = m.group(2).toLowerCase(Locale.ROOT);
        String portText = m.group(3);
        boolean anyPort = "*".equals(portText);
        if (anyPort && !wildcards) {
            return Optional.empty();
        }
        int port = anyPort ? -1 : port(scheme, portText);
        if (port > 65535) {
            return Optional.empty();
        }
        if (!host.contains("*")) {
            return Optional.of(new OriginPattern(scheme, host, null, port));
        }
        if (!wildcards) {
            return Optional.empty();
        }
        return hostPattern(host).map(regex -> new OriginPattern(scheme, host, regex, port));
    }

    /** A wildcard host as a regular expression, if it keeps its wildcards left of two literal labels. */
    private static Optional<Pattern> hostPattern(String host) {
        String[] labels = host.split("\\.", -1);
        if (labels.length < 3 || labels[labels.length - 1].contains("*") || labels[labels.length - 2].contains("*")
                || host.contains("***")) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '*') {
                boolean crossesDots = i + 1 < host.length() && host.charAt(i + 1) == '*';
                regex.append(crossesDots ? "[a-z0-9_.-]*" : "[a-z0-9_-]*");
                i += crossesDots ? 1 : 0;
            } else {
                regex.append(c == '.' ? "\\." : String.valueOf(c));
            }
        }
        return Optional.of(Pattern.compile(regex.toString()));
    }

    private static int port(String scheme, String port) {
        if (port == null) {
            return scheme.equals("https") ? 443 : 80;
        }
        return Integer.parseInt(port);
    }

    /** One allowed origin: a literal host, or a host pattern; port -1 is any port. */
    private record OriginPattern(String scheme, String host, Pattern hostPattern, int port) {

        boolean matches(String scheme, String host, int port) {
            return this.scheme.equals(scheme) && (this.port == -1 || this.port == port)
                    && (hostPattern == null ? this.host.equals(host) : hostPattern.matcher(host).matches());
        }

        @Override
        public String toString() {
            return scheme + "://" + host + (port == -1 ? ":*" : port == (scheme.equals("https") ? 443 : 80) ? ""
                    : ":" + port);
        }
    }
}
