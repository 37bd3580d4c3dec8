package dev.tessera.platform.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for a neighbour service's internal API in a service's own tests: a real HTTP server whose answers come
 * from the subclass, recording every call it receives. The real pairing of services is exercised by the end-to-end
 * tests in local-suite.
 */
public abstract class InternalApiStub implements QuarkusTestResourceLifecycleManager {

    /** One call the stub received, with its headers (names in lower case). */
    public record Call(String path, String authorization, JsonNode body, Map<String, String> headers) {

        /** The first value of a header, whatever its case, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** An answer: status and JSON body. */
    public record Answer(int status, Object body) {
        public static Answer ok(Object body) {
            return new Answer(200, body);
        }

        public static Answer error(int status, String msg) {
            return new Answer(status, Map.of("code", status, "msg", msg));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private HttpServer server;

    /** The config property naming the stubbed service's URL, e.g. {@code tessera.user-service.url}. */
    protected abstract String urlProperty();

    /** Path prefix → how to answer a call under it. */
    protected abstract Map<String, BiFunction<String, JsonNode, Answer>> routes();

    /** The calls received so far, oldest first. */
    protected List<Call> calls() {
        return calls;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        routes().forEach((prefix, answer) -> server.createContext(prefix, exchange -> {
            byte[] request = exchange.getRequestBody().readAllBytes();
            JsonNode body = request.length == 0 ? JSON.nullNode() : JSON.readTree(request);
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                    values.isEmpty() ? "" : values.get(0)));
            calls.add(new Call(path, exchange.getRequestHeaders().getFirst("Authorization"), body, Map.copyOf(headers)));
            Answer reply = answer.apply(path, body);
            if (reply.status() == 204) {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                return;
            }
            byte[] bytes = JSON.writeValueAsString(reply.body()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }));
        server.start();
        return Map.of(urlProperty(), "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
