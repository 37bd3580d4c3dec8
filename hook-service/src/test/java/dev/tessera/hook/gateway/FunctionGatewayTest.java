package dev.tessera.hook.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.testing.AuthServiceStub;
import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServer.Received;
import dev.tessera.hook.testing.FunctionServer.Reply;
import dev.tessera.hook.testing.FunctionServerResource;
import dev.tessera.hook.testing.InjectFunctionServer;
import dev.tessera.hook.testing.Signatures;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.platform.token.AccessTokenClaims;
import dev.tessera.platform.token.AccessTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The function gateway against a real HTTP function host: what the function receives (path, query, method,
 * headers, body and the clientContext) and what the client gets back.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FunctionServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AuthServiceStub.class, restrictToAnnotatedClass = true)
class FunctionGatewayTest {

    @TestHTTPResource("/.netlify/functions/echo")
    URI echo;

    @InjectFunctionServer
    FunctionServer functions;

    @Inject
    ObjectMapper mapper;

    @Inject
    AccessTokens accessTokens;

    @BeforeEach
    void reset() {
        functions.reset();
    }

    @Test
    void aRequestWithAValidBearerReachesTheFunctionWithIdentityAndUser() throws Exception {
        functions.on("/fn/hello/world", (r, n) -> Reply.json(201, "{\"hi\":\"there\"}").withHeader("X-From",
                "function"));
        String userId = UUID.randomUUID().toString();
        String jwt = TestTokens.sign(Signatures.JWT_SECRET, userId, "ada@example.com",
                Instant.now().plusSeconds(600), Map.of("app_metadata", Map.of("roles", List.of("editor")),
                        "user_metadata", Map.of("full_name", "Ada")));

        given().header("Authorization", "Bearer " + jwt).header("X-Custom", "kept")
                .header("X-Tessera-Client-Context", "c3Bvb2ZlZA==")
                .queryParam("q", "a b").queryParam("q", "c")
                .get("/.netlify/functions/hello/world")
                .then().statusCode(201).header("X-From", "function").body("hi", equalTo("there"));

        Received request = single();
        assertEquals("GET", request.method());
        assertEquals("/fn/hello/world", request.path());
        assertEquals("q=a%20b&q=c", request.query(), "the query as the client sent it");
        assertEquals("Bearer " + jwt, request.header("authorization"), "the function sees the caller's token");
        assertEquals("kept", request.header("x-custom"));
        assertTrue(request.header("x-forwarded-for") != null);

        Map<String, Object> context = decode(request.header("x-tessera-client-context"));
        Map<?, ?> identity = (Map<?, ?>) context.get("identity");
        assertEquals("https://site.example.test/.netlify/identity", identity.get("url"));
        assertAdminToken((String) identity.get("token"));

        Map<?, ?> user = (Map<?, ?>) context.get("user");
        assertEquals(userId, user.get("sub"));
        assertEquals("ada@example.com", user.get("email"));
        assertEquals(Map.of("roles", List.of("editor")), user.get("app_metadata"));
        assertEquals(Map.of("full_name", "Ada"), user.get("user_metadata"));
        assertTrue(user.get("exp") instanceof Number);
    }

    @Test
    void withoutAValidBearerThereIsNoUserButStillAnIdentity() throws Exception {
        String forged = TestTokens.sign("not-the-secret-not-the-secret-0123456789", UUID.randomUUID().toString(),
                "mallory@example.com");
        String expired = TestTokens.sign(Signatures.JWT_SECRET, UUID.randomUUID().toString(), "old@example.com",
                Instant.now().minusSeconds(60), Map.of());
        // Signed here, but for another audience, whose admins could give it any role.
        String foreign = TestTokens.sign(Signatures.JWT_SECRET, UUID.randomUUID().toString(), "elsewhere@example.com",
                Instant.now().plusSeconds(600), Map.of("aud", "another-site", "app_metadata",
                        Map.of("roles", List.of("admin"))));
        for (String authorization : new String[] { null, "Bearer " + forged, "Bearer " + expired,
                "Bearer " + foreign, "Basic abc" }) {
            functions.reset();
            var call = given();
            if (authorization != null) {
                call = call.header("Authorization", authorization);
            }
            call.get("/.netlify/functions/anon").then().statusCode(204);
            Map<String, Object> context = decode(single().header("x-tessera-client-context"));
            assertFalse(context.containsKey("user"), "no user for " + authorization + ": " + context);
            assertAdminToken((String) ((Map<?, ?>) context.get("identity")).get("token"));
        }
    }

