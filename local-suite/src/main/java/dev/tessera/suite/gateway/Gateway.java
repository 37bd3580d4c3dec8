package dev.tessera.suite.gateway;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tessera.suite.http.HttpListeners;
import dev.tessera.suite.http.JsonErrors;
import dev.tessera.suite.service.SuiteService;
import dev.tessera.suite.site.LocalSite;
import io.vertx.core.Future;
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

/**
 * The one public base URL of a local run: a reverse proxy that routes by path like the Kubernetes ingress
 * ({@link RouteTable}). Bodies stream through in both directions; method, query and headers are kept, and the
 * upstream learns the original client, scheme and host from {@code X-Forwarded-For/-Proto/-Host} (and the stripped
 * prefix from {@code X-Forwarded-Prefix}). These are always this gateway's own: {@code X-Forwarded-For} (and the
 * header {@code GOTRUE_RATE_LIMIT_HEADER} names, if another) is set to the connection's peer, never appended to, and
 * the scheme, host and prefix a client sent (in these or in {@code Forwarded}) are dropped: the services trust this
 * gateway to name the client and the public URL, so nothing a client sends may pass as an earlier hop. A path without a route gets GoTrue's {@code 404 {"code":404,"msg":"Not
 * Found"}}; an upstream that does not answer gets {@code 502}.
 *
 * <p>
 * A service may run as several replicas: requests then go to them in turn (round robin), a replica that refuses the
 * connection is skipped, and the answer names the replica in {@code X-Tessera-Upstream} (e.g. {@code
 * auth-service-2}). {@link #balancer} is the same proxy in front of one service's replicas for its internal address,
 * as a Kubernetes Service is: every path passes, nothing is added. Only replicas in rotation ({@link Endpoints}, which
 * the gateway and the balancers of a run share) get new requests, so a replica being replaced is drained first; when
 * none is in rotation every replica is tried, as before there was a choice.
 *
 * <p>
 * Only a refused connection moves a request on to another replica: then the request never reached a service, so even
 * a POST is safe to send again. A request that fails after it was sent is answered 502 and never replayed.
 */
public final class Gateway implements AutoCloseable {

    /** Names the replica that answered, when a service runs more than one. */
    public static final String UPSTREAM_HEADER = "X-Tessera-Upstream";
    public static final String FORWARDED_FOR = "X-Forwarded-For";
    /** What a proxy tells the one behind it; only this gateway's own values go upstream. */
    private static final List<String> FORWARDING = List.of("Forwarded", "X-Forwarded-Host", "X-Forwarded-Proto",
            "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Forwarded-Ssl");
    /** Headers that describe one connection, not the message; a proxy never forwards them. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect");
    private static final long UPSTREAM_CONNECT_TIMEOUT_MS = 5_000;
    private static final long UPSTREAM_IDLE_TIMEOUT_MS = 120_000;
    private static final String UPSTREAM_HOST = "127.0.0.1";

    private final Endpoints endpoints;
    private final Map<SuiteService, AtomicInteger> turns;
    /** The one service every path goes to unchanged ({@link #balancer}), or null for the public routing. */
    private final SuiteService passThrough;
    private final RouteTable routes;
    private final HttpClient client;
    private final AccessLog accessLog;
    /** The header besides X-Forwarded-For that names the client to the services, or null. */
    private final String clientHeader;
    /** The site that answers the paths the route list leaves to its fallback, or null (then they are 404). */
    private final LocalSite site;
    private HttpListeners listeners;

