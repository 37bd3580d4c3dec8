package dev.tessera.user;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.account.AccountTest;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * user-service's routes answer browsers as auth-service's do: CORS for the site's origin only (the test profile's
 * site is http://localhost:8081), with the admin list's paging headers exposed; nothing cached, sniffed or framed;
 * the session cookie cleared with its attributes.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class WebDefencesTest {

    private static final String SITE = "http://localhost:8081";

    private String signedUpToken() {
        String email = "web-" + UUID.randomUUID() + "@example.com";
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "plum-tree-1"))
                .post("/signup").then().statusCode(200).extract().path("id");
        return TestTokens.sign(AccountTest.SECRET, id, email);
    }

    @Test
    void onlyTheSitesPagesMayReadTheUser() {
        String token = signedUpToken();
        given().header("Origin", "https://evil.example").header("Authorization", "Bearer " + token).get("/user")
                .then().statusCode(200).header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "authorization,content-type").options("/user")
                .then().statusCode(403).header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", SITE).header("Authorization", "Bearer " + token).get("/user")
                .then().statusCode(200).header("Access-Control-Allow-Origin", SITE)
                .header("Access-Control-Allow-Credentials", "true");
        given().header("Origin", SITE).header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "authorization,content-type").options("/user")
                .then().statusCode(200).header("Access-Control-Allow-Origin", SITE)
                .header("Access-Control-Allow-Methods", containsString("PUT"));
        given().header("Origin", SITE).header("Authorization", "Bearer test-operator-token")
                .queryParam("per_page", 1).get("/admin/users").then().statusCode(200)
                .header("Access-Control-Allow-Origin", SITE)
                .header("Access-Control-Expose-Headers", "X-Total-Count,Link");
    }

    @Test
    void userAnswersAreNeitherCachedNorSniffedNorFramed() {
        String token = signedUpToken();
        List<Response> answers = List.of(
                given().header("Authorization", "Bearer " + token).get("/user").then().statusCode(200).extract()
                        .response(),
                given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                        .body(Map.of("data", Map.of("nickname", "web"))).put("/user").then().statusCode(200)
                        .extract().response(),
                given().get("/user").then().statusCode(401).extract().response(),
                given().contentType(ContentType.JSON).body("{oops").post("/signup").then().statusCode(400)
                        .extract().response());
        for (Response answer : answers) {
            answer.then().header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff")
                    .header("X-Frame-Options", "DENY")
                    .header("Content-Security-Policy", "frame-ancestors 'none'");
        }
        given().header("Authorization", "Bearer not.a.jwt").get("/user").then().statusCode(401)
                .header("Set-Cookie", equalTo(
                        "nf_jwt=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; SameSite=Lax"));
    }
}
