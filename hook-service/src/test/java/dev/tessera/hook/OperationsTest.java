package dev.tessera.hook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What an operator relies on before any hook runs: probes, metrics and the API spec on the management port (never on
 * the API port the ingress routes), readiness that sees the database but not Kafka (the synchronous hooks and the
 * function gateway answer without it).
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
class OperationsTest {

    @InjectTestStack
    TestStack stack;

    /** Relative to the management interface's root, /q. */
    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;
    @TestHTTPResource(value = "health/live", management = true)
    URL live;
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;
    @TestHTTPResource(value = "openapi", management = true)
    URL openapi;

    @Test
    void readinessCoversTheDatabaseButNotKafka() {
        given().get(ready).then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"))
                .body("checks.name", not(hasItem("Kafka connection health check")));
        given().get(live).then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsAndOpenApiAreServed() {
        given().get(metrics).then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().get(openapi).then().statusCode(200).body(containsString("openapi"));
    }

    @Test
    void theApiPortServesNoneOfThem() {
        for (String path : new String[] { "/q/health/ready", "/q/health/live", "/q/metrics", "/q/openapi" }) {
            given().get(path).then().statusCode(404);
        }
    }

    @Test
    void itsSchemaIsMigrated() throws Exception {
        try (Connection c = stack.jdbc(); ResultSet rs = c.createStatement().executeQuery(
                "select count(*) from information_schema.schemata where schema_name = 'hooks'")) {
            rs.next();
            assertTrue(rs.getInt(1) == 1, "Flyway created the hooks schema");
        }
    }
}
