package dev.tessera.site;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's {@code from}: literal segments, {@code :name} placeholders (one whole segment each) and at most one
 * {@code *} at the end (the splat, everything below, also nothing). As on Netlify a trailing slash does not matter
 * ({@code /about} and {@code /about/} are one path). Literal segments match without regard to case, so a guard cannot
 * be stepped around by writing the path in capitals for a file system that ignores case.
 */
public final class PathPattern {

    static final String SPLAT = "splat";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A placeholder inside {@code to}: {@code :name} wherever it stands, as in {@code /blog-:year-:month.html}. */
    private static final Pattern PLACEHOLDER = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");

    private final String source;
    /** A literal segment, or {@code :name} for a placeholder. */
    private final List<String> segments;
    private final boolean splat;

    private PathPattern(String source, List<String> segments, boolean splat) {
        this.source = source;
        this.segments = List.copyOf(segments);
        this.splat = splat;
    }

    /** @throws IllegalArgumentException saying what is wrong with {@code from} */
    static PathPattern parse(String from) {
        if (from.startsWith("http://") || from.startsWith("https://") || from.startsWith("//")) {
            throw new IllegalArgumentException("from = \"" + from + "\": rules for other domains are not supported;"
                    + " from is a path such as /admin/*");
        }
        if (!from.startsWith("/")) {
            throw new IllegalArgumentException("from = \"" + from + "\" must start with /");
        }
        if (from.indexOf('?') >= 0) {
            throw new IllegalArgumentException("from = \"" + from + "\": query parameters are not supported");
        }
        List<String> parts = split(from);
        List<String> segments = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        boolean splat = false;
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.equals("*")) {
                if (i != parts.size() - 1) {
                    throw new IllegalArgumentException("from = \"" + from + "\": * may only be the last segment");
                }
                splat = true;
            } else if (part.indexOf('*') >= 0) {
                throw new IllegalArgumentException("from = \"" + from + "\": * must be a whole segment, as in /blog/*");
            } else if (part.startsWith(":")) {
                String name = part.substring(1);
                if (!NAME.matcher(name).matches() || name.equals(SPLAT) || !names.add(name)) {
                    throw new IllegalArgumentException("from = \"" + from + "\": placeholder " + part
                            + " must be a unique name of letters, digits and _ (and not :splat, which is *)");
                }
                segments.add(part);
            } else if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("from = \"" + from + "\" has an empty or dot segment");
            } else {
                segments.add(part);
            }
        }
        return new PathPattern(from, segments, splat);
    }

    /** The path's segments, a trailing slash dropped; the root has none. */
    private static List<String> split(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (trimmed.equals("/")) {
            return List.of();
        }
        return List.of(trimmed.substring(1).split("/", -1));
    }

    /** The placeholders a {@code to} may use: the names, and {@code splat} when there is a {@code *}. */
    Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        segments.stream().filter(s -> s.startsWith(":")).map(s -> s.substring(1)).forEach(names::add);
        if (splat) {
            names.add(SPLAT);
        }
        return names;
    }

    /**
     * The values of the placeholders when {@code path} (normalised, see {@link SitePath}) matches, else empty.
     */
    Optional<Map<String, String>> match(String path) {
        List<String> actual = split(path);
        if (splat ? actual.size() < segments.size() : actual.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String expected = segments.get(i);
            String segment = actual.get(i);
            if (expected.startsWith(":")) {
                if (segment.isEmpty()) {
                    return Optional.empty();
                }
                values.put(expected.substring(1), segment);
            } else if (!folded(expected).equals(folded(segment))) {
                return Optional.empty();
            }
        }
        if (splat) {
            values.put(SPLAT, String.join("/", actual.subList(segments.size(), actual.size())));
        }
        return Optional.of(values);
    }

    /**
     * A segment as a case-insensitive file system compares it (Unicode case folding): upper then lower case, so the
     * long s ({@code ſ}) is an {@code s}, the Kelvin sign a {@code k} and {@code ß} an {@code ss}, which lower case
     * alone keeps apart; {@code /member%C5%BF/} would otherwise pass a guard on {@code /members/*} and be served from
     * it on such a server.
     */
    private static String folded(String segment) {
        return segment.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    /** The placeholders {@code to} names that this pattern does not bind. */
    Set<String> unbound(String to) {
        Set<String> unbound = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(pathPart(to));
        while (m.find()) {
            if (!names().contains(m.group(1))) {
                unbound.add(":" + m.group(1));
            }
        }
        return unbound;
    }

    /** {@code to} with every placeholder replaced; in an absolute URL only after the host (not a port). */
    static String expand(String to, Map<String, String> values) {
        String path = pathPart(to);
        String head = to.substring(0, to.length() - path.length());
        Matcher m = PLACEHOLDER.matcher(path);
        StringBuilder out = new StringBuilder(head);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String pathPart(String to) {
        int scheme = to.indexOf("://");
        if (scheme < 0) {
            return to;
        }
        int slash = to.indexOf('/', scheme + 3);
        return slash < 0 ? "" : to.substring(slash);
    }

    /** {@code from} as a {@code to} that names the same path: {@code /admin/*} is {@code /admin/:splat}. */
    String asTarget() {
        StringBuilder target = new StringBuilder();
        segments.forEach(s -> target.append('/').append(s));
        if (splat) {
            target.append("/:").append(SPLAT);
        }
        return target.isEmpty() ? "/" : target.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
