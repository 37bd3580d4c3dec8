package dev.tessera.platform.token;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.web.RequestAudience;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The one verifier of bearer access tokens, in every service (RFC 8725): the token's {@code kid} picks the key (an
 * HS256 token without one is GoTrue's, {@code nf-ident}) among this service's configured keys
 * ({@link TokenKeys}) and, outside auth-service, the keys auth-service publishes ({@link PublishedKeys}, fetched
 * when the {@code kid} is unknown); the key fixes the one algorithm accepted, so an HS256 token keyed with a public
 * key's bytes fails; a retired key is refused even where it is still published; {@code jku}, {@code x5u} and
 * {@code jwk} headers are never followed (keys come from configuration only). {@code exp} and {@code sub} are
 * required, {@code nbf} honoured, {@code iss} must equal {@code GOTRUE_JWT_ISSUER} when that is set, and
 * {@link #verifyHeader(String, String)} holds {@code aud} to the request's audience.
 * <p>
 * Tokens of other purposes fail here: GoTrue's hook signatures carry no {@code exp}; the OAuth state has no
 * {@code sub} and is signed with the operator token, which is no access-token key. The function gateway's admin
 * token is the system user's access token by Netlify's contract: admin routes take it, user routes refuse it for
 * naming no user.
 * <p>
 * Answers GoTrue's errors, {@code 401 "This endpoint requires a Bearer token"} and {@code 401 "Invalid token:
 * <reason>"}, which also clear the session cookie. Verification completes at once unless a {@code kid} must be
 * learned first, which never blocks the calling thread.
 */
@ApplicationScoped
public class AccessTokens {

    private static final Pattern BEARER = Pattern.compile("^[Bb]earer (\\S+)$");
    private static final Set<String> ALGORITHMS = Set.of(TokenKey.HS256, "ES256", "RS256", "EdDSA");

    private final TokenKeys keys;
    private final PublishedKeys published;
    private final RequestAudience audience;
    private final Optional<String> issuer;
    /**
     * The consumer built for each key, by {@code kid}; rebuilt when the key behind a {@code kid} is another object
     * (a refetched published set), so it holds one entry per {@code kid} this service has verified with.
     */
    private final Map<String, Verifier> verifiers = new ConcurrentHashMap<>();

    /** A key and the consumer that verifies its tokens (jose4j's consumers are safe to share once built). */
    private static final Base64.Encoder URL_TEXT = Base64.getUrlEncoder().withoutPadding();

    private record Verifier(TokenKey key, JwtConsumer consumer) {
    }

    public AccessTokens(TokenKeys keys, PublishedKeys published, RequestAudience audience, GoTrueConfig config) {
        this.keys = keys;
        this.published = published;
        this.audience = audience;
        this.issuer = config.jwt().issuer().filter(i -> !i.isBlank());
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

    /** The claims of the header's token, without an audience check (admin routes resolve their own audience). */
    public Uni<AccessTokenClaims> verifyHeader(String authorization) {
        return Uni.createFrom().item(() -> bearer(authorization)).chain(this::verify);
    }

    /**
     * The claims of the header's token, whose {@code aud} must be the request's audience ({@code X-JWT-AUD}, else
     * the token's own, else {@code GOTRUE_JWT_AUD}).
     */
    public Uni<AccessTokenClaims> verifyHeader(String authorization, String audienceHeader) {
        return verifyHeader(authorization).invoke(claims -> {
            if (!Objects.equals(audience.resolve(audienceHeader, claims),
                    Objects.requireNonNullElse(claims.audience(), ""))) {
                throw invalid("Token audience doesn't match request audience");
            }
        });
    }

    public Uni<AccessTokenClaims> verify(String token) {
        JsonWebSignature jws;
        String kid;
        try {
            jws = signature(token);
            kid = kidOf(jws);
        } catch (ApiError e) {
            return Uni.createFrom().failure(e);
        } catch (RuntimeException e) {
            // A header member of the wrong type (a numeric kid, say).
            return Uni.createFrom().failure(invalid("Invalid token: token is malformed"));
        }
        // Only an asymmetric key can be learned: auth-service never publishes an HMAC key.
        boolean learnable = kid != null && !TokenKey.HS256.equals(jws.getAlgorithmHeaderValue());
        if (!learnable || keys.find(kid).isPresent() || published.find(kid).isPresent() || !published.enabled()) {
            return Uni.createFrom().item(() -> check(token, jws, kid));
        }
        // The fetch may be another request's, completing on its context: continue on this request's own, where
        // its session and transaction live.
        Context context = Vertx.currentContext();
        Uni<Void> refreshed = published.refreshForUnknownKid();
        if (context != null) {
            refreshed = refreshed.emitOn(task -> context.runOnContext(ignored -> task.run()));
        }
        return refreshed.map(done -> check(token, jws, kid));
    }

    private static JsonWebSignature signature(String token) {
        if (!compact(token)) {
            throw invalid("Invalid token: token is malformed");
        }
        JsonWebStructure structure;
        try {
            structure = JsonWebStructure.fromCompactSerialization(token);
        } catch (JoseException e) {
            throw invalid("Invalid token: token is malformed");
        }
        if (!(structure instanceof JsonWebSignature jws)) {
            throw invalid("Invalid token: token is malformed");
        }
        if (!ALGORITHMS.contains(jws.getAlgorithmHeaderValue())) {
            throw invalid("Invalid token: signing method is not allowed");
        }
        return jws;
    }

    /**
     * Three parts of canonical base64url without padding (RFC 7515's compact serialization; the signature empty only for
     * {@code alg: none}, which is refused by name after). The decoder also takes padding and the standard alphabet, so
     * a token would otherwise have many spellings that all verify.
     */
    private static boolean compact(String token) {
        int dots = 0;
        char previous = '.';
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (previous == '.' || ++dots > 2) {
                    return false;
                }
            } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_')) {
                return false;
            }
            previous = c;
        }
        if (dots != 2) {
            return false;
        }
        // The last character of base64url may carry bits no byte uses; only the spelling with them zero is the
        // signature's own (the signed header and payload are compared as text, so only the signature has this).
        String signature = token.substring(token.lastIndexOf('.') + 1);
        try {
            return URL_TEXT.encodeToString(Base64.getUrlDecoder().decode(signature)).equals(signature);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /** The token's {@code kid}; GoTrue's for an HS256 token without one; null for an asymmetric one without. */
    private static String kidOf(JsonWebSignature jws) {
        String kid = jws.getKeyIdHeaderValue();
        if (kid != null) {
            return kid;
        }
        return TokenKey.HS256.equals(jws.getAlgorithmHeaderValue()) ? TokenKeys.GOTRUE_KID : null;
    }

    private AccessTokenClaims check(String token, JsonWebSignature jws, String kid) {
        // A kid this service's configuration names decides alone: its retirement here outranks a replica that
        // still publishes the key.
        TokenKey key = kid == null ? null : keys.find(kid).or(() -> published.find(kid)).orElse(null);
        if (key == null || !key.accepted()) {
            throw invalid("Invalid token: the token's key is unknown or retired");
        }
        if (!key.algorithm().equals(jws.getAlgorithmHeaderValue())) {
            throw invalid("Invalid token: signing method does not match the key");
        }
        try {
            JwtClaims claims = consumer(key).processToClaims(token);
            return new AccessTokenClaims(
                    claims.getSubject(),
                    audience(claims),
                    claims.getClaimValueAsString("email"),
                    map(claims.getClaimValue("app_metadata")),
                    map(claims.getClaimValue("user_metadata")),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()),
                    claims.getClaimValue("session_id") instanceof String session ? session : null,
                    Collections.unmodifiableMap(claims.getClaimsMap()));
        } catch (InvalidJwtException e) {
            throw invalid("Invalid token: " + reason(e));
        } catch (MalformedClaimException e) {
            throw invalid("Invalid token: a claim has the wrong type");
        } catch (DateTimeException e) {
            // An exp past what an Instant holds (1e20, say): signed, but no time at all.
            throw invalid("Invalid token: token is malformed");
        }
    }

    private JwtConsumer consumer(TokenKey key) {
        Verifier cached = verifiers.get(key.kid());
        if (cached != null && cached.key() == key) {
            return cached.consumer();
        }
        JwtConsumer built = build(key);
        verifiers.put(key.kid(), new Verifier(key, built));
        return built;
    }

    private JwtConsumer build(TokenKey key) {
        JwtConsumerBuilder builder = new JwtConsumerBuilder()
                .setVerificationKey(key.verificationKey())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, key.algorithm())
                .setRequireExpirationTime()
                .setRequireSubject()
                .setSkipDefaultAudienceValidation();
        if (key.symmetric()) {
            // Its length is checked at start (SecretCheck, JwkSets); a local run may choose a short one.
            builder.setRelaxVerificationKeyValidation();
        }
        issuer.ifPresent(iss -> builder.setExpectedIssuer(true, iss));
        return builder.build();
    }

    private static ApiError invalid(String message) {
        return ApiError.unauthorized(message).clearingSessionCookie();
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
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "issuer is not accepted";
        }
        if (e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
            return "token has no subject";
        }
        return "token is malformed";
    }
}
