package dev.tessera.auth.token;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.internal.UserIdentity;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Mints access tokens exactly as GoTrue does (reference §4): HS256 with {@code GOTRUE_JWT_SECRET}, header
 * {@code kid: nf-ident}, claims {@code sub}, {@code aud} (a string, omitted when empty), {@code exp}, {@code email},
 * {@code app_metadata} and {@code user_metadata}; plus {@code session_id}, the session the token belongs to (which
 * {@code /logout?scope=local|others} reads; GoTrue's clients ignore claims they do not know). No {@code iat},
 * {@code iss} or {@code jti}.
 */
@ApplicationScoped
public class AccessTokenIssuer {

    static final String KEY_ID = "nf-ident";

    private final SecretKey key;
    private final long lifetimeSeconds;

    public AccessTokenIssuer(GoTrueConfig config) {
        // Its length and whether it is a published value are checked at start (platform's SecretCheck).
        byte[] secret = config.jwt().secret().getBytes(StandardCharsets.UTF_8);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.lifetimeSeconds = config.jwt().exp();
    }

    public long lifetimeSeconds() {
        return lifetimeSeconds;
    }

    public String issue(UserIdentity user, UUID sessionId) {
        JwtClaimsBuilder claims = Jwt.claims()
                .subject(user.id().toString())
                .expiresAt(Instant.now().plusSeconds(lifetimeSeconds))
                .claim("email", user.email())
                .claim("app_metadata", user.appMetadata() == null ? JsonValue.NULL : user.appMetadata())
                .claim("user_metadata", user.userMetadata() == null ? JsonValue.NULL : user.userMetadata())
                .claim("session_id", sessionId.toString());
        if (user.aud() != null && !user.aud().isEmpty()) {
            claims.audience(user.aud());
        }
        return claims.jws()
                .algorithm(SignatureAlgorithm.HS256)
                .keyId(KEY_ID)
                .header("typ", "JWT")
                .sign(key);
    }
}
