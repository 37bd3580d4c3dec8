package dev.tessera.hook.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import dev.tessera.hook.config.FunctionsConfig;
import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.token.TokenKey;
import dev.tessera.platform.token.TokenKeys;
import io.quarkus.runtime.Startup;

/**
 * Mints the short-lived admin token functions receive as {@code clientContext.identity.token}: an access token in
 * GoTrue's shape, signed like every access token with the signing key (by default HS256 with
 * {@code GOTRUE_JWT_SECRET} and header {@code kid: nf-ident}; with {@code GOTRUE_JWT_KEYS}, that set's signing key
 * and its {@code kid}), whose {@code sub} is {@code "0"}, which GoTrue's admin check (and user-service's) treats as
 * the system user, a super admin. It carries {@code aud} only when {@code GOTRUE_JWT_AUD} is set, so admin calls act
 * on the default audience, and {@code iss} when {@code GOTRUE_JWT_ISSUER} is. Created at start: a key set whose
 * signing key has no private part stops hook-service there rather than at the first function call.
 */
@Singleton
@Startup
public class AdminTokens {

    public static final String SYSTEM_SUBJECT = "0";

    private final TokenKey key;
    private final Duration lifetime;
    private final String aud;
    private final Optional<String> issuer;

    public AdminTokens(GoTrueConfig config, FunctionsConfig functions, TokenKeys keys) {
        this.key = keys.signing();
        if (key.signingKey() == null) {
            throw new IllegalStateException("GOTRUE_JWT_KEYS: the signing key " + key.kid()
                    + " has no private part, and hook-service signs the functions' admin token with it");
        }
        this.lifetime = functions.tokenLifetime();
        this.aud = config.jwt().aud().filter(a -> !a.isEmpty()).orElse(null);
        this.issuer = config.jwt().issuer().filter(i -> !i.isBlank());
    }

    public Duration lifetime() {
        return lifetime;
    }

    public String mint(Instant now) {
        JwtClaims claims = new JwtClaims();
        issuer.ifPresent(claims::setIssuer);
        claims.setSubject(SYSTEM_SUBJECT);
        if (aud != null) {
            claims.setAudience(aud);
        }
        claims.setExpirationTime(NumericDate.fromSeconds(now.plus(lifetime).getEpochSecond()));
        claims.setClaim("app_metadata", Map.of());
        claims.setClaim("user_metadata", Map.of());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(key.algorithm());
        jws.setKeyIdHeaderValue(key.kid());
        jws.setHeader("typ", "JWT");
        jws.setKey(key.signingKey());
        // The HMAC key's length is checked at start (SecretCheck); a local run may choose a short one.
        jws.setDoKeyValidation(!key.symmetric());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the functions' admin token", e);
        }
    }
}
