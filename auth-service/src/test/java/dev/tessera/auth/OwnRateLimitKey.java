package dev.tessera.auth;

import java.util.UUID;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;

/** Each test is its own client for the /token rate limit (GOTRUE_RATE_LIMIT_HEADER is X-Client-IP in tests). */
public class OwnRateLimitKey implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("X-Client-IP", UUID.randomUUID().toString()).build();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RestAssured.requestSpecification = null;
    }
}
