package dev.tessera.platform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SecretCheckTest {

    private static final String GOOD = "a3f9c1d27be84e0f9a6b5c4d3e2f1a0b"; // 32 bytes

    @Test
    void aLongUnpublishedSecretPasses() {
        assertEquals(List.of(), SecretCheck.problems(GOOD, Optional.empty()));
        assertEquals(List.of(), SecretCheck.problems(GOOD + GOOD, Optional.of("some-operator-token")));
    }

    @Test
    void publishedSecretsAreNamedWhateverTheirLength() {
        for (String published : SecretCheck.WELL_KNOWN_SECRETS) {
            List<String> problems = SecretCheck.problems(published, Optional.empty());
            assertEquals(1, problems.size(), published);
            assertTrue(problems.get(0).startsWith("GOTRUE_JWT_SECRET is a published example value"), problems.get(0));
        }
        assertTrue(SecretCheck.problems("local-development-secret-do-not-use-in-production", Optional.empty())
                .get(0).contains("openssl rand"), "says how to make one");
    }

    @Test
    void secretsShorterThan32BytesAreNamedWithTheirLength() {
        String shortOne = GOOD.substring(1);
        assertEquals(List.of("GOTRUE_JWT_SECRET is 31 bytes long, HS256 needs at least 32 (RFC 7518 section 3.2); "
                + "set a random one of at least 32 bytes, e.g. $(openssl rand -base64 48)"),
                SecretCheck.problems(shortOne, Optional.empty()));
        // Bytes, not characters: 16 two-byte characters are 32 bytes.
        assertEquals(List.of(), SecretCheck.problems("é".repeat(16), Optional.empty()));
        assertEquals(1, SecretCheck.problems("é".repeat(15), Optional.empty()).size());
    }

    @Test
    void publishedOperatorTokensAreNamedToo() {
        List<String> problems = SecretCheck.problems(GOOD, Optional.of("local-development-operator-token"));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("GOTRUE_OPERATOR_TOKEN is a published example value"), problems.get(0));
        assertEquals(2, SecretCheck.problems("short", Optional.of("test-operator-token")).size());
    }

    @Test
    void theSiteUrlMustBeGivenAndAnAbsoluteHttpUrl() {
        assertEquals(Optional.empty(), SecretCheck.siteUrlProblem("https://example.com", true));
        assertEquals(Optional.empty(), SecretCheck.siteUrlProblem("http://localhost:8081/app", true));
        assertTrue(SecretCheck.siteUrlProblem("http://localhost:8081", false).orElseThrow()
                .startsWith("GOTRUE_SITE_URL is not set"), "the built-in default is not an address of the site");
        assertTrue(SecretCheck.siteUrlProblem(" ", true).orElseThrow().startsWith("GOTRUE_SITE_URL is not set"));
        for (String bad : List.of("example.com", "/app", "ftp://example.com", "https://", "http://exa mple.com")) {
            assertTrue(SecretCheck.siteUrlProblem(bad, true).orElseThrow()
                    .startsWith("GOTRUE_SITE_URL is not an absolute http or https URL (" + bad + ")"), bad);
        }
    }
}
