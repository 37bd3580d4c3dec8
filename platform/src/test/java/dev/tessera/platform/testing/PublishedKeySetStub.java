package dev.tessera.platform.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for auth-service's published key set ({@code GET /.well-known/jwks.json}) in a verifier's tests: serves
 * whatever set a test gives {@link #serve} and counts the fetches, and points {@code TESSERA_JWT_KEYS_URL} at it.
 */
public class PublishedKeySetStub implements QuarkusTestResourceLifecycleManager {

    public static final String PATH = "/.well-known/jwks.json";
    private static volatile String served = "{\"keys\":[]}";
    /** Fetches so far. */
    public static final AtomicInteger FETCHES = new AtomicInteger();

    private HttpServer server;

    /** From now on, answer this JWK set (JSON). */
    public static void serve(String jwkSet) {
        served = jwkSet;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext(PATH, exchange -> {
            FETCHES.incrementAndGet();
            byte[] body = served.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return Map.of("tessera.jwt.keys-url", "http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