    private Gateway(Vertx vertx, Endpoints endpoints, SuiteService passThrough, AccessLog accessLog,
            String clientHeader, LocalSite site) {
        this.endpoints = endpoints;
        this.turns = new EnumMap<>(SuiteService.class);
        endpoints.all().keySet().forEach(service -> turns.put(service, new AtomicInteger()));
        this.passThrough = passThrough;
        this.site = site;
        this.routes = RouteTable.load();
        this.accessLog = accessLog;
        this.clientHeader = clientHeader == null || clientHeader.isBlank()
                || clientHeader.trim().equalsIgnoreCase(FORWARDED_FOR) ? null : clientHeader.trim();
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
        Map<SuiteService, List<Integer>> single = new EnumMap<>(SuiteService.class);
        upstreamPorts.forEach((service, upstreamPort) -> single.put(service, List.of(upstreamPort)));
        return startReplicated(vertx, host, port, single, accessLog);
    }

    /**
     * Starts the gateway in front of services that may run as several replicas, taken in turn.
     *
     * @param replicaPorts the ports of each service's replicas at 127.0.0.1; a service without one answers 502
     */
    public static Gateway startReplicated(Vertx vertx, String host, int port,
            Map<SuiteService, List<Integer>> replicaPorts, AccessLog accessLog) {
        return startReplicated(vertx, host, port, replicaPorts, accessLog, null);
    }

    /**
     * The same, also setting {@code clientHeader} (the services' {@code GOTRUE_RATE_LIMIT_HEADER}) to the client's
     * address when it names a header other than {@code X-Forwarded-For}.
     */
    public static Gateway startReplicated(Vertx vertx, String host, int port,
            Map<SuiteService, List<Integer>> replicaPorts, AccessLog accessLog, String clientHeader) {
        return startReplicated(vertx, host, port, replicaPorts, accessLog, clientHeader, null);
    }

    /**
     * The same, with {@code site} (when not null) answering every path the route list leaves to its fallback: the
     * local run's {@code --site}.
     */
    public static Gateway startReplicated(Vertx vertx, String host, int port,
            Map<SuiteService, List<Integer>> replicaPorts, AccessLog accessLog, String clientHeader, LocalSite site) {
        return start(vertx, host, port, Endpoints.of(replicaPorts), accessLog, clientHeader, site);
    }

    /**
     * The same in front of {@code endpoints}, which the run's balancers and its {@code ServiceFleet} share, so that a
     * replica the fleet takes out of rotation gets no new request from here either.
     */
    public static Gateway start(Vertx vertx, String host, int port, Endpoints endpoints, AccessLog accessLog,
            String clientHeader, LocalSite site) {
        return listen(vertx, host, port, new Gateway(vertx, endpoints, null, accessLog, clientHeader, site));
    }

    /**
     * A round-robin balancer on 127.0.0.1:{@code port} (0 for a free one) in front of one service's replicas: the
     * service's internal address (say {@code TESSERA_USER_SERVICE_URL}) when it runs more than once, as a Kubernetes
     * Service is. Every path, internal ones included, passes unchanged; no forwarding headers are added.
     */
    public static Gateway balancer(Vertx vertx, int port, SuiteService service, List<Integer> replicaPorts,
            AccessLog accessLog) {
        Map<SuiteService, List<Integer>> one = new EnumMap<>(SuiteService.class);
        one.put(service, replicaPorts);
        return balancer(vertx, port, service, Endpoints.of(one), accessLog);
    }

    /** The same in front of {@code service}'s replicas in {@code endpoints}, shared with the gateway and the fleet. */
    public static Gateway balancer(Vertx vertx, int port, SuiteService service, Endpoints endpoints,
            AccessLog accessLog) {
        return listen(vertx, UPSTREAM_HOST, port, new Gateway(vertx, endpoints, service, accessLog, null, null));
    }

    private static Gateway listen(Vertx vertx, String host, int port, Gateway gateway) {
        gateway.listeners = HttpListeners.listen(vertx, new HttpServerOptions()
                .setHandle100ContinueAutomatically(true)
                // The services' limit (platform's quarkus.http.limits.max-header-size), for the largest access token.
                .setMaxHeaderSize(64 * 1024)
                .setCompressionSupported(false), host, port, gateway::handle);
        return gateway;
    }

    public int port() {
        return listeners.port();
    }

