package dev.tessera.hook.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;

/**
 * Checks a hook request's signatures the way a function would, from the secret alone: GoTrue's
 * {@code x-webhook-signature} and Standard Webhooks' {@code webhook-signature}.
 */
public final class Signatures {

    public static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";
    public static final String NIL_INSTANCE = "00000000-0000-0000-0000-000000000000";

    private Signatures() {
    }

    /** Verifies {@code x-webhook-signature} with the secret and that its sha256 claim is that of the exact body. */
    public static JwtClaims assertGoTrueSignature(FunctionServer.Received request, String secret) throws Exception {
        String token = request.header("x-webhook-signature");
        assertNotNull(token, "signed request: " + request);
        JwtClaims claims = new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)))
                .setRelaxVerificationKeyValidation()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "HS256")
                .setSkipDefaultAudienceValidation()
                .build()
                .processToClaims(token);
        assertEquals("gotrue", claims.getIssuer());
        assertEquals(NIL_INSTANCE, claims.getSubject());
        assertNotNull(claims.getIssuedAt());
        assertFalse(claims.hasClaim("exp"), "GoTrue's hook signature has no exp");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(request.body()));
        assertEquals(sha, claims.getStringClaimValue("sha256"), "the signature covers the exact body");
        return claims;
    }

    /** Verifies Standard Webhooks' headers: {@code v1,base64(HMAC-SHA256(secret, id.timestamp.body))}. */
    public static void assertStandardSignature(FunctionServer.Received request, String secret) throws Exception {
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        String signature = request.header("webhook-signature");
        assertNotNull(id, "webhook-id: " + request);
        assertNotNull(timestamp, "webhook-timestamp: " + request);
        assertNotNull(signature, "webhook-signature: " + request);
        assertTrue(Math.abs(Long.parseLong(timestamp) - Instant.now().getEpochSecond()) < 120, timestamp);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(request.body()));
        assertEquals(expected, signature);
    }
}
