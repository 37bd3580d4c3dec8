package dev.tessera.auth.oauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;
import dev.tessera.platform.mail.TokenSeal;

/**
 * Signs and checks the OAuth {@code state}: an HS256 JWT, valid five minutes, so any replica can finish a flow
 * another one started. Failures are GoTrue's JSON 400s. GoTrue signs it with {@code GOTRUE_OPERATOR_TOKEN} itself;
 * here the key is derived from that token and {@code GOTRUE_JWT_SECRET} ({@link #keyOf}). Anyone may start a flow
 * and read the signed state it returns, so with the token alone as the key every state was a chance to guess the
 * admin API's credential offline, and nothing holds the operator token to a length; the JWT secret is held to 32
 * bytes outside a local run. States signed by an earlier release are refused: a sign-in begun before the upgrade is
 * begun again.
 *
 * <p>The state travels through the provider (its logs, the browser's history of the provider's pages), so the invite
 * token in it, a credential that accepts the invitation, is sealed (AES-GCM, platform's {@link TokenSeal}, under a
 * key derived from the same secret); GoTrue carries it in the clear.
 */
@ApplicationScoped
public class OAuthStates {

    static final Duration LIFETIME = Duration.ofMinutes(5);

    /** What a sealed invite token is bound to, so no other sealed value of the same key opens in its place. */
    private static final String INVITE_BINDING = "oauth state invite_token";

    private final HmacKey key;
    private final TokenSeal seal;
    private final JwtConsumer consumer;

    public OAuthStates(GoTrueConfig config) {
        // Without an operator token no provider is usable (see Providers), so this key never signs anything; a random
        // one makes sure nothing verifies either: a fixed stand-in would let anyone forge a state, and /callback
        // reads the state (its referrer, where the browser is sent) before it finds the provider unusable.
        byte[] secret = config.operatorToken().filter(t -> !t.isBlank())
                .map(t -> keyOf(config.jwt().secret(), t))
                .orElseGet(OAuthStates::randomKey);
        this.key = new HmacKey(secret);
        this.seal = new TokenSeal(Base64.getEncoder().encodeToString(secret));
        this.consumer = new JwtConsumerBuilder()
                .setVerificationKey(key)
                .setRelaxVerificationKeyValidation()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(0)
                .setSkipDefaultAudienceValidation()
                .build();
    }

    /** HMAC-SHA256 under the JWT secret of a label and the operator token: neither secret alone signs a state. */
    static byte[] keyOf(String jwtSecret, String operatorToken) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(jwtSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update("tessera oauth state v1\n".getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(operatorToken.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    public String sign(OAuthState state) {
        JwtClaims claims = new JwtClaims();
        claims.setExpirationTime(NumericDate.fromSeconds(state.expiresAt().getEpochSecond()));
        claims.setStringClaim("provider", state.provider());
        claims.setStringClaim("site_url", state.siteUrl());
        putIfSet(claims, "invite_token", state.inviteToken() == null || state.inviteToken().isEmpty() ? null
                : seal.seal(state.inviteToken(), INVITE_BINDING));
        putIfSet(claims, "referrer", state.referrer());
        putIfSet(claims, "browser", state.browser());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw ApiError.internal("Internal server error", e);
        }
    }

    public OAuthState verify(String token) {
        if (token == null || token.isBlank()) {
            throw ApiError.badRequest("OAuth state parameter missing");
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            String provider = claims.getStringClaimValue("provider");
            if (provider == null || provider.isBlank()) {
                throw invalid("missing provider");
            }
            return new OAuthState(provider, invite(claims.getStringClaimValue("invite_token")),
                    claims.getStringClaimValue("referrer"), claims.getStringClaimValue("site_url"),
                    claims.getStringClaimValue("browser"),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue()));
        } catch (InvalidJwtException e) {
            throw invalid(e.hasExpired() ? "token is expired" : "signature or format is invalid");
        } catch (MalformedClaimException e) {
            throw invalid("a claim has the wrong type");
        }
    }

    private String invite(String carried) {
        if (carried == null) {
            return null;
        }
        try {
            return seal.open(carried, INVITE_BINDING);
        } catch (IllegalArgumentException e) {
            throw invalid("the invite cannot be read");
        }
    }

    static ApiError invalid(String reason) {
        return ApiError.badRequest("OAuth state is invalid: " + reason);
    }

    private static void putIfSet(JwtClaims claims, String name, String value) {
        if (value != null && !value.isEmpty()) {
            claims.setStringClaim(name, value);
        }
    }
}
