package dev.tessera.auth;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for user-service's internal API in auth-service's own tests, answering from fixed tables. The real
 * pairing of the two services is exercised by the end-to-end test in local-suite.
 */
public class UserServiceStub implements QuarkusTestResourceLifecycleManager {

    /** email → [status, body] of the authenticate call. */
    static final Map<String, Object[]> AUTHENTICATE = new ConcurrentHashMap<>();
    /** token → [status, body] of the verify call. */
    static final Map<String, Object[]> VERIFY = new ConcurrentHashMap<>();
    /** user id → [status, body] of the lookup call. */
    static final Map<String, Object[]> USERS = new ConcurrentHashMap<>();
    /** The Authorization header of the last call. */
    static volatile String lastAuthorization;

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/internal/authenticate", ex -> answer(ex, AUTHENTICATE, "email"));
        server.createContext("/internal/verify", ex -> answer(ex, VERIFY, "token"));
        server.createContext("/internal/users/", ex -> {
            lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
            String id = ex.getRequestURI().getPath().substring("/internal/users/".length());
            reply(ex, USERS.getOrDefault(id, notFound()));
        });
        server.start();
        return Map.of("tessera.user-service.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void answer(HttpExchange ex, Map<String, Object[]> table, String keyField) throws IOException {
        lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
        JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
        String key = body.path(keyField).asText();
        reply(ex, table.getOrDefault(key, notFound()));
    }

    private static Object[] notFound() {
        return new Object[] { 404, Map.of("code", 404, "msg", "User not found") };
    }

    private static void reply(HttpExchange ex, Object[] answer) throws IOException {
        byte[] bytes = JSON.writeValueAsString(answer[1]).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders((Integer) answer[0], bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
