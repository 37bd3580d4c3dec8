package dev.tessera.suite.site;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which file answers a path of a local site, and which never do. */
class SiteFilesTest {

    @TempDir
    Path dir;

    @Test
    void servesPagesIndexesAndPrettyUrlsButNotTheConfigurationOrWhatLiesOutside() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.createDirectories(site.resolve("admin"));
        Files.createDirectories(site.resolve("netlify/functions"));
        Files.createDirectories(site.resolve(".git"));
        Files.createDirectories(site.resolve(".well-known"));
        for (String file : new String[] { "index.html", "about.html", "admin/index.html", "netlify.toml",
                "netlify/functions/hello.mjs", ".env", ".git/config", ".well-known/security.txt" }) {
            Files.writeString(site.resolve(file), file);
        }
        Files.writeString(dir.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(site.resolve("escape.txt"), dir.resolve("secret.txt"));
        SiteFiles files = new SiteFiles(site);
        Map<String, Optional<String>> expected = new LinkedHashMap<>();
        expected.put("/", Optional.of("index.html"));
        expected.put("/about", Optional.of("about.html"));
        expected.put("/about.html", Optional.of("about.html"));
        expected.put("/admin", Optional.of("admin/index.html"));
        expected.put("/admin/", Optional.of("admin/index.html"));
        expected.put("/.well-known/security.txt", Optional.of(".well-known/security.txt"));
        expected.put("/missing", Optional.empty());
        expected.put("/netlify.toml", Optional.empty());
        expected.put("/NETLIFY.TOML", Optional.empty());
        expected.put("/netlify/functions/hello.mjs", Optional.empty());
        expected.put("/.env", Optional.empty());
        expected.put("/.git/config", Optional.empty());
        expected.put("/escape.txt", Optional.empty());
        Map<String, Optional<String>> got = new LinkedHashMap<>();
        expected.keySet().forEach(path -> got.put(path, files.find(path)
                .map(file -> files.root().relativize(file).toString())));
        assertEquals(expected, got);
        assertEquals("text/html; charset=utf-8", SiteFiles.contentType(site.resolve("index.html")));
        assertEquals("application/octet-stream", SiteFiles.contentType(site.resolve("netlify.toml")));
    }
}
