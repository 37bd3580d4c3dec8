package dev.tessera.hook.sync;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServerResource;
import dev.tessera.hook.testing.InjectFunctionServer;
import dev.tessera.platform.internal.ServiceCredential;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * With {@code TESSERA_HOOKS_ALLOW_PRIVATE_TARGETS} off (the production default) a target on a loopback address is
 * refused before any connection: the hook is GoTrue's 502 and the gateway answers 502, and the server on that
 * address sees nothing. An event without a configured target is an empty outcome.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FunctionServerResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "webhook", value = "false"),
        @ResourceArg(name = "functions", value = "identity-validate"),
        @ResourceArg(name = "config.tessera.hooks.allow-private-targets", value = "false") })
class PrivateTargetsTest {

    @InjectFunctionServer
    FunctionServer functions;

    @Inject
    ServiceCredential credential;

    @Test
    void loopbackTargetsAreRefusedWithoutAConnection() {
        invoke("validate").then().statusCode(502).body("code", equalTo(502))
                .body("msg", equalTo("Failed to connect to " + functions.url("/fn/identity-validate")));
        given().get("/.netlify/functions/hello").then().statusCode(502).body("code", equalTo(502));
        assertEquals(0, functions.received().size(), "nothing reached the loopback server: " + functions.describe());
    }

    @Test
    void anEventWithoutTargetsChangesNothing() {
        invoke("login").then().statusCode(200).body(equalTo("{}"));
        invoke("signup").then().statusCode(200).body(equalTo("{}"));
        assertEquals(0, functions.received().size());
    }

    @Test
    void callersLearnWhichEventsHaveATarget() {
        given().header("Authorization", credential.authorizationHeader()).get("/internal/hooks")
                .then().statusCode(200).body("events", equalTo(java.util.List.of("validate")));
        given().get("/internal/hooks").then().statusCode(401);
    }

    private io.restassured.response.Response invoke(String event) {
        Map<String, Object> user = Map.of("id", UUID.randomUUID().toString(), "email", "p@example.com");
        return given().header("Authorization", credential.authorizationHeader()).contentType("application/json")
                .body(Map.of("user", user)).post("/internal/hooks/" + event);
    }
}
