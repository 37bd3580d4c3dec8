package dev.tessera.platform.token;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;

/**
 * Verifies bearer access tokens: HS256 with {@code GOTRUE_JWT_SECRET}, {@code exp} required and checked,
 * {@code nbf} checked when present. GoTrue's tokens carry no {@code iat} or {@code iss}, which SmallRye JWT's
 * MP-JWT parser insists on, so verification uses jose4j (the library beneath SmallRye JWT) directly. Answers
 * GoTrue's errors, {@code 401 "This endpoint requires a Bearer token"} and {@code 401 "Invalid token: <reason>"},
 * which also clear the session cookie.
 */
@ApplicationScoped
public class AccessTokens {

    private static final Pattern BEARER = Pattern.compile("^[Bb]earer (\\S+)$");

    private final JwtConsumer consumer;

    public AccessTokens(GoTrueConfig config) {
        HmacKey key = new HmacKey(config.jwt().secret().getBytes(StandardCharsets.UTF_8));
        this.consumer = new JwtConsumerBuilder()
                .setVerificationKey(key)
                .setRelaxVerificationKeyValidation()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "HS256")
                .setRequireExpirationTime()
                .setSkipDefaultAudienceValidation()
                .build();
    }

    /** The token of an {@code Authorization} header value, or a 401 when there is none. */
    public static String bearer(String authorization) {
        if (authorization != null) {
            Matcher m = BEARER.matcher(authorization);
            if (m.matches()) {
                return m.group(1);
            }
        }
        throw ApiError.unauthorized("This endpoint requires a Bearer token").clearingSessionCookie();
    }

    public AccessTokenClaims verifyHeader(String authorization) {
        return verify(bearer(authorization));
    }

    public AccessTokenClaims verify(String token) {
        try {
            JwtClaims claims = consumer.processToClaims(token);
            return new AccessTokenClaims(
                    claims.getSubject(),
                    audience(claims),
                    claims.getClaimValueAsString("email"),
                    map(claims.getClaimValue("app_metadata")),
                    map(claims.getClaimValue("user_metadata")),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()),
                    claims.getClaimValue("session_id") instanceof String session ? session : null);
        } catch (InvalidJwtException e) {
            throw ApiError.unauthorized("Invalid token: " + reason(e)).clearingSessionCookie();
        } catch (MalformedClaimException e) {
            throw ApiError.unauthorized("Invalid token: a claim has the wrong type").clearingSessionCookie();
        }
    }

    private static String audience(JwtClaims claims) throws MalformedClaimException {
        var aud = claims.getAudience();
        return aud == null || aud.isEmpty() ? null : aud.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object claim) {
        return claim instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "token is expired";
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "signature is invalid";
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return "token has no expiry";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "token is not valid yet";
        }
        return "token is malformed";
    }
}
