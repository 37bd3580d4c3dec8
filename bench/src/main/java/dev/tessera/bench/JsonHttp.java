package dev.tessera.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/** Requests on one pooled keep-alive client; any status but the expected one fails the future with the answer. */
record JsonHttp(HttpClient http, String prefix) {

    private static final ObjectMapper JSON = new ObjectMapper();

    Future<JsonNode> post(String path, String contentType, String body, int expected, String... headers) {
        return send(HttpMethod.POST, path, Buffer.buffer(body), expected, headers(headers).add("Content-Type",
                contentType));
    }

    Future<JsonNode> get(String path, int expected, String... headers) {
        return send(HttpMethod.GET, path, null, expected, headers(headers));
    }

    private static MultiMap headers(String... namesAndValues) {
        MultiMap all = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            all.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return all;
    }

    private Future<JsonNode> send(HttpMethod method, String path, Buffer body, int expected, MultiMap headers) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(prefix + path)
                .setHeaders(headers).setTimeout(30_000);
        return http.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(answer -> {
                    if (response.statusCode() != expected) {
                        throw new IllegalStateException(path + " answered " + response.statusCode() + " " + answer);
                    }
                    if (answer.length() == 0) {
                        return MissingNode.getInstance();
                    }
                    try {
                        return JSON.readTree(answer.getBytes());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