    private void handle(HttpServerRequest request) {
        long started = System.nanoTime();
        Optional<RouteTable.Route> found = passThrough != null
                ? Optional.of(new RouteTable.Route(passThrough, request.path(), ""))
                : routes.resolve(request.path());
        if (found.isEmpty() && site != null && routes.isSitePath(request.path())) {
            site.handle(request, path -> routes.resolve(path).isPresent()).onComplete(done -> {
                if (done.failed()) {
                    request.resume();
                    String errorId = JsonErrors.send(request.response(), 500, "The site could not be served");
                    accessLog.log("error_id=" + errorId + " site: " + done.cause());
                    log(request, "site", 500, started);
                } else if (done.result().forwardTo() != null) {
                    dispatch(request, routes.resolve(done.result().forwardTo()).orElseThrow(), started);
                } else {
                    log(request, "site", done.result().status(), started);
                }
            });
            return;
        }
        if (found.isEmpty()) {
            JsonErrors.send(request.response(), 404, "Not Found");
            log(request, "-", 404, started);
            return;
        }
        dispatch(request, found.get(), started);
    }

    /** Sends a (paused) request to the service of {@code route}, replicas in turn. */
    private void dispatch(HttpServerRequest request, RouteTable.Route route, long started) {
        List<Endpoints.Replica> replicas = endpoints.replicas(route.service());
        if (replicas.isEmpty()) {
            badGateway(request, route, started, "is not running");
            return;
        }
        request.pause();
        int first = Math.floorMod(turns.get(route.service()).getAndIncrement(), replicas.size());
        forward(request, route, replicas, first, replicas.size(), started);
    }

