package dev.tessera.suite.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import dev.tessera.suite.gateway.Gateway;
import io.vertx.core.json.JsonObject;

/** Requests to the suite's public base URL, as a GoTrue client sends them. */
final class PublicApi {

    private final String base;
    private final Path logs;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param logs where the services log, named in every failure so the reader knows where to look */
    PublicApi(String base, Path logs) {
        this(base, logs, Duration.ofSeconds(30));
    }

    /** @param timeout how long a request may take before it fails */
    PublicApi(String base, Path logs, Duration timeout) {
        this.base = base;
        this.logs = logs;
        this.timeout = timeout;
    }

    String base() {
        return base;
    }

    /** @param headers name, value, name, value, ... */
    Reply call(String method, String path, String contentType, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(method + " " + path, response.statusCode(), response.body(),
                response.headers().firstValue(Gateway.UPSTREAM_HEADER).orElse(null),
                response.headers().firstValue("Retry-After").orElse(null), response.headers(), logs);
    }

    /** Asserts a 200 and hands the reply on. */
    static Reply ok(Reply reply) {
        assertEquals(200, reply.status(), reply.describe());
        return reply;
    }

    /**
     * @param replica the replica that answered ({@code X-Tessera-Upstream}), null for a service that runs once
     * @param retryAfter the {@code Retry-After} header, or null
     * @param headers every header of the answer
     */
    record Reply(String request, int status, String body, String replica, String retryAfter, HttpHeaders headers,
            Path logs) {

        /** The first value of a header, or null. */
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonObject json() {
            try {
                return new JsonObject(body);
            } catch (RuntimeException e) {
                return fail("not a JSON object: " + describe());
            }
        }

        String describe() {
            return request + " -> " + status + (replica == null ? "" : " from " + replica) + ": " + body
                    + " (service logs in " + logs + ")";
        }
    }
}
