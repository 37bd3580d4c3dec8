package dev.tessera.suite.gateway;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.tessera.suite.http.HttpListeners;
import dev.tessera.suite.http.JsonErrors;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;

/**
 * The one public base URL of a local run: a reverse proxy that routes by path like the Kubernetes ingress
 * ({@link RouteTable}). Bodies stream through in both directions; method, query and headers are kept, and the
 * upstream learns the original client, scheme and host from {@code X-Forwarded-For/-Proto/-Host} (and the stripped
 * prefix from {@code X-Forwarded-Prefix}). A path without a route gets GoTrue's {@code 404 {"code":404,"msg":"Not
 * Found"}}; an upstream that does not answer gets {@code 502}.
 */
public final class Gateway implements AutoCloseable {

    /** Headers that describe one connection, not the message; a proxy never forwards them. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect");
    private static final long UPSTREAM_CONNECT_TIMEOUT_MS = 5_000;
    private static final long UPSTREAM_IDLE_TIMEOUT_MS = 120_000;
    private static final String UPSTREAM_HOST = "127.0.0.1";

    private final Map<SuiteService, SocketAddress> upstreams;
    private final HttpClient client;
    private final AccessLog accessLog;
    private HttpListeners listeners;

    private Gateway(Vertx vertx, Map<SuiteService, Integer> upstreamPorts, AccessLog accessLog) {
        this.upstreams = new EnumMap<>(SuiteService.class);
        upstreamPorts.forEach((service, port) -> upstreams.put(service, SocketAddress.inetSocketAddress(port,
                UPSTREAM_HOST)));
        this.accessLog = accessLog;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setDecompressionSupported(false)
                .setConnectTimeout((int) UPSTREAM_CONNECT_TIMEOUT_MS),
                new PoolOptions().setHttp1MaxSize(32));
    }

    /**
     * Starts the gateway on every address of {@code host} at {@code port} (0 for a free one).
     *
     * @param upstreamPorts the port each service listens on at 127.0.0.1; a service without one answers 502
     */
    public static Gateway start(Vertx vertx, String host, int port, Map<SuiteService, Integer> upstreamPorts,
            AccessLog accessLog) {
        Gateway gateway = new Gateway(vertx, upstreamPorts, accessLog);
        gateway.listeners = HttpListeners.listen(vertx, new HttpServerOptions()
                .setHandle100ContinueAutomatically(true)
                .setCompressionSupported(false), host, port, gateway::handle);
        return gateway;
    }

    public int port() {
        return listeners.port();
    }

    private void handle(HttpServerRequest request) {
        long started = System.nanoTime();
        Optional<RouteTable.Route> found = RouteTable.resolve(request.path());
        if (found.isEmpty()) {
            JsonErrors.send(request.response(), 404, "Not Found");
            log(request, "-", 404, started);
            return;
        }
        RouteTable.Route route = found.get();
        SocketAddress upstream = upstreams.get(route.service());
        if (upstream == null) {
            badGateway(request, route, started, "is not running");
            return;
        }
        request.pause();
        RequestOptions options = new RequestOptions()
                .setServer(upstream)
                .setMethod(request.method())
                .setURI(request.query() == null ? route.path() : route.path() + "?" + request.query())
                .setHeaders(forwardedHeaders(request, route))
                .setConnectTimeout(UPSTREAM_CONNECT_TIMEOUT_MS)
                .setIdleTimeout(UPSTREAM_IDLE_TIMEOUT_MS);
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                request.resume();
                badGateway(request, route, started, "is not answering");
                return;
            }
            HttpClientRequest upstreamRequest = connected.result();
            HostAndPort authority = request.authority();
            if (authority != null) {
                upstreamRequest.authority(authority);
            }
            request.response().closeHandler(v -> upstreamRequest.reset());
            boolean hasBody = request.headers().contains(HttpHeaders.CONTENT_LENGTH)
                    || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
            var sent = hasBody ? upstreamRequest.send(request) : upstreamRequest.send();
            if (!hasBody) {
                request.resume();
            }
            sent.onComplete(answered -> {
                if (answered.failed()) {
                    badGateway(request, route, started, "is not answering");
                } else {
                    relay(request, answered.result(), route, started);
                }
            });
        });
    }

    private void relay(HttpServerRequest request, HttpClientResponse upstream, RouteTable.Route route, long started) {
        HttpServerResponse response = request.response();
        response.setStatusCode(upstream.statusCode());
        response.setStatusMessage(upstream.statusMessage());
        copyHeaders(upstream.headers(), response.headers());
        boolean bodyless = request.method() == HttpMethod.HEAD || upstream.statusCode() == 204
                || upstream.statusCode() == 304 || upstream.statusCode() < 200;
        if (!bodyless && !upstream.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        upstream.pipeTo(response).onComplete(done -> {
            if (done.failed() && !response.ended()) {
                response.reset();
            }
        });
        log(request, route.service().module(), upstream.statusCode(), started);
    }

    private static MultiMap forwardedHeaders(HttpServerRequest request, RouteTable.Route route) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        copyHeaders(request.headers(), headers);
        headers.remove(HttpHeaders.HOST);
        String client = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        String forwardedFor = request.getHeader("X-Forwarded-For");
        headers.set("X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client);
        if (!headers.contains("X-Forwarded-Proto")) {
            headers.set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
        }
        HostAndPort authority = request.authority();
        if (authority != null && !headers.contains("X-Forwarded-Host")) {
            headers.set("X-Forwarded-Host", authority.port() < 0 ? authority.host()
                    : authority.host() + ":" + authority.port());
        }
        if (!route.strippedPrefix().isEmpty()) {
            headers.set("X-Forwarded-Prefix", route.strippedPrefix());
        }
        return headers;
    }

    /** Copies every header except hop-by-hop ones and those the Connection header names; keeps repeated ones. */
    private static void copyHeaders(MultiMap from, MultiMap to) {
        Set<String> connectionScoped = new java.util.HashSet<>(HOP_BY_HOP);
        for (String value : from.getAll(HttpHeaders.CONNECTION)) {
            for (String name : value.split(",")) {
                connectionScoped.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        for (Map.Entry<String, String> header : from) {
            if (!connectionScoped.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    private void badGateway(HttpServerRequest request, RouteTable.Route route, long started, String problem) {
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            response.reset();
        } else {
            String errorId = JsonErrors.send(response, 502, route.service().module() + " " + problem);
            accessLog.log("error_id=" + errorId + " " + route.service().module() + " " + problem);
        }
        log(request, route.service().module(), 502, started);
    }

    private void log(HttpServerRequest request, String upstream, int status, long started) {
        accessLog.log(request.method() + " " + request.uri() + " -> " + upstream + " " + status + " "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    @Override
    public void close() {
        if (listeners != null) {
            listeners.close();
        }
        client.close();
        accessLog.close();
    }
}
