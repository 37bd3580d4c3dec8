package dev.tessera.hook.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for a function host or a webhook endpoint. Tests script what each path answers
 * (status, body, delay) and read back every request it received, exactly as sent.
 */
public final class FunctionServer implements AutoCloseable {

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Responder> responders = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    private FunctionServer(int port) {
        this.port = port;
    }

    /** A server on a free loopback port, not started yet (so a test can first see the port refuse connections). */
    public static FunctionServer reserve() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return new FunctionServer(socket.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static FunctionServer start() {
        return reserve().listen();
    }

    public synchronized FunctionServer listen() {
        if (server != null) {
            return this;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port, e);
        }
        executor = Executors.newFixedThreadPool(8);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Scripts what a path answers; a path without a script answers 204. */
    public void on(String path, Responder responder) {
        responders.put(path, responder);
    }

    /** Forgets scripts, call counts and received requests. */
    public void reset() {
        responders.clear();
        calls.clear();
        received.clear();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(Predicate<Received> filter) {
        return received.stream().filter(filter).toList();
    }

    /** Waits (polling) until at least {@code count} requests match, then returns all that match. */
    public List<Received> await(Predicate<Received> filter, int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<Received> matching = received(filter);
            if (matching.size() >= count) {
                return matching;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("expected " + count + " matching requests within " + timeout + ", got "
                        + matching.size() + "; all received: " + received);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                List.copyOf(values)));
        String path = exchange.getRequestURI().getRawPath();
        Received request = new Received(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                headers, body, Instant.now());
        received.add(request);
        int call = calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Reply reply = responders.getOrDefault(path, (r, n) -> Reply.status(204)).reply(request, call);
        try {
            if (reply.delay() != null && !reply.delay().isZero()) {
                Thread.sleep(reply.delay().toMillis());
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] out = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
            if (reply.body() != null && !reply.headers().containsKey("Content-Type")) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (IOException | InterruptedException gone) {
            // The caller gave up (a timeout test); nothing to answer.
        } finally {
            exchange.close();
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    /** Decides the answer to a request; {@code call} counts the calls to this path, from 1. */
    @FunctionalInterface
    public interface Responder {
        Reply reply(Received request, int call);
    }

    public record Reply(int status, String body, Duration delay, Map<String, String> headers) {

        public static Reply status(int status) {
            return new Reply(status, null, Duration.ZERO, Map.of());
        }

        public static Reply json(int status, String body) {
            return new Reply(status, body, Duration.ZERO, Map.of());
        }

        public Reply after(Duration delay) {
            return new Reply(status, body, delay, headers);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return new Reply(status, body, delay, all);
        }
    }

    public record Received(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
            Instant at) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + " " + text();
        }
    }

    /** Every request so far, for failure messages. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        received.forEach(r -> out.add(r.toString()));
        return out;
    }
}
