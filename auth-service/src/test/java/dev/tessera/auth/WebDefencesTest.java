package dev.tessera.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.auth.token.TokenTest;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * What a browser page on another site can and cannot do with the API: CORS only for the site's origin and the
 * allow list (the test profile's site is http://localhost:8081, GOTRUE_URI_ALLOW_LIST
 * {@code https://site.example/app,https://*.preview.example}), no caching, sniffing or framing of answers, the
 * session cookie's attributes, and no credentials in the URL of /token.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class WebDefencesTest {

    private static final String SITE = "http://localhost:8081";

    /** Each request is its own client for the /token rate limit (named in X-Forwarded-For by the trusted 127.0.0.1 in tests). */
    private static RequestSpecification client() {
        return given().header(TestClients.FORWARDED_FOR, TestClients.address());
    }

    private static Response passwordGrant(RequestSpecification request, String email) {
        return request.contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("username", email).formParam("password", "pw").post("/token");
    }

    @Test
    void anotherSitesPageGetsNoCorsHeadersAndItsPreflightIsRefused() {
        String email = Grants.knownUser(UUID.randomUUID());
        // The request itself is served (a server-side client sends the same), but the browser may not read it.
        Response answer = passwordGrant(client().header("Origin", "https://evil.example"), email);
        answer.then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue())
                .header("Access-Control-Expose-Headers", nullValue())
                .header("Vary", containsString("Origin"));
        for (String origin : List.of("https://evil.example", "null", "https://site.example.evil.example",
                "http://site.example", "https://a.b.preview.example", "https://preview.example",
                "http://localhost:8082", "https://localhost:8081")) {
            client().header("Origin", origin).header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type,x-use-cookie")
                    .options("/token").then().statusCode(403)
                    .header("Access-Control-Allow-Origin", nullValue())
                    .header("Access-Control-Allow-Credentials", nullValue())
                    .header("Access-Control-Allow-Methods", nullValue());
        }
        client().header("Origin", "https://evil.example").get("/settings").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void theSitesOriginAndAllowListedOnesGetCredentialedCors() {
        String email = Grants.knownUser(UUID.randomUUID());
        for (String origin : List.of(SITE, "https://site.example", "https://pr-42.preview.example")) {
            client().header("Origin", origin).header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type,x-use-cookie,x-nf-client")
                    .options("/token").then().statusCode(200)
                    .header("Access-Control-Allow-Origin", origin)
                    .header("Access-Control-Allow-Credentials", "true")
                    .header("Access-Control-Allow-Methods", "GET,POST,PUT,DELETE,OPTIONS")
                    .header("Access-Control-Allow-Headers",
                            "Accept,Authorization,Content-Type,X-JWT-AUD,X-Use-Cookie,X-Nf-Client");
            passwordGrant(client().header("Origin", origin), email).then().statusCode(200)
                    .header("Access-Control-Allow-Origin", origin)
                    .header("Access-Control-Allow-Credentials", "true")
                    .header("Access-Control-Expose-Headers", "X-Total-Count,Link")
                    .header("Vary", containsString("Origin"));
        }
        // Errors are readable too, so the page can show GoTrue's message.
        client().header("Origin", SITE).contentType(ContentType.URLENC).formParam("grant_type", "nope")
                .post("/token").then().statusCode(400).header("Access-Control-Allow-Origin", SITE)
                .body("error", equalTo("unsupported_grant_type"));
    }

    @Test
    void answersAreNeitherCachedNorSniffedNorFramed() {
        UUID id = UUID.randomUUID();
        String email = Grants.knownUser(id);
        UserServiceStub.VERIFY.put("web-defences-token", new Object[] { 200, TokenTest.identity(id, email) });
        List<Response> answers = List.of(
                passwordGrant(client(), email).then().statusCode(200).extract().response(),
                client().contentType(ContentType.URLENC).formParam("grant_type", "nope")
                        .post("/token").then().statusCode(400).extract().response(),
                client().contentType(ContentType.JSON).body(Map.of("type", "signup", "token", "web-defences-token"))
                        .post("/verify").then().statusCode(200).extract().response(),
                client().contentType(ContentType.JSON).body("{oops").post("/verify").then().statusCode(400)
                        .extract().response(),
                client().post("/logout").then().statusCode(401).extract().response(),
                client().get("/settings").then().statusCode(200).extract().response(),
                client().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                        .options("/token").then().statusCode(403).extract().response(),
                client().contentType(ContentType.URLENC).body("grant_type=password&password=" + "x".repeat(70_000))
                        .post("/token").then().statusCode(413).extract().response());
        for (Response answer : answers) {
            answer.then().header("Cache-Control", "no-store")
                    .header("X-Content-Type-Options", "nosniff")
                    .header("X-Frame-Options", "DENY")
                    .header("Content-Security-Policy", "frame-ancestors 'none'");
        }
    }

    @TestHTTPResource("/token")
    URI token;

    /**
     * Sent in chunks, a body has no Content-Length to refuse it by: it is refused once it passes the limit, and one
     * within it reaches the endpoint whole.
     */
    @Test
    void aChunkedBodyOverTheLimitIsRefusedAsOneWithALengthIs() throws Exception {
        HttpResponse<String> tooLarge = sendChunked("grant_type=password&username=a@example.com&password="
                + "x".repeat(70_000));
        assertEquals(413, tooLarge.statusCode(), tooLarge.body());
        assertEquals("{\"code\":413,\"msg\":\"Request body is larger than 65536 bytes\"}", tooLarge.body());
        assertEquals("application/json", tooLarge.headers().firstValue("Content-Type").orElse(null));

        HttpResponse<String> within = sendChunked("grant_type=nope&padding=" + "x".repeat(60_000));
        assertEquals(400, within.statusCode(), within.body());
        assertThat(within.body(), containsString("unsupported_grant_type"));
    }

    private HttpResponse<String> sendChunked(String form) throws Exception {
        byte[] body = form.getBytes(StandardCharsets.US_ASCII);
        HttpRequest request = HttpRequest.newBuilder(token)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(TestClients.FORWARDED_FOR, TestClients.address())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteLaxAndNotSecureOnAnHttpSite() {
        String email = Grants.knownUser(UUID.randomUUID());
        String cookie = passwordGrant(client().header("X-Use-Cookie", "1"), email).then().statusCode(200)
                .extract().header("Set-Cookie");
        assertEquals(List.of("Path=/", "Max-Age=86400", "HttpOnly", "SameSite=Lax"), attributes(cookie).stream()
                .filter(a -> !a.startsWith("Expires=")).toList(), cookie);
        String cleared = client().post("/logout").then().statusCode(401).extract().header("Set-Cookie");
        assertEquals("nf_jwt=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax",
                cleared, "cleared with the attributes it was set with");
    }

    static List<String> attributes(String setCookie) {
        List<String> parts = List.of(setCookie.split("; "));
        return parts.subList(1, parts.size());
    }

    @Test
    void credentialsInTheQueryStringAreRefusedEvenWithABody() {
        String email = Grants.knownUser(UUID.randomUUID());
        passwordGrant(client().queryParam("password", "pw"), email).then().statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("error_description", equalTo("password must be sent in the request body, not in the URL"));
        client().queryParam("grant_type", "password").queryParam("username", email).queryParam("password", "pw")
                .post("/token").then().statusCode(400).body("error", equalTo("invalid_request"));
        String refresh = passwordGrant(client(), email).then().statusCode(200).extract().path("refresh_token");
        client().queryParam("grant_type", "refresh_token").queryParam("refresh_token", refresh).post("/token")
                .then().statusCode(400).body("error", equalTo("invalid_request"))
                .body("error_description", equalTo("refresh_token must be sent in the request body, not in the URL"));
        client().queryParam("refresh_token", "").contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token").formParam("refresh_token", refresh).post("/token")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        // The refused requests used nothing: the token still works once, from the body.
        client().contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refresh).post("/token").then().statusCode(200);
        // grant_type and username may still come in the URL, as on GoTrue.
        String token = client().queryParam("grant_type", "password").queryParam("username", email)
                .contentType(ContentType.URLENC).formParam("password", "pw").post("/token").then().statusCode(200)
                .extract().path("access_token");
        // The claims, not the encoded token: its base64 may spell "pw" by chance.
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(claims, allOf(containsString("\"sub\""), not(containsString("pw"))));
    }
}
