package dev.tessera.hook.adapter;

import static dev.tessera.platform.testing.TestKeys.SIGN;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServer.Received;
import dev.tessera.hook.testing.InjectFunctionServer;
import dev.tessera.platform.testing.TestKeys;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The Node adapter and the real {@code @netlify/identity} with ES256 tokens: the seed's protected function and a
 * Lambda-style function see the caller of an ES256 token, and the admin token an admin call carries is ES256 under
 * the configured key. Nothing in the adapter reads a signature; this shows it needs none of HS256's.
 */
@QuarkusTest
@TestProfile(NodeAdapterKeysTest.Keys.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = NodeFunctionHostResource.class, restrictToAnnotatedClass = true)
class NodeAdapterKeysTest {

    static final String CONFIGURED = TestKeys.shared("node-adapter-keys",
            () -> TestKeys.configured(TestKeys.es256("adapter-key", SIGN)));

    public static class Keys implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gotrue.jwt.keys", CONFIGURED);
        }
    }

    @InjectFunctionServer
    FunctionServer identityApi;

    private final PublicJsonWebKey key = (PublicJsonWebKey) TestKeys.keysOf(CONFIGURED).get("adapter-key");
    private String userId;

    @BeforeEach
    void caller() {
        userId = UUID.randomUUID().toString();
        AdapterCaller.answer(identityApi, userId);
    }

    /** The caller's token as auth-service signs it under the ES256 key. */
    private String es256Token() {
        Map<String, Object> claims = new HashMap<>(AdapterCaller.metadata());
        claims.putAll(Map.of("sub", userId, "email", AdapterCaller.EMAIL,
                "exp", AdapterCaller.expiry().getEpochSecond()));
        return TestKeys.sign(key, claims);
    }

    @Test
    void theSeedsProtectedFunctionSeesTheCallerOfAnEs256Token() {
        given().header("Authorization", "Bearer " + es256Token()).get("/.netlify/functions/protected")
                .then().statusCode(200)
                .body("id", equalTo(userId))
                .body("email", equalTo(AdapterCaller.EMAIL));
    }

    @Test
    void aLambdaStyleFunctionReadsTheClientContextOfAnEs256Token() {
        given().header("Authorization", "Bearer " + es256Token()).get("/.netlify/functions/whoami")
                .then().statusCode(200)
                .body("hasToken", equalTo(true))
                .body("user.sub", equalTo(userId))
                .body("user.app_metadata.roles[0]", equalTo("editor"));
    }

    @Test
    void adminCallsCarryAnEs256AdminToken() throws Exception {
        given().get("/.netlify/functions/list-users").then().statusCode(200)
                .body("emails", equalTo(List.of(AdapterCaller.EMAIL)));
        Received call = identityApi.await(r -> r.path().equals("/id/admin/users"), 1, Duration.ofSeconds(10)).get(0);
        String admin = call.header("authorization").substring("Bearer ".length());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(admin);
        assertEquals(List.of("ES256", "adapter-key"), List.of(jws.getAlgorithmHeaderValue(),
                jws.getKeyIdHeaderValue()));
        assertEquals("0", new JwtConsumerBuilder().setVerificationKey(key.getPublicKey())
                .setSkipDefaultAudienceValidation().build().processToClaims(admin).getSubject());
    }
}
