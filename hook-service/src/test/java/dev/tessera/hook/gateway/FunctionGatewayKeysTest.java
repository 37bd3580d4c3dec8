package dev.tessera.hook.gateway;

import static dev.tessera.platform.testing.TestKeys.SIGN;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServer.Received;
import dev.tessera.hook.testing.FunctionServerResource;
import dev.tessera.hook.testing.InjectFunctionServer;
import dev.tessera.hook.testing.Signatures;
import dev.tessera.platform.testing.TestKeys;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The function gateway under an ES256 key set: the admin token functions get is signed with that key, a user's ES256
 * token reaches the function as {@code clientContext.user}, and an HS256 token made with the JWT secret, which the
 * set does not list, is no user's.
 */
@QuarkusTest
@TestProfile(FunctionGatewayKeysTest.Keys.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FunctionServerResource.class, restrictToAnnotatedClass = true)
class FunctionGatewayKeysTest {

    static final String CONFIGURED = TestKeys.shared("hook-signing-keys",
            () -> TestKeys.configured(TestKeys.es256("functions-key", SIGN)));

    public static class Keys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gotrue.jwt.keys", CONFIGURED);
        }
    }

    @InjectFunctionServer
    FunctionServer functions;

    @Inject
    ObjectMapper mapper;

    @BeforeEach
    void reset() {
        functions.reset();
    }

    @Test
    void theContextFollowsTheKeySet() throws Exception {
        PublicJsonWebKey key = (PublicJsonWebKey) TestKeys.keysOf(CONFIGURED).get("functions-key");
        String userId = UUID.randomUUID().toString();
        String token = TestKeys.sign(key, Map.of("sub", userId, "email", "ada@example.com", "exp",
                Instant.now().plusSeconds(600).getEpochSecond(), "app_metadata", Map.of(), "user_metadata", Map.of()));

        given().header("Authorization", "Bearer " + token).get("/.netlify/functions/hello").then().statusCode(204);
        Map<String, Object> context = context();
        assertEquals(userId, ((Map<?, ?>) context.get("user")).get("sub"));
        String admin = (String) ((Map<?, ?>) context.get("identity")).get("token");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(admin);
        assertEquals(List.of("ES256", "functions-key"), List.of(jws.getAlgorithmHeaderValue(),
                jws.getKeyIdHeaderValue()));
        JwtClaims claims = new JwtConsumerBuilder().setVerificationKey(key.getPublicKey())
                .setSkipDefaultAudienceValidation().build().processToClaims(admin);
        assertEquals("0", claims.getSubject());

        functions.reset();
        given().header("Authorization", "Bearer " + TestTokens.sign(Signatures.JWT_SECRET, userId, "ada@example.com"))
                .get("/.netlify/functions/hello").then().statusCode(204);
        assertFalse(context().containsKey("user"), "the secret is no access-token key once a key set is configured");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> context() throws Exception {
        List<Received> all = functions.received();
        assertEquals(1, all.size(), "one forwarded request: " + functions.describe());
        return mapper.readValue(Base64.getDecoder().decode(all.get(0).header("x-tessera-client-context")),
                LinkedHashMap.class);
    }
}
