package dev.tessera.platform.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/** Signs HS256 access tokens in GoTrue's shape for tests, including expired and forged ones. */
public final class TestTokens {

    private TestTokens() {
    }

    public static String sign(String secret, String subject, String email, Instant expiresAt, Map<String, Object> extra) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(subject);
        if (email != null) {
            claims.setClaim("email", email);
        }
        if (expiresAt != null) {
            claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        }
        extra.forEach(claims::setClaim);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKey(new HmacKey(secret.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(String secret, String subject, String email) {
        return sign(secret, subject, email, Instant.now().plusSeconds(3600), Map.of());
    }
}
