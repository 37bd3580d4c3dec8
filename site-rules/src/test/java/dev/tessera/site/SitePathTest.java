package dev.tessera.site;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SitePathTest {

    @Test
    void decodesOnceResolvesDotsAndMergesSlashes() {
        Map<String, Optional<String>> table = new LinkedHashMap<>();
        table.put("/", Optional.of("/"));
        table.put("/admin/", Optional.of("/admin/"));
        table.put("/adm%69n/", Optional.of("/admin/"));
        table.put("//admin//x", Optional.of("/admin/x"));
        table.put("/x/../admin/", Optional.of("/admin/"));
        table.put("/x/%2e%2e/admin", Optional.of("/admin"));
        table.put("/../../admin", Optional.of("/admin"));
        table.put("/admin/.", Optional.of("/admin/"));
        table.put("/caf%C3%A9.html", Optional.of("/café.html"));
        table.put("/%2561dmin", Optional.of("/%61dmin"));
        table.put("/a%2fb", Optional.of("/a/b"));
        table.put("/bad%zz", Optional.empty());
        table.put("/bad%", Optional.empty());
        table.put("/nul%00", Optional.empty());
        // A splat would carry these into a Location, where a browser drops them: /%09/evil.example is //evil.example.
        table.put("/en/%09/evil.example", Optional.empty());
        table.put("/line%0Abreak", Optional.empty());
        table.put("/del%7F", Optional.empty());
        table.put("/with%20space.html", Optional.of("/with space.html"));
        table.put("/back%5cslash", Optional.empty());
        table.put("/not-utf8%ff", Optional.empty());
        table.put("relative", Optional.empty());
        Map<String, Optional<String>> got = new LinkedHashMap<>();
        table.keySet().forEach(raw -> got.put(raw, SitePath.normalize(raw)));
        assertEquals(table, got);
    }
}
