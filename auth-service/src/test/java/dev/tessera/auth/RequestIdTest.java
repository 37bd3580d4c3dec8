package dev.tessera.auth;

import static dev.tessera.auth.testing.Grants.knownUser;
import static dev.tessera.auth.testing.Grants.passwordGrant;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tessera.auth.testing.OwnRateLimitKey;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Request ids without {@code GOTRUE_API_REQUEST_ID_HEADER} (the default): every answer names its request's own fresh
 * id in {@code X-Request-Id}, whatever the client sent; the id goes along on the call to user-service; a server
 * error's {@code error_id} is that id, as on GoTrue. (With the header configured, the proxy's id is used instead:
 * local-suite's TracingEndToEndTest.)
 */
@QuarkusTest
@ExtendWith(OwnRateLimitKey.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class RequestIdTest {

    private static final String HEADER = "X-Request-Id";

    @Test
    void everyAnswerNamesAFreshIdAndAClientCannotChooseIt() {
        String first = given().get("/settings").then().statusCode(200).extract().header(HEADER);
        String second = given().header(HEADER, "chosen-by-the-client").get("/settings").then().statusCode(200)
                .extract().header(HEADER);
        assertEquals(first, UUID.fromString(first).toString(), "a v4 UUID: " + first);
        assertEquals(second, UUID.fromString(second).toString(), "a v4 UUID: " + second);
        assertNotEquals(first, second);
        String refused = given().post("/logout").then().statusCode(401).extract().header(HEADER);
        assertEquals(refused, UUID.fromString(refused).toString(), "a refused request has its id too");
    }

    @Test
    void theIdGoesAlongOnTheCallToUserService() {
        String email = knownUser(UUID.randomUUID());
        Response answer = passwordGrant(email);
        answer.then().statusCode(200);
        String id = answer.header(HEADER);
        assertNotNull(id);
        assertEquals("/internal/authenticate", UserServiceStub.lastCall.path());
        assertEquals(id, UserServiceStub.lastCall.header(HEADER), "user-service logs the same request id");
    }

    @Test
    void aServerErrorsErrorIdIsTheRequestId() {
        String email = "broken-" + UUID.randomUUID() + "@example.com";
        // Not GoTrue's error shape: auth-service cannot relay it and answers 500 itself.
        UserServiceStub.AUTHENTICATE.put(email, new Object[] { 500, "not a GoTrue error" });
        Response answer = passwordGrant(email);
        answer.then().statusCode(500);
        assertEquals("Internal server error", answer.path("msg"));
        assertEquals(answer.header(HEADER), answer.path("error_id"));
        assertEquals(answer.header(HEADER), UserServiceStub.lastCall.header(HEADER));
    }
}
