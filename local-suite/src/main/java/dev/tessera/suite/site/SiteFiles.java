package dev.tessera.suite.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a local site, looked up the way Netlify serves a publish directory: the file at the path, a
 * directory's {@code index.html}, and {@code /about} as {@code about.html} (pretty URLs). The site's directory also
 * holds its configuration, so {@code netlify.toml}, the {@code netlify/} folder (function sources) and every dot
 * file or folder but {@code .well-known} are never served. Nothing outside the directory is reached, symbolic links
 * included. These lookups touch the disk: call them off the event loop.
 */
public final class SiteFiles {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("xml", "application/xml"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"), Map.entry("ico", "image/x-icon"), Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"), Map.entry("wasm", "application/wasm"),
            Map.entry("webmanifest", "application/manifest+json"));

    private final Path root;

    public SiteFiles(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(root + " is not a directory", e);
        }
    }

    public Path root() {
        return root;
    }

    /** The file that answers {@code path} (normalised, see {@code SitePath}), or empty. */
    public Optional<Path> find(String path) {
        if (hidden(path)) {
            return Optional.empty();
        }
        String relative = path.substring(1);
        Path candidate = relative.isEmpty() ? root : root.resolve(relative);
        if (Files.isDirectory(candidate)) {
            return regular(candidate.resolve("index.html"));
        }
        Optional<Path> file = regular(candidate);
        if (file.isEmpty() && !path.endsWith("/") && !relative.isEmpty()) {
            return regular(root.resolve(relative + ".html"));
        }
        return file;
    }

    private Optional<Path> regular(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Path real = file.toRealPath();
            return real.startsWith(root) && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)
                    ? Optional.of(real) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The site's configuration and dot files, which a publish directory would not hold. */
    static boolean hidden(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.equals("/netlify.toml") || lower.equals("/netlify") || lower.startsWith("/netlify/")) {
            return true;
        }
        for (String segment : path.split("/")) {
            if (segment.startsWith(".") && !segment.equals(".well-known")) {
                return true;
            }
        }
        return false;
    }

    /** The Content-Type of a file, by its extension. */
    public static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