    /**
     * A token names its session; once auth-service says that session has ended (a logout, a recovery), the token is
     * no user to a function, though its signature and expiry still hold.
     */
    @Test
    void aTokenOfAnEndedSessionIsNoUser() throws Exception {
        String live = UUID.randomUUID().toString();
        String ended = UUID.randomUUID().toString();
        AuthServiceStub.ENDED.add(ended);
        for (String session : List.of(live, ended)) {
            functions.reset();
            String jwt = TestTokens.sign(Signatures.JWT_SECRET, UUID.randomUUID().toString(), "ada@example.com",
                    Instant.now().plusSeconds(600), Map.of("session_id", session, "session_epoch", 0));
            given().header("Authorization", "Bearer " + jwt).get("/.netlify/functions/anon").then().statusCode(204);
            Map<String, Object> context = decode(single().header("x-tessera-client-context"));
            assertEquals(session.equals(live), context.containsKey("user"), session + ": " + context);
            assertAdminToken((String) ((Map<?, ?>) context.get("identity")).get("token"));
        }
    }

    @Test
    void bodiesMethodsAndStatusesPassThroughAndAClientCannotForgeTheContext() throws Exception {
        functions.on("/fn/echo", (r, n) -> Reply.json(418, r.text()).withHeader("Set-Cookie", "a=1; Path=/"));
        String body = "{\"data\":\"" + "x".repeat(200_000) + "\"}";
        var response = given().header("X-Tessera-Client-Context", Base64.getEncoder().encodeToString(
                "{\"identity\":{\"url\":\"https://evil.example\",\"token\":\"forged\"}}".getBytes(StandardCharsets.UTF_8)))
                .contentType("application/json").body(body)
                .put("/.netlify/functions/echo");
        response.then().statusCode(418).header("Set-Cookie", "a=1; Path=/");
        assertEquals(body, response.asString());
        Received request = single();
        assertEquals("PUT", request.method());
        assertEquals(body, request.text());
        Map<?, ?> identity = (Map<?, ?>) decode(request.header("x-tessera-client-context")).get("identity");
        assertEquals("https://site.example.test/.netlify/identity", identity.get("url"));
        assertNotEquals("forged", identity.get("token"));
    }

    /**
     * The function learns the client's address as the trusted proxies vouch for it (the test client is on loopback,
     * a trusted proxy by default): the right-most address of X-Forwarded-For no trusted proxy stands for, in
     * X-Forwarded-For and in Netlify's X-Nf-Client-Connection-Ip; whatever a client wrote to its left, or in
     * another header naming an address, does not reach it.
     */
    @Test
    void theFunctionSeesTheClientsAddressAsTheTrustedProxiesVouchForIt() {
        given().header("X-Forwarded-For", "198.51.100.66, 203.0.113.9").header("Forwarded", "for=192.0.2.6")
                .header("X-Real-IP", "192.0.2.6").header("X-Nf-Client-Connection-Ip", "192.0.2.6")
                .get("/.netlify/functions/anon").then().statusCode(204);
        Received request = single();
        assertEquals("203.0.113.9", request.header("x-forwarded-for"));
        assertEquals("203.0.113.9", request.header("x-nf-client-connection-ip"));
        assertEquals(null, request.header("forwarded"));
        assertEquals(null, request.header("x-real-ip"));

        functions.reset();
        given().get("/.netlify/functions/anon").then().statusCode(204);
        String peer = single().header("x-nf-client-connection-ip");
        assertTrue(Set.of("127.0.0.1", "0:0:0:0:0:0:0:1").contains(peer), "the peer, without a proxy's word: " + peer);
    }

    /** A body sent in chunks (no Content-Length) reaches the function whole, as one with a length does. */
    @Test
    void aChunkedBodyReachesTheFunctionWhole() throws Exception {
        functions.on("/fn/echo", (r, n) -> Reply.json(200, r.text()));
        String body = "{\"data\":\"" + "y".repeat(300_000) + "\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(echo).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(body, response.body());
        assertEquals(body, single().text());
    }

