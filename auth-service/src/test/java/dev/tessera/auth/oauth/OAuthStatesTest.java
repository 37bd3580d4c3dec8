package dev.tessera.auth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;

/**
 * Without an operator token no state verifies, least of all one signed with a key anyone could guess; with one, a
 * state signed with the token alone (as GoTrue signs it) does not either.
 */
class OAuthStatesTest {

    static final String JWT_SECRET = "a JWT secret of at least thirty-two bytes 0123456789";

    @Test
    void withoutAnOperatorTokenAForgedStateIsRefused() throws Exception {
        OAuthStates states = new OAuthStates(withoutOperatorToken());
        for (String guess : new String[] { "unset", "null" }) {
            String forged = githubStateSignedWith(guess);
            ApiError refused = assertThrows(ApiError.class, () -> states.verify(forged), guess);
            assertEquals(400, refused.status());
        }
        OAuthState own = new OAuthState("github", null, null, "https://site.example", null,
                Instant.now().plusSeconds(60));
        assertEquals("github", states.verify(states.sign(own)).provider(), "what it signed itself it reads");
    }

    /** The state passes through the provider: the invite token in it, which accepts the invitation, is sealed. */
    @Test
    void theInviteTokenTravelsSealed() throws Exception {
        OAuthStates states = new OAuthStates(withOperatorToken("an operator token of enough length 0123456789"));
        String invite = "invite-token-AbCdEf0123456789";
        String state = states.sign(new OAuthState("github", invite, null, "https://site.example", null,
                Instant.now().plusSeconds(60)));
        String payload = new String(Base64.getUrlDecoder().decode(state.split("\\.")[1]), StandardCharsets.UTF_8);
        assertFalse(payload.contains(invite), payload);
        assertFalse(payload.contains("AbCdEf"), payload);
        assertEquals(invite, states.verify(state).inviteToken(), "the callback reads it back");
        assertThrows(ApiError.class, () -> new OAuthStates(withOperatorToken("another operator token 0123456789"))
                .verify(state), "another deployment's key opens nothing");
    }

    /**
     * Anyone can start a flow and take its signed state away: with the operator token as the key, a short one could
     * be guessed offline. The key is derived from the JWT secret too, so the token alone verifies nothing.
     */
    @Test
    void theOperatorTokenAloneNeitherSignsNorVerifiesAState() throws Exception {
        String operatorToken = "short";
        OAuthStates states = new OAuthStates(withOperatorToken(operatorToken));
        String issued = states.sign(new OAuthState("github", null, null, "https://site.example", null,
                Instant.now().plusSeconds(60)));
        assertThrows(InvalidJwtException.class, () -> new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(operatorToken.getBytes(StandardCharsets.UTF_8)))
                .setRelaxVerificationKeyValidation().setSkipDefaultAudienceValidation().build().processToClaims(issued));

        String signedWithTheToken = githubStateSignedWith(operatorToken);
        assertEquals(400, assertThrows(ApiError.class, () -> states.verify(signedWithTheToken)).status());
    }

    /** A state for GitHub that sends the browser to another site, signed with a key someone guessed. */
    private static String githubStateSignedWith(String key) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plusSeconds(60).getEpochSecond()));
        claims.setStringClaim("provider", "github");
        claims.setStringClaim("referrer", "https://evil.example");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(key.getBytes(StandardCharsets.UTF_8)));
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    private static GoTrueConfig withOperatorToken(String token) {
        return config(Optional.of(token));
    }

    private static GoTrueConfig withoutOperatorToken() {
        return config(Optional.empty());
    }

    /** A configuration that has only an operator token (or none) and a JWT secret; the states read nothing else. */
    private static GoTrueConfig config(Optional<String> operatorToken) {
        GoTrueConfig.Jwt jwt = (GoTrueConfig.Jwt) Proxy.newProxyInstance(GoTrueConfig.class.getClassLoader(),
                new Class<?>[] { GoTrueConfig.Jwt.class }, (proxy, method, args) -> {
                    if (method.getName().equals("secret")) {
                        return JWT_SECRET;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (GoTrueConfig) Proxy.newProxyInstance(GoTrueConfig.class.getClassLoader(),
                new Class<?>[] { GoTrueConfig.class }, (proxy, method, args) -> {
                    if (method.getName().equals("operatorToken")) {
                        return operatorToken;
                    }
                    if (method.getName().equals("jwt")) {
                        return jwt;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
