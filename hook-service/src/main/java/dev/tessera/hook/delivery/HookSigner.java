package dev.tessera.hook.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import dev.tessera.hook.config.HooksConfig;
import dev.tessera.hook.targets.HookTarget;

/**
 * The headers of a hook request (reference §6): {@code Content-Type: application/json},
 * {@code X-Netlify-Event: identity_<event>} and, when the target has a secret, the signature. GoTrue's signature is
 * {@code x-webhook-signature}, an HS256 JWT with {@code iss "gotrue"}, {@code sub <instance_id>}, {@code iat} and
 * {@code sha256} (hex SHA-256 of the exact body) and no {@code exp}. Standard Webhooks' is {@code webhook-id},
 * {@code webhook-timestamp} and {@code webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">}.
 */
@ApplicationScoped
public class HookSigner {

    public static final String SIGNATURE_HEADER = "x-webhook-signature";
    public static final String EVENT_HEADER = "X-Netlify-Event";
    public static final String EVENT_ID_HEADER = "X-Tessera-Event-Id";

    private final HooksConfig.Signature mode;
    private final String instanceId;

    @Inject
    public HookSigner(HooksConfig config) {
        this(config.signature(), config.instanceIdText());
    }

    HookSigner(HooksConfig.Signature mode, String instanceId) {
        this.mode = mode;
        this.instanceId = instanceId;
    }

    public String instanceId() {
        return instanceId;
    }

    /** The headers of one attempt, signed at {@code now}. */
    public Map<String, String> headers(HookTarget target, HookMessage message, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put(EVENT_HEADER, "identity_" + message.event().wireName());
        if (message.background()) {
            headers.put(EVENT_ID_HEADER, message.id());
        }
        if (!target.signed()) {
            return headers;
        }
        if (mode.gotrue()) {
            headers.put(SIGNATURE_HEADER, gotrueSignature(target.secret(), instanceId, message.body(), now));
        }
        if (mode.standardWebhooks()) {
            String timestamp = String.valueOf(now.getEpochSecond());
            headers.put("webhook-id", message.id());
            headers.put("webhook-timestamp", timestamp);
            headers.put("webhook-signature", "v1," + standardSignature(target.secret(), message.id(), timestamp,
                    message.body()));
        }
        return headers;
    }

    /** GoTrue's {@code x-webhook-signature}. */
    public static String gotrueSignature(String secret, String instanceId, byte[] body, Instant now) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setSubject(instanceId);
        claims.setIssuer("gotrue");
        claims.setClaim("sha256", sha256Hex(body));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a hook request", e);
        }
    }

    /**
     * Standard Webhooks' signature. A secret of the form {@code whsec_<base64>} is decoded as that specification
     * prescribes; any other secret is used as its UTF-8 bytes.
     */
    public static String standardSignature(String secret, String id, String timestamp, byte[] body) {
        byte[] key = secret.startsWith("whsec_")
                ? Base64.getDecoder().decode(secret.substring("whsec_".length()))
                : secret.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
