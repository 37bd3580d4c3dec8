package dev.tessera.platform.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

    @Test
    void theSitesOriginIsAllowedAsSchemeHostAndPort() {
        AllowedOrigins origins = AllowedOrigins.of("https://Example.com/app/", List.of());
        assertTrue(origins.allows("https://example.com"));
        assertTrue(origins.allows("https://example.com:443"), "the default port is the same origin");
        assertTrue(origins.allows("HTTPS://EXAMPLE.COM"));
        assertFalse(origins.allows("http://example.com"), "another scheme");
        assertFalse(origins.allows("https://example.com:8443"), "another port");
        assertFalse(origins.allows("https://app.example.com"), "a subdomain is another origin");
        assertFalse(origins.allows("https://example.com.evil.example"));
        assertFalse(origins.allows("https://evilexample.com"));
        assertFalse(origins.allows("https://example.com/app"), "an Origin header has no path");
        assertFalse(origins.allows("null"));
        assertFalse(origins.allows(null));
        assertFalse(origins.allows(""));
        assertFalse(origins.allows("https://*.com"), "an Origin is never a pattern");
    }

    @Test
    void allowListEntriesAddTheirOriginsWhateverTheirPath() {
        AllowedOrigins origins = AllowedOrigins.of("http://localhost:8081", List.of(" https://app.example.org/callback ",
                "http://localhost:3000/**", ""));
        assertTrue(origins.allows("http://localhost:8081"));
        assertTrue(origins.allows("https://app.example.org"));
        assertTrue(origins.allows("http://localhost:3000"));
        assertFalse(origins.allows("http://localhost:3001"));
        assertFalse(origins.allows("https://localhost:3000"));
        assertEquals(List.of("http://localhost:8081", "https://app.example.org", "http://localhost:3000"),
                origins.describe());
        assertEquals(List.of(), origins.ignored());
    }

    @Test
    void aStarStandsForPartOfOneLabelAndTwoStarsCrossDots() {
        AllowedOrigins origins = AllowedOrigins.of("https://example.com", List.of("https://*.example.net",
                "https://preview-*.example.org", "https://**.example.io", "http://localhost:*"));
        assertTrue(origins.allows("https://app.example.net"));
        assertTrue(origins.allows("https://APP-2.example.net"));
        assertFalse(origins.allows("https://a.b.example.net"), "one label only");
        assertFalse(origins.allows("https://example.net"));
        assertFalse(origins.allows("https://app.example.net.evil.example"));
        assertFalse(origins.allows("https://evil.example/.example.net"));
        assertFalse(origins.allows("http://app.example.net"), "the scheme still counts");
        assertFalse(origins.allows("https://app.example.net:8443"), "the port still counts");
        assertTrue(origins.allows("https://preview-42.example.org"));
        assertFalse(origins.allows("https://other.example.org"));
        assertTrue(origins.allows("https://a.b.example.io"));
        assertFalse(origins.allows("https://a.b.example.io.evil.example"));
        assertTrue(origins.allows("http://localhost:5173"));
        assertTrue(origins.allows("http://localhost"));
        assertFalse(origins.allows("http://localhost.evil.example:5173"));
    }

    @Test
    void entriesThatWouldAllowTooMuchOrAreNoWebOriginAllowNothing() {
        List<String> entries = List.of("https://*", "https://*.com", "https://example.*", "https://*.*",
                "*://example.com", "https://user:pw@example.com", "myapp://callback", "https://ex[a]mple.com",
                "https://192.168.1.*", "example.com", "https://example.com:99999");
        AllowedOrigins origins = AllowedOrigins.of("https://site.example", entries);
        assertEquals(entries, origins.ignored());
        assertEquals(List.of("https://site.example"), origins.describe());
        for (String origin : List.of("https://evil.com", "https://example.com", "https://example.evil",
                "https://192.168.1.5", "https://a.b")) {
            assertFalse(origins.allows(origin), origin);
        }
    }

    @Test
    void theSiteUrlTakesNoWildcard() {
        AllowedOrigins origins = AllowedOrigins.of("https://*.example.com", List.of());
        assertEquals(List.of("https://*.example.com"), origins.ignored());
        assertFalse(origins.allows("https://app.example.com"));
    }
}
