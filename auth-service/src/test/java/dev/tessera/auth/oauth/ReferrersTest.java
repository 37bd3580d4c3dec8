package dev.tessera.auth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The page an OAuth sign-in returns to, with the tokens in its fragment, must be of the site's own origin. */
class ReferrersTest {

    private static final String SITE = "https://site.example";

    @Test
    void aPageOfTheSitesOriginIsReturnedTo() {
        for (String page : List.of("https://site.example/account", "https://SITE.example:443/a?b=c",
                "https://site.example")) {
            assertEquals(page, Referrers.sameSite(page, SITE), page);
        }
        assertEquals("http://localhost:8081/x", Referrers.sameSite("http://localhost:8081/x", "http://localhost:8081"));
    }

    @Test
    void anotherSchemePortOrHostIsNot() {
        for (String page : List.of("http://site.example/account", "https://site.example:8443/account",
                "https://evil.example/", "https://site.example.evil.example/", "//site.example/", "/relative",
                "javascript:alert(1)", "not a url", " ")) {
            assertNull(Referrers.sameSite(page, SITE), page);
        }
        assertNull(Referrers.sameSite("http://localhost:9999/x", "http://localhost:8081"));
    }
}