    /**
     * Sends the request to the first replica in rotation from {@code index} on; a refused connection moves on to the
     * next, {@code tries} replicas looked at in all. With none in rotation, every replica is tried in turn.
     */
    private void forward(HttpServerRequest request, RouteTable.Route route, List<Endpoints.Replica> replicas,
            int index, int tries, long started) {
        Endpoints.Replica replica = null;
        int looked = 0;
        while (replica == null && looked < tries) {
            Endpoints.Replica candidate = replicas.get((index + looked) % replicas.size());
            looked++;
            if (candidate.tryEnter()) {
                replica = candidate;
            }
        }
        if (replica == null) {
            if (replicas.stream().anyMatch(Endpoints.Replica::inRotation)) {
                // Those left in rotation were already tried and refused.
                request.resume();
                badGateway(request, route, started, "is not answering");
                return;
            }
            replica = replicas.get(index % replicas.size());
            replica.enter();
            looked = 1;
        }
        Endpoints.Replica chosen = replica;
        int next = (index + looked) % replicas.size();
        int triesLeft = tries - looked;
        AtomicBoolean left = new AtomicBoolean();
        Runnable leave = () -> {
            if (left.compareAndSet(false, true)) {
                chosen.leave();
            }
        };
        RequestOptions options = new RequestOptions()
                .setServer(replica.address())
                .setMethod(request.method())
                .setURI(request.query() == null ? route.path() : route.path() + "?" + request.query())
                .setHeaders(passThrough != null ? passedHeaders(request) : forwardedHeaders(request, route))
                .setConnectTimeout(UPSTREAM_CONNECT_TIMEOUT_MS)
                .setIdleTimeout(UPSTREAM_IDLE_TIMEOUT_MS);
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                leave.run();
                if (triesLeft > 0) {
                    forward(request, route, replicas, next, triesLeft, started);
                    return;
                }
                request.resume();
                badGateway(request, route, started, "is not answering");
                return;
            }
            HttpClientRequest upstreamRequest = connected.result();
            HostAndPort authority = request.authority();
            if (authority != null) {
                upstreamRequest.authority(authority);
            }
            request.response().closeHandler(v -> {
                upstreamRequest.reset();
                leave.run();
            });
            boolean hasBody = request.headers().contains(HttpHeaders.CONTENT_LENGTH)
                    || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
            var sent = hasBody ? sendBody(request, upstreamRequest) : upstreamRequest.send();
            if (!hasBody) {
                request.resume();
            }
            sent.onComplete(answered -> {
                if (answered.failed()) {
                    leave.run();
                    badGateway(request, route, started, "is not answering");
                } else {
                    relay(request, answered.result(), replicas.size() > 1 ? chosen.name() : null,
                            route.service().module(), started, leave);
                }
            });
        });
    }

    /**
     * Streams the client's body to the upstream with back-pressure, as {@code send(request)} would, but stops writing
     * once the upstream request has failed: Vert.x's pipe keeps writing to it and throws "Request already complete"
     * on the event loop for every chunk that arrives after a replica died mid-request.
     */
    private static Future<HttpClientResponse> sendBody(HttpServerRequest request, HttpClientRequest upstream) {
        if (!upstream.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            upstream.setChunked(true);
        }
        AtomicBoolean open = new AtomicBoolean(true);
        Future<HttpClientResponse> answered = upstream.response();
        answered.onFailure(failure -> open.set(false));
        upstream.exceptionHandler(failure -> open.set(false));
        request.exceptionHandler(failure -> {
            if (open.getAndSet(false)) {
                upstream.reset();
            }
        });
        request.handler(chunk -> {
            if (open.get()) {
                upstream.write(chunk);
                if (upstream.writeQueueFull()) {
                    request.pause();
                    upstream.drainHandler(drained -> request.resume());
                }
            }
        });
        request.endHandler(ended -> {
            if (open.get()) {
                upstream.end();
            }
        });
        request.resume();
        return answered;
    }

    /** Relays the upstream's answer; {@code done} runs once it is sent whole, or has failed. */
    private void relay(HttpServerRequest request, HttpClientResponse upstream, String replica, String service,
            long started, Runnable done) {
        HttpServerResponse response = request.response();
        response.setStatusCode(upstream.statusCode());
        response.setStatusMessage(upstream.statusMessage());
        copyHeaders(upstream.headers(), response.headers());
        if (replica != null) {
            response.headers().set(UPSTREAM_HEADER, replica);
        }
        boolean bodyless = request.method() == HttpMethod.HEAD || upstream.statusCode() == 204
                || upstream.statusCode() == 304 || upstream.statusCode() < 200;
        if (!bodyless && !upstream.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        upstream.pipeTo(response).onComplete(piped -> {
            done.run();
            if (piped.failed() && !response.ended()) {
                response.reset();
            }
        });
        log(request, replica == null ? service : replica, upstream.statusCode(), started);
    }

    /** What a balancer sends on: the request's own headers, less the hop-by-hop ones and Host (set as authority). */
    private static MultiMap passedHeaders(HttpServerRequest request) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        copyHeaders(request.headers(), headers);
        headers.remove(HttpHeaders.HOST);
        return headers;
    }

    private MultiMap forwardedHeaders(HttpServerRequest request, RouteTable.Route route) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        copyHeaders(request.headers(), headers);
        headers.remove(HttpHeaders.HOST);
        // This gateway is the edge: whatever a client wrote in these would pass as what a trusted proxy saw, and the
        // services build public URLs from them (the discovery document's jwks_uri, paging links).
        FORWARDING.forEach(headers::remove);
        String client = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        headers.set(FORWARDED_FOR, client);
        if (clientHeader != null) {
            headers.set(clientHeader, client);
        }
        headers.set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
        HostAndPort authority = request.authority();
        if (authority != null) {
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
        Set<String> connectionScoped = new HashSet<>(HOP_BY_HOP);
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
        accessLog.log(request.method() + " " + AccessLog.withoutValues(request.path(), request.query()) + " -> "
                + upstream + " " + status + " " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    @Override
    public void close() {
        if (listeners != null) {
            listeners.close();
        }
        client.close();
        if (site != null) {
            site.close();
        }
        accessLog.close();
    }
}
