package dev.tessera.auth.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.tessera.platform.testing.TestClients;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;

/**
 * Each test is its own client for the rate limits: named in {@code X-Forwarded-For} by the trusted proxy 127.0.0.1
 * (see RateLimitTest).
 */
public class OwnRateLimitKey implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader(TestClients.FORWARDED_FOR, TestClients.address()).build();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RestAssured.requestSpecification = null;
    }
}
