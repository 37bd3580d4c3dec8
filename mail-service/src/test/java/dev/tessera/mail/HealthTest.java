package dev.tessera.mail;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Readiness covers what a delivery needs: the database and the Kafka broker (and the consumer's channel). */
@QuarkusTest
class HealthTest {

    @Test
    void readyWhenTheDatabaseAndKafkaAre() {
        given().get("/q/health/ready")
                .then().log().ifValidationFails()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(
                        "Reactive PostgreSQL connections health check",
                        "Kafka connection health check",
                        "SmallRye Reactive Messaging - readiness check"));
    }
}
