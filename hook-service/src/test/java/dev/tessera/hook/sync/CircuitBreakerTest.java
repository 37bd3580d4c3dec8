package dev.tessera.hook.sync;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tessera.hook.testing.FunctionServer;
import dev.tessera.hook.testing.FunctionServer.Reply;
import dev.tessera.hook.testing.FunctionServerResource;
import dev.tessera.hook.testing.InjectFunctionServer;
import dev.tessera.platform.internal.ServiceCredential;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A dead function host: each call is GoTrue's {@code 502 "Failed to connect to <url>"} at once (no retry), until
 * the breaker opens and calls fail with 503 without touching the network; once the host is back and the breaker's
 * delay has passed, a trial call closes it again.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FunctionServerResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "listen", value = "false"),
        @ResourceArg(name = "webhook", value = "false"),
        @ResourceArg(name = "functions", value = "identity-login"),
        @ResourceArg(name = "config.tessera.hooks.circuit-breaker.request-volume", value = "4"),
        @ResourceArg(name = "config.tessera.hooks.circuit-breaker.delay", value = "2s") })
class CircuitBreakerTest {

    @InjectFunctionServer
    FunctionServer functions;

    @Inject
    ServiceCredential credential;

    @Test
    void aDeadTargetOpensTheBreakerAndARecoveredOneClosesIt() {
        String url = functions.url("/fn/identity-login");
        for (int i = 0; i < 4; i++) {
            login().then().statusCode(502).body("code", equalTo(502)).body("msg", equalTo("Failed to connect to " + url));
        }
        Instant started = Instant.now();
        login().then().statusCode(503).body("code", equalTo(503))
                .body("msg", equalTo("Event hook identity-login is unavailable, try again later"));
        assertTrue(Duration.between(started, Instant.now()).toMillis() < 1000, "an open breaker fails at once");

        functions.listen();
        functions.on("/fn/identity-login", (r, n) -> Reply.json(200, "{\"app_metadata\":{\"back\":true}}"));
        login().then().statusCode(503);
        assertEquals(0, functions.received().size(), "while open, nothing reaches the target");

        Instant deadline = Instant.now().plusSeconds(15);
        Response answer = login();
        while (answer.statusCode() == 503 && Instant.now().isBefore(deadline)) {
            sleep(200);
            answer = login();
        }
        answer.then().statusCode(200).body("app_metadata.back", equalTo(true));
        login().then().statusCode(200);
        assertEquals(2, functions.received().size(), "the trial call and the next one");
    }

    private Response login() {
        Map<String, Object> user = Map.of("id", UUID.randomUUID().toString(), "email", "cb@example.com",
                "app_metadata", Map.of(), "user_metadata", Map.of());
        return given().header("Authorization", credential.authorizationHeader()).contentType("application/json")
                .body(Map.of("event", "login", "user", user)).post("/internal/hooks/login");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
