package dev.tessera.samples.consumer;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * Checks a user's access token against the public keys Tessera publishes at {@code /.well-known/jwks.json}, so a
 * consumer of the stream can tell which user calls its own API without holding any secret (a secret that verifies
 * could also mint). This works when the suite signs with an asymmetric key ({@code TESSERA_JWT_ALGORITHM=ES256} for
 * {@code ./run.sh}, {@code GOTRUE_JWT_KEYS} in a deployment); GoTrue's default HS256 tokens cannot be checked this
 * way, and are refused.
 *
 * <p>The key set is cached for as long as the response's {@code Cache-Control} says (5 minutes from Tessera), so a
 * key in standby is learned before it signs. A token naming a {@code kid} the cache does not know (the signing key
 * moved sooner than the cache expired) fetches the set again, but at most once per {@code refetchFloor}: a stream of
 * forged tokens with made-up {@code kid}s must not turn this consumer into a load generator against the suite.
 */
public final class UserTokens {

    /** How often an unknown {@code kid} may fetch the set again. */
    public static final Duration REFETCH_FLOOR = Duration.ofSeconds(30);
    /** How long the set is kept when the response says nothing about caching. */
    private static final Duration DEFAULT_CACHE = Duration.ofMinutes(10);

    private final JwtConsumer consumer;

    /**
     * @param jwksUrl  the suite's {@code /.well-known/jwks.json} (through the gateway or auth-service's own address)
     * @param issuer   the {@code iss} to require: the suite's {@code GOTRUE_JWT_ISSUER}, or empty when it sets none
     * @param audience the {@code aud} to require, or empty: GoTrue leaves {@code aud} out unless an audience is
     *                 configured ({@code GOTRUE_JWT_AUD}) or asked for by the client
     */
    public UserTokens(String jwksUrl, Optional<String> issuer, Optional<String> audience, Duration refetchFloor) {
        HttpsJwks keys = new HttpsJwks(jwksUrl);
        keys.setRefreshReprieveThreshold(refetchFloor.toMillis());
        keys.setDefaultCacheDuration(DEFAULT_CACHE.toSeconds());
        JwtConsumerBuilder builder = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(keys))
                // RFC 8725: the algorithms of the key types Tessera publishes, never "none" and never HS256, which
                // would take a public key's bytes as an HMAC secret (algorithm confusion).
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.EDDSA)
                .setRequireExpirationTime()
                .setRequireSubject();
        issuer.ifPresent(builder::setExpectedIssuer);
        audience.ifPresentOrElse(aud -> builder.setExpectedAudience(true, aud),
                builder::setSkipDefaultAudienceValidation);
        this.consumer = builder.build();
    }

    /** The user the token was issued to, or empty when it is not a valid token of a user. */
    public Optional<TokenUser> verify(String token) {
        try {
            JwtClaims claims = consumer.processToClaims(token);
            UUID id = UUID.fromString(claims.getSubject());
            return Optional.of(new TokenUser(id, claims.getStringClaimValue("email"),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue())));
        } catch (InvalidJwtException | MalformedClaimException | IllegalArgumentException e) {
            // Expired, forged, signed by an unknown key, or the system's token (sub "0"): all the same to a caller.
            return Optional.empty();
        }
    }

    /** Who a verified token speaks for: the user id is the key of the user's events on the stream. */
    public record TokenUser(UUID id, String email, Instant expiresAt) {
    }
}
