package dev.tessera.auth.token;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.testing.ClosedPort;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * user-service down (its address refuses connections): the password grant and {@code /verify}, which need its
 * answer, fail with GoTrue's 503 rather than a 500, and no session is started.
 */
@QuarkusTest
@TestProfile(UserServiceDownTest.UserServiceRefuses.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class UserServiceDownTest {

    /** user-service's address is a port nothing listens on. */
    public static class UserServiceRefuses implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.rest-client.user-service.url", ClosedPort.url());
        }
    }

    @InjectTestStack
    TestStack stack;

    @Test
    void aPasswordGrantOrVerifyWhileUserServiceRefusesConnectionsIs503AndStartsNoSession() throws Exception {
        long sessions = sessions();
        given().contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("username", "down@example.com").formParam("password", "pw").post("/token")
                .then().statusCode(503).contentType(ContentType.JSON)
                .body("code", equalTo(503)).body("msg", equalTo("User service unavailable, try again later"))
                .body("error_id", notNullValue());
        given().contentType(ContentType.JSON).body(Map.of("type", "signup", "token", "some-token")).post("/verify")
                .then().statusCode(503).contentType(ContentType.JSON)
                .body("code", equalTo(503)).body("msg", equalTo("User service unavailable, try again later"));
        assertEquals(sessions, sessions(), "no session started");
    }

    /**
     * A logout still succeeds: its sessions are auth-service's to end; only the access tokens' early end, which
     * user-service keeps, is missed, and they expire as on GoTrue.
     */
    @Test
    void aLogoutWhileUserServiceRefusesConnectionsStillSucceeds() {
        String token = TestTokens.sign(TokenTest.SECRET, UUID.randomUUID().toString(), "down@example.com");
        given().header("Authorization", "Bearer " + token).post("/logout").then().statusCode(204);
    }

    private long sessions() throws Exception {
        try (Connection c = stack.jdbc(); ResultSet rs = c.createStatement().executeQuery(
                "select count(*) from auth.sessions")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
