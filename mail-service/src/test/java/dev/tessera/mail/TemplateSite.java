package dev.tessera.mail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A site that serves one mail template over HTTP, as a GoTrue deployment's site serves
 * {@code GOTRUE_MAILER_TEMPLATES_*}. A test changes what it serves, or makes it fail, while the service runs.
 */
public final class TemplateSite implements AutoCloseable {

    public static final String PATH = "/templates/password-changed.html";

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String body;
    private volatile int status = 200;

    public TemplateSite(String initialBody) throws IOException {
        this.body = initialBody;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PATH, exchange -> {
            requests.incrementAndGet();
            byte[] answer = (status == 200 ? body : "broken").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    public void serve(String newBody) {
        body = newBody;
        status = 200;
    }

    public void fail(int newStatus) {
        status = newStatus;
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
