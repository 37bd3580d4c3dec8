package dev.tessera.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** With an https site, the session cookie is also {@code Secure}, set and cleared alike, and the site's CORS origin follows. */
@QuarkusTest
@TestProfile(HttpsSiteCookieTest.HttpsSite.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class HttpsSiteCookieTest {

    static final String SITE = "https://identity.example.test";

    public static class HttpsSite implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gotrue.site-url", SITE + "/");
        }
    }

    @Test
    void theCookieIsSecureAndClearedWithTheSameAttributes() {
        String email = Grants.knownUser(UUID.randomUUID());
        String cookie = given().header(TestClients.FORWARDED_FOR, TestClients.address()).header("X-Use-Cookie", "session")
                .contentType(ContentType.URLENC).formParam("grant_type", "password").formParam("username", email)
                .formParam("password", "pw").post("/token").then().statusCode(200).extract().header("Set-Cookie");
        assertEquals(List.of("Path=/", "Secure", "HttpOnly", "SameSite=Lax"), WebDefencesTest.attributes(cookie),
                cookie);
        assertEquals("nf_jwt=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly; SameSite=Lax",
                given().post("/logout").then().statusCode(401).extract().header("Set-Cookie"));
    }

    @Test
    void theHttpsSiteIsTheAllowedOriginNotItsHttpTwin() {
        given().header("Origin", SITE).get("/settings").then().statusCode(200)
                .header("Access-Control-Allow-Origin", SITE).header("Access-Control-Allow-Credentials", "true");
        given().header("Origin", "http://identity.example.test").get("/settings").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "http://localhost:8081").get("/settings").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
