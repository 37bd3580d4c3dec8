package dev.tessera.platform.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * One row of a bad-input table: how a request is sent and the status it must get. {@link #check()} sends it and
 * asserts GoTrue's error shape ({@code {"error","error_description"}} when {@code oauth}, else
 * {@code {"code","msg"}}), a JSON content type, and that no internals (class names, stack frames) leak.
 */
public record BadRequest(String name, String method, String path, String contentType, String body, String auth,
        int status, boolean oauth) {

    public static BadRequest of(String name, String method, String path, String contentType, String body, String auth,
            int status) {
        return new BadRequest(name, method, path, contentType, body, auth, status, false);
    }

    public static BadRequest oauth(String name, String method, String path, String contentType, String body, int status) {
        return new BadRequest(name, method, path, contentType, body, null, status, true);
    }

    public Response check(String... extraHeaders) {
        RequestSpecification request = given();
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            request = request.header(extraHeaders[i], extraHeaders[i + 1]);
        }
        if (contentType != null) {
            request = request.contentType(contentType);
        }
        if (auth != null) {
            request = request.header("Authorization", auth);
        }
        if (body != null) {
            request = request.body(body);
        }
        Response response = request.request(method, path);
        String text = response.asString();
        assertEquals(status, response.statusCode(), name + " answered " + text);
        assertTrue(response.contentType().startsWith("application/json"), name + ": " + response.contentType());
        if (oauth) {
            assertFalse(response.jsonPath().getString("error").isBlank(), text);
        } else {
            assertEquals(status, response.jsonPath().getInt("code"), text);
            assertFalse(response.jsonPath().getString("msg").isBlank(), text);
        }
        for (String leak : List.of("Exception", "dev.tessera", "java.", "at io.")) {
            assertFalse(text.contains(leak), name + " leaks internals: " + text);
        }
        return response;
    }

    @Override
    public String toString() {
        return name;
    }
}
