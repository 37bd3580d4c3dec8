package dev.tessera.hook.adapter;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServer.Received;
import dev.tessera.hook.testing.InjectFunctionServer;
import dev.tessera.hook.testing.Signatures;
import dev.tessera.platform.internal.ServiceCredential;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.platform.token.AccessTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Node adapter with the real {@code @netlify/identity} under Node, behind hook-service's gateway: the seed's
 * "Protect a Netlify Function" example works unchanged, a Lambda-style function reads {@code context.clientContext},
 * an admin call goes out with the admin token, and an identity event function replaces metadata.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = NodeFunctionHostResource.class, restrictToAnnotatedClass = true)
class NodeAdapterTest {

    @InjectFunctionServer
    FunctionServer identityApi;

    @Inject
    ServiceCredential credential;

    @Inject
    AccessTokens accessTokens;

    private String userId;
    private String jwt;

    @BeforeEach
    void user() {
        userId = UUID.randomUUID().toString();
        AdapterCaller.answer(identityApi, userId);
        jwt = TestTokens.sign(Signatures.JWT_SECRET, userId, AdapterCaller.EMAIL, AdapterCaller.expiry(),
                AdapterCaller.metadata());
    }

    @Test
    void theSeedsProtectedFunctionSeesTheCaller() {
        given().header("Authorization", "Bearer " + jwt).get("/.netlify/functions/protected")
                .then().statusCode(200)
                .body("id", equalTo(userId))
                .body("email", equalTo("grace@example.com"));
    }

    /**
     * Metadata as large as the API takes (16 KB each) rides in the token and again in the client context: the function
     * host must read headers that large.
     */
    @Test
    void aCallerWithAsMuchMetadataAsTheApiTakesReachesTheFunction() {
        Map<String, Object> claims = new java.util.HashMap<>(AdapterCaller.metadata());
        claims.put("user_metadata", Map.of("notes", "u".repeat(16_000)));
        claims.put("app_metadata", Map.of("provider", "email", "roles", List.of("editor"),
                "notes", "a".repeat(16_000)));
        String large = TestTokens.sign(Signatures.JWT_SECRET, userId, AdapterCaller.EMAIL, AdapterCaller.expiry(),
                claims);
        given().header("Authorization", "Bearer " + large).get("/.netlify/functions/protected")
                .then().statusCode(200).body("id", equalTo(userId));
    }

    @Test
    void theSeedsProtectedFunctionRefusesAnonymousAndForgedCallers() {
        given().get("/.netlify/functions/protected").then().statusCode(401).body(equalTo("Unauthorized"));
        String forged = TestTokens.sign("not-the-secret-not-the-secret-0123456789", userId, "grace@example.com");
        given().header("Authorization", "Bearer " + forged).get("/.netlify/functions/protected")
                .then().statusCode(401);
    }

    @Test
    void aLambdaStyleFunctionReadsTheClientContext() {
        given().header("Authorization", "Bearer " + jwt).get("/.netlify/functions/whoami/extra?tab=2")
                .then().statusCode(200)
                .body("identityUrl", equalTo(identityApi.url("/id")))
                .body("hasToken", equalTo(true))
                .body("customMatches", equalTo(true))
                .body("user.sub", equalTo(userId))
                .body("user.email", equalTo("grace@example.com"))
                .body("user.app_metadata.roles[0]", equalTo("editor"))
                .body("path", equalTo("/.netlify/functions/whoami/extra"))
                .body("query.tab", equalTo("2"))
                .body("sawContextHeader", equalTo(false));
        given().get("/.netlify/functions/whoami").then().statusCode(200).body("user", equalTo(null));
    }

    @Test
    void adminCallsCarryTheAdminToken() {
        given().get("/.netlify/functions/list-users").then().statusCode(200)
                .body("emails", equalTo(List.of("grace@example.com")));
        Received call = identityApi.await(r -> r.path().equals("/id/admin/users"), 1, Duration.ofSeconds(10)).get(0);
        String bearer = call.header("authorization");
        assertTrue(bearer.startsWith("Bearer "), bearer);
        assertTrue(accessTokens.verify(bearer.substring(7)).await().indefinitely().isSystem(),
                "the admin token is the system user's");
        assertEquals("GET", call.method());
    }

    @Test
    void anIdentityEventFunctionReplacesMetadataThroughTheAdapter() {
        Map<String, Object> user = Map.of("id", userId, "email", "grace@example.com",
                "app_metadata", Map.of("provider", "email"), "user_metadata", Map.of("full_name", "Grace"));
        given().header("Authorization", credential.authorizationHeader()).contentType("application/json")
                .body(Map.of("event", "signup", "user", user)).post("/internal/hooks/signup")
                .then().statusCode(200)
                .body("app_metadata.provider", equalTo("email"))
                .body("app_metadata.roles[0]", equalTo("member"))
                .body("user_metadata.full_name", equalTo("Grace"))
                .body("user_metadata.welcomed_by", equalTo("identity-signup"));
    }
}
