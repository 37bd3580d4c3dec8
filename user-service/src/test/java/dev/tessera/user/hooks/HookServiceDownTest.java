package dev.tessera.user.hooks;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.ClosedPort;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * hook-service down (its address refuses connections, as in the fault suite's kill): an action its synchronous
 * functions guard fails closed with GoTrue's 503, not a 500, and nothing of it is written.
 */
@QuarkusTest
@TestProfile(HookServiceDownTest.HookServiceRefuses.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class HookServiceDownTest {

    /** hook-service's address is a port nothing listens on. */
    public static class HookServiceRefuses implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.rest-client.hook-service.url", ClosedPort.url());
        }
    }

    @InjectTestStack
    TestStack stack;

    @Test
    void aSignupWhileHookServiceRefusesConnectionsIs503AndCreatesNobody() throws Exception {
        String email = "hookdown-" + UUID.randomUUID() + "@example.com";
        for (int attempt = 0; attempt < 2; attempt++) {
            given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "hook-test-password"))
                    .post("/signup")
                    .then().statusCode(503).contentType(ContentType.JSON)
                    .body("code", equalTo(503))
                    .body("msg", equalTo("Hook service unavailable, try again later"))
                    .body("error_id", notNullValue());
        }
        // The signup event is written in the user row's transaction, which the failed hook never started.
        assertEquals(0, HooksTest.users(stack, email));
    }
}
