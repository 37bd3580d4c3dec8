package dev.tessera.platform.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UrlRedactionTest {

    @Test
    void queryValuesAreReplacedAndTheirNamesKept() {
        assertEquals("type=REDACTED&token=REDACTED&redirect_to=REDACTED",
                UrlRedaction.redactQuery("type=signup&token=Zx9_secret&redirect_to=https://site/a?b=c"));
        assertEquals("flag&x=REDACTED", UrlRedaction.redactQuery("flag&x=1"));
        assertEquals("", UrlRedaction.redactQuery(""));
    }

    @Test
    void aUrlKeepsItsSchemeHostAndPathOnly() {
        assertEquals("/verify?type=REDACTED&token=REDACTED", UrlRedaction.redactUrl("/verify?type=signup&token=t0k3n"));
        assertEquals("/settings", UrlRedaction.redactUrl("/settings"));
        assertEquals("https://hooks.example/path?key=REDACTED#REDACTED",
                UrlRedaction.redactUrl("https://hooks.example/path?key=s3cret#frag"));
        assertEquals("https://hooks.example/in", UrlRedaction.redactUrl("https://user:pa55@hooks.example/in"));
        assertEquals("https://hooks.example?u=REDACTED", UrlRedaction.redactUrl("https://hooks.example?u=a@b"));
        assertEquals("http://127.0.0.1:8183/internal/authenticate",
                UrlRedaction.redactUrl("http://127.0.0.1:8183/internal/authenticate"));
    }
}
