package dev.tessera.mail;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import java.net.URL;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Readiness covers what a delivery needs: the database and the Kafka broker (and the consumer's channel), since
 * mail-service's work is consuming. Health is served on the management port, never on the API port.
 */
@QuarkusTest
class HealthTest {

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @Test
    void readyWhenTheDatabaseAndKafkaAre() {
        given().get(ready)
                .then().log().ifValidationFails()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(
                        "Reactive PostgreSQL connections health check",
                        "Kafka connection health check",
                        "SmallRye Reactive Messaging - readiness check"));
    }

    /**
     * No public route here, but the shared web defences cover every answer of the API port, a 404 included (the
     * test site is https://example.test).
     */
    @Test
    void answersCarryTheSharedWebDefences() {
        given().header("Origin", "https://evil.example").get("/q/health/live").then().statusCode(404)
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Cache-Control", "no-store").header("X-Frame-Options", "DENY");
        given().header("Origin", "https://example.test").get("/q/health/live").then().statusCode(404)
                .header("Access-Control-Allow-Origin", "https://example.test");
    }
}
