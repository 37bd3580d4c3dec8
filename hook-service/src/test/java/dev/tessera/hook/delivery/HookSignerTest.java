package dev.tessera.hook.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tessera.hook.config.HooksConfig;
import dev.tessera.hook.targets.HookTarget;
import dev.tessera.platform.event.HookEvent;

/** Pins the worked signature example of hook-service/README.md to what the code sends. */
class HookSignerTest {

    static final String NIL = "00000000-0000-0000-0000-000000000000";
    static final String BODY = "{\"event\":\"signup\",\"instance_id\":\"00000000-0000-0000-0000-000000000000\","
            + "\"user\":{\"id\":\"8a0c7f2e-4a53-4e0b-9d7e-3c1f5b2a9e10\",\"aud\":\"\",\"role\":\"\","
            + "\"email\":\"ada@example.com\",\"app_metadata\":{\"provider\":\"email\"},\"user_metadata\":{},"
            + "\"created_at\":\"2026-11-23T18:30:11Z\",\"updated_at\":\"2026-11-23T18:30:11Z\"}}";
    static final Instant IAT = Instant.ofEpochSecond(1795458611);

    @Test
    void theReadmeExampleIsWhatIsSent() {
        assertEquals("85a82482d70b69bfed33e54ec1c872a9a6c06fbd38f6ebf08f92d77e72c541dc",
                HookSigner.sha256Hex(BODY.getBytes(StandardCharsets.UTF_8)));
        assertEquals("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTU0NTg2MTEsInN1YiI6IjAwMDAwMDAwLTAwMDAtMDAwMC0w"
                + "MDAwLTAwMDAwMDAwMDAwMCIsImlzcyI6ImdvdHJ1ZSIsInNoYTI1NiI6Ijg1YTgyNDgyZDcwYjY5YmZlZDMzZTU0ZWMxYzg3MmE5YT"
                + "ZjMDZmYmQzOGY2ZWJmMDhmOTJkNzdlNzJjNTQxZGMifQ.1hhSjaHwf-Fq8S31Fe-2g6IV1NT_Qse6dZxfT26iPzw",
                HookSigner.gotrueSignature("example-secret", NIL, BODY.getBytes(StandardCharsets.UTF_8), IAT));
        assertEquals("DlcAESu7K9QnXEbG5OoRu+W7ZSER898SheP9Ozt28SY=", HookSigner.standardSignature("example-secret",
                "2f1d6c1e-6a47-4c43-a3a4-5b0e5d9c7b21", "1795458611", BODY.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aWhsecSecretIsDecodedAsStandardWebhooksPrescribes() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String raw = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String encoded = "whsec_" + java.util.Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        assertEquals(HookSigner.standardSignature(raw, "id", "1", body),
                HookSigner.standardSignature(encoded, "id", "1", body));
    }

    @Test
    void headersFollowTheModeAndTheSecret() {
        HookMessage message = new HookMessage(HookEvent.LOGIN, "evt-1", true, "{}".getBytes(StandardCharsets.UTF_8));
        HookTarget signed = new HookTarget("identity-login-background", URI.create("http://f/x"), "s3cret");
        HookTarget unsigned = new HookTarget("webhook", URI.create("http://f/w"), "");

        Map<String, String> gotrue = new HookSigner(HooksConfig.Signature.GOTRUE, NIL).headers(signed, message, IAT);
        assertEquals("identity_login", gotrue.get("X-Netlify-Event"));
        assertEquals("application/json", gotrue.get("Content-Type"));
        assertEquals("evt-1", gotrue.get("X-Tessera-Event-Id"));
        assertTrue(gotrue.containsKey("x-webhook-signature"));
        assertFalse(gotrue.containsKey("webhook-signature"));

        Map<String, String> standard = new HookSigner(HooksConfig.Signature.STANDARD_WEBHOOKS, NIL)
                .headers(signed, message, IAT);
        assertFalse(standard.containsKey("x-webhook-signature"));
        assertEquals("evt-1", standard.get("webhook-id"));
        assertEquals("1795458611", standard.get("webhook-timestamp"));
        assertTrue(standard.get("webhook-signature").startsWith("v1,"));

        Map<String, String> none = new HookSigner(HooksConfig.Signature.BOTH, NIL).headers(unsigned, message, IAT);
        assertNull(none.get("x-webhook-signature"));
        assertNull(none.get("webhook-signature"));
    }
}
