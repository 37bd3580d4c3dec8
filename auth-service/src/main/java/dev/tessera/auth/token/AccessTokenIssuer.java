package dev.tessera.auth.token;

import java.security.PrivateKey;
import java.time.Instant;
import java.util.Optional;

import javax.crypto.SecretKey;

import jakarta.inject.Singleton;
import jakarta.json.JsonValue;

import dev.tessera.auth.session.Sessions;
import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.internal.UserIdentity;
import dev.tessera.platform.token.TokenKey;
import dev.tessera.platform.token.TokenKeys;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.build.JwtSignature;

/**
 * Mints access tokens as GoTrue does (reference §4): claims {@code sub}, {@code aud} (a string, omitted when empty),
 * {@code exp}, {@code email}, {@code app_metadata} and {@code user_metadata}; plus {@code session_id}, the session
 * the token belongs to (which {@code /logout?scope=local|others} reads; GoTrue's clients ignore claims they do not
 * know), {@code session_epoch}, the user's session epoch that session started under (so that user-service can tell a
 * token of an ended session from a live one without asking here), and {@code iss} when {@code GOTRUE_JWT_ISSUER} is
 * set. No {@code iat} or {@code jti}. Signed with the one signing key of platform's {@link TokenKeys}, whose
 * algorithm and {@code kid} the header names: by default GoTrue's HS256 with {@code GOTRUE_JWT_SECRET} and
 * {@code kid: nf-ident}. Created at start: a signing key without its private part stops auth-service there.
 */
@Singleton
@Startup
public class AccessTokenIssuer {

    private final TokenKey key;
    private final long lifetimeSeconds;
    private final Optional<String> issuer;

    public AccessTokenIssuer(GoTrueConfig config, TokenKeys keys) {
        this.key = keys.signing();
        if (key.signingKey() == null) {
            throw new IllegalStateException("GOTRUE_JWT_KEYS: the signing key " + key.kid()
                    + " has no private part, so auth-service cannot sign with it");
        }
        this.lifetimeSeconds = config.jwt().exp();
        this.issuer = config.jwt().issuer().filter(i -> !i.isBlank());
    }

    public long lifetimeSeconds() {
        return lifetimeSeconds;
    }

    /** The access token of a session just started or refreshed. */
    public String issue(Sessions.Issued issued) {
        UserIdentity user = issued.user();
        JwtClaimsBuilder claims = Jwt.claims()
                .subject(user.id().toString())
                .expiresAt(Instant.now().plusSeconds(lifetimeSeconds))
                .claim("email", user.email())
                .claim("app_metadata", user.appMetadata() == null ? JsonValue.NULL : user.appMetadata())
                .claim("user_metadata", user.userMetadata() == null ? JsonValue.NULL : user.userMetadata())
                .claim("session_id", issued.sessionId().toString())
                .claim("session_epoch", issued.sessionEpoch());
        issuer.ifPresent(claims::issuer);
        if (user.aud() != null && !user.aud().isEmpty()) {
            claims.audience(user.aud());
        }
        JwtSignature jws = claims.jws()
                .algorithm(SignatureAlgorithm.fromAlgorithm(key.algorithm()))
                .keyId(key.kid())
                .header("typ", "JWT");
        // Its length is checked at start (platform's SecretCheck and JwkSets).
        return key.signingKey() instanceof SecretKey secret ? jws.sign(secret)
                : jws.sign((PrivateKey) key.signingKey());
    }
}
