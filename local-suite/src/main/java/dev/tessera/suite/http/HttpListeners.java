package dev.tessera.suite.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tessera.suite.SuiteException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * One HTTP handler listening on every address a host name resolves to, so that {@code http://localhost:8081}
 * answers whether a client picks 127.0.0.1 or ::1.
 */
public final class HttpListeners implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 30;

    private final List<HttpServer> servers;

    private HttpListeners(List<HttpServer> servers) {
        this.servers = servers;
    }

    /**
     * Listens on {@code host:port} ({@code port} 0 picks a free port, then used for every address). Blocks until
     * listening; call it from outside the event loop.
     */
    public static HttpListeners listen(Vertx vertx, HttpServerOptions options, String host, int port,
            Handler<HttpServerRequest> handler) {
        List<String> addresses = addresses(host);
        List<HttpServer> servers = new ArrayList<>();
        HttpListeners listeners = new HttpListeners(servers);
        int actualPort = port;
        try {
            for (int i = 0; i < addresses.size(); i++) {
                String address = addresses.get(i);
                HttpServer server = vertx.createHttpServer(new HttpServerOptions(options)
                        .setHost(address).setPort(actualPort)).requestHandler(handler);
                try {
                    servers.add(await(server.listen()));
                } catch (SuiteException e) {
                    if (i == 0) {
                        throw new SuiteException("cannot listen on " + address + ":" + actualPort + " ("
                                + e.getMessage() + ")", e);
                    }
                    // A second address (say ::1 on a host without IPv6) is a convenience, not a requirement.
                    continue;
                }
                actualPort = server.actualPort();
            }
        } catch (RuntimeException e) {
            listeners.close();
            throw e;
        }
        return listeners;
    }

    static List<String> addresses(String host) {
        try {
            return Arrays.stream(InetAddress.getAllByName(host)).map(InetAddress::getHostAddress).distinct().toList();
        } catch (UnknownHostException e) {
            throw new SuiteException("cannot resolve " + host, e);
        }
    }

    public int port() {
        return servers.get(0).actualPort();
    }

    @Override
    public void close() {
        for (HttpServer server : servers) {
            try {
                await(server.close());
            } catch (SuiteException e) {
                // Closing anyway.
            }
        }
        servers.clear();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new SuiteException(String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (TimeoutException e) {
            throw new SuiteException("timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SuiteException("interrupted", e);
        }
    }
}
