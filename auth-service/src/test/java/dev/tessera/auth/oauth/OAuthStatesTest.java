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
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.error.ApiError;

/** Without an operator token no state verifies, least of all one signed with a key anyone could guess. */
class OAuthStatesTest {

    @Test
    void withoutAnOperatorTokenAForgedStateIsRefused() throws Exception {
        OAuthStates states = new OAuthStates(withoutOperatorToken());
        JwtClaims claims = new JwtClaims();
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plusSeconds(60).getEpochSecond()));
        claims.setStringClaim("provider", "github");
        claims.setStringClaim("referrer", "https://evil.example");
        for (String guess : new String[] { "unset", "null" }) {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            jws.setKey(new HmacKey(guess.getBytes(StandardCharsets.UTF_8)));
            jws.setDoKeyValidation(false);
            String forged = jws.getCompactSerialization();
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

    private static GoTrueConfig withOperatorToken(String token) {
        return config(Optional.of(token));
    }

    private static GoTrueConfig withoutOperatorToken() {
        return config(Optional.empty());
    }

    /** A configuration that has only an operator token (or none); the states read nothing else. */
    private static GoTrueConfig config(Optional<String> operatorToken) {
        return (GoTrueConfig) Proxy.newProxyInstance(GoTrueConfig.class.getClassLoader(),
                new Class<?>[] { GoTrueConfig.class }, (proxy, method, args) -> {
                    if (method.getName().equals("operatorToken")) {
                        return operatorToken;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