    @Test
    void eventFunctionsAndOddPathsAreNotReachable() {
        for (String path : List.of("/.netlify/functions/identity-signup", "/.netlify/functions/identity-login",
                "/.netlify/functions/identity-validate-background", "/.netlify/functions/Identity-Signup",
                "/.netlify/functions/IDENTITY-LOGIN-BACKGROUND", "/.netlify/functions",
                "/.netlify/functions/", "/.netlify/functions/a.b", "/.netlify/functions/x/../identity-login",
                "/.netlify/functions/x/%2e%2e/y", "/.netlify/functions/x%2Fy")) {
            given().urlEncodingEnabled(false).post(path).then().statusCode(404).body("code", equalTo(404));
        }
        assertEquals(0, functions.received().size(), "nothing was forwarded: " + functions.describe());
    }

    /** CONNECT asks for a tunnel, not a function: refused, and nothing reaches the function host. */
    @Test
    void connectIsNotAFunctionCall() throws Exception {
        try (java.net.Socket socket = new java.net.Socket(echo.getHost(), echo.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("CONNECT /.netlify/functions/anon HTTP/1.1\r\nHost: " + echo.getHost()
                    + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertEquals("HTTP/1.1 405 Method Not Allowed", status);
        }
        assertEquals(0, functions.received().size(), "nothing was forwarded: " + functions.describe());
    }

    @Test
    void aSlowFunctionHostIsNotWaitedForForever() {
        // The gateway's own timeout is 30 s by default; a closed function host is a 502 at once.
        functions.on("/fn/slow", (r, n) -> Reply.status(200).after(Duration.ofMillis(100)));
        given().get("/.netlify/functions/slow").then().statusCode(200);
    }

    @Test
    void browsersGetTesserasCorsAndTheFunctionsOwnHeaders() {
        String site = "https://site.example.test";
        functions.on("/fn/page", (r, n) -> Reply.json(200, "{}").withHeader("Cache-Control", "public, max-age=60")
                .withHeader("Access-Control-Allow-Origin", "*"));
        var fromSite = given().header("Origin", site).get("/.netlify/functions/page").then().statusCode(200)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Cache-Control", "public, max-age=60").extract().response();
        assertEquals(List.of(site), fromSite.headers().getValues("Access-Control-Allow-Origin"),
                "one answer for the site's origin: Tessera's");
        assertNull(fromSite.header("X-Frame-Options"), "a function's answer keeps the headers it came with");

        var fromElsewhere = given().header("Origin", "https://evil.example").get("/.netlify/functions/page").then()
                .statusCode(200).extract().response();
        assertNull(fromElsewhere.header("Access-Control-Allow-Credentials"), "no credentials for another origin");
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/.netlify/functions/page").then().statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
        assertEquals(2, functions.received().size(), "the refused preflight never reached the function");

        // The gateway's own answers carry the API's defaults.
        given().get("/.netlify/functions/identity-signup").then().statusCode(404)
                .header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY");
    }

    /** The admin token: GoTrue's shape, sub "0", a few minutes of life, and the platform verifier accepts it. */
    private void assertAdminToken(String token) throws Exception {
        JwtClaims claims = new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(Signatures.JWT_SECRET.getBytes(StandardCharsets.UTF_8)))
                .setRelaxVerificationKeyValidation()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "HS256")
                .setRequireExpirationTime()
                .setSkipDefaultAudienceValidation()
                .build().processToClaims(token);
        assertEquals("0", claims.getSubject());
        long lifetime = claims.getExpirationTime().getValue() - Instant.now().getEpochSecond();
        assertTrue(lifetime > 240 && lifetime <= 300, "about five minutes: " + lifetime);
        assertNull(claims.getClaimValue("iss"));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        assertEquals("nf-ident", jws.getKeyIdHeaderValue());
        AccessTokenClaims verified = accessTokens.verify(token).await().indefinitely();
        assertTrue(verified.isSystem(), "user-service's admin check treats it as the system user");
    }

    private Received single() {
        List<Received> all = functions.received();
        assertEquals(1, all.size(), "one forwarded request: " + functions.describe());
        return all.get(0);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> decode(String header) throws Exception {
        return mapper.readValue(Base64.getDecoder().decode(header), LinkedHashMap.class);
    }
}
