package dev.tessera.platform.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A published JWK set over plain HTTP (the JDK's server, so it serves tests outside Quarkus too): answers
 * {@code /.well-known/jwks.json} with the set a test last gave it and auth-service's {@code Cache-Control}, and
 * counts the fetches, so a verifier's caching and refetch floor can be seen from outside.
 */
public final class JwkSetServer implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile String document;

    private JwkSetServer(String document) throws IOException {
        this.document = document;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = this.document.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Cache-Control", "public, max-age=300");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** Serves this JWK set (JSON) on a free port of 127.0.0.1. */
    public static JwkSetServer start(String document) {
        try {
            return new JwkSetServer(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From now on, answer this JWK set (JSON). */
    public void serve(String jwkSet) {
        this.document = jwkSet;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";
    }

    /** Fetches so far. */
    public int fetches() {
        return fetches.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
