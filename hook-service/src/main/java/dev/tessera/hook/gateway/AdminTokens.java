package dev.tessera.hook.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import dev.tessera.hook.config.FunctionsConfig;
import dev.tessera.platform.config.GoTrueConfig;

/**
 * Mints the short-lived admin token functions receive as {@code clientContext.identity.token}: an access token in
 * GoTrue's shape (HS256 with {@code GOTRUE_JWT_SECRET}, header {@code kid: nf-ident}) whose {@code sub} is
 * {@code "0"}, which GoTrue's admin check (and user-service's) treats as the system user, a super admin. It carries
 * {@code aud} only when {@code GOTRUE_JWT_AUD} is set, so admin calls act on the default audience.
 */
@ApplicationScoped
public class AdminTokens {

    public static final String SYSTEM_SUBJECT = "0";

    private final HmacKey key;
    private final Duration lifetime;
    private final String aud;

    public AdminTokens(GoTrueConfig config, FunctionsConfig functions) {
        this.key = new HmacKey(config.jwt().secret().getBytes(StandardCharsets.UTF_8));
        this.lifetime = functions.tokenLifetime();
        this.aud = config.jwt().aud().filter(a -> !a.isEmpty()).orElse(null);
    }

    public Duration lifetime() {
        return lifetime;
    }

    public String mint(Instant now) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(SYSTEM_SUBJECT);
        if (aud != null) {
            claims.setAudience(aud);
        }
        claims.setExpirationTime(NumericDate.fromSeconds(now.plus(lifetime).getEpochSecond()));
        claims.setClaim("app_metadata", Map.of());
        claims.setClaim("user_metadata", Map.of());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue("nf-ident");
        jws.setHeader("typ", "JWT");
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the functions' admin token", e);
        }
    }
}
