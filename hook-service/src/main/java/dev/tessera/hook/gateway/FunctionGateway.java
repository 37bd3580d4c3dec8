package dev.tessera.hook.gateway;

import java.net.InetAddress;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.hook.config.FunctionsConfig;
import dev.tessera.hook.delivery.CallFailure;
import dev.tessera.hook.targets.HookTargets;
import dev.tessera.hook.targets.TargetAddresses;
import dev.tessera.platform.error.ErrorBody;
import dev.tessera.platform.web.ClientAddress;
import dev.tessera.platform.web.RequestIds;
import dev.tessera.platform.web.SecurityHeaders;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The function gateway: {@code /.netlify/functions/<name>[/<rest>][?<query>]} is forwarded to
 * {@code <TESSERA_FUNCTIONS_URL>/<name>[/<rest>][?<query>]} with method, headers and body, and with the
 * {@code clientContext} in {@value ClientContexts#HEADER}. A client cannot supply that header itself, and the
 * identity event functions ({@code identity-signup} and the like) are not reachable from outside: only
 * hook-service invokes them, signed.
 */
@ApplicationScoped
public class FunctionGateway {

    public static final String PREFIX = "/.netlify/functions";

    private static final Logger LOG = Logger.getLogger(FunctionGateway.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length");
    /** Netlify's header for a function's client address, which its functions read. */
    static final String NETLIFY_CLIENT_IP = "X-Nf-Client-Connection-Ip";
    /** Other names a client could claim an address under; the gateway sets the two it passes on itself. */
    private static final Set<String> CLIENT_ADDRESS_HEADERS = Set.of("forwarded", "x-real-ip",
            NETLIFY_CLIENT_IP.toLowerCase(Locale.ROOT));

    private final HookTargets targets;
    private final TargetAddresses addresses;
    private final ClientContexts contexts;
    private final FunctionsConfig config;
    private final ObjectMapper mapper;
    private final HttpClient http;
    private final ClientAddress clientAddress;

    public FunctionGateway(HookTargets targets, TargetAddresses addresses, ClientContexts contexts,
            FunctionsConfig config, ObjectMapper mapper, Vertx vertx, ClientAddress clientAddress) {
        this.targets = targets;
        this.addresses = addresses;
        this.contexts = contexts;
        this.config = config;
        this.mapper = mapper;
        this.clientAddress = clientAddress;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setMaxPoolSize(64)
                .setVerifyHost(true).setForceSni(true));
    }

    @PreDestroy
    void close() {
        http.close();
    }

    void routes(@Observes Router router) {
        router.route(PREFIX).handler(ctx -> error(ctx, 404, "Function not found"));
        router.route(PREFIX + "/*")
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodySize()).setMergeFormAttributes(false))
                .handler(this::forward);
    }

    private void forward(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.method() == HttpMethod.CONNECT) {
            // A tunnel is no function call; the HTTP client would try to open one to the function host.
            error(ctx, 405, "Method not allowed");
            return;
        }
        Optional<URI> host = targets.functionHost();
        String rest = functionPath(request.path());
        if (host.isEmpty() || rest == null) {
            error(ctx, 404, "Function not found");
            return;
        }
        URI upstream = HookTargets.functionUrl(host.get(), rest);
        // The user's token is checked by the shared verifier, which may first learn its key without blocking.
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        contexts.contextFor(authorization, Instant.now())
                .chain(context -> addresses.pin(upstream)
                        .invoke(pinned -> send(ctx, upstream, pinned.orElse(null), contexts.encode(context))))
                .subscribe().with(sent -> { }, failure -> {
                    if (failure instanceof CallFailure call && call.kind() == CallFailure.Kind.REFUSED) {
                        LOG.warnf("Function gateway refused the function host: %s", call.getMessage());
                    }
                    error(ctx, 502, "Function host is not answering");
                });
    }

    /**
     * The path to forward, {@code /<name>[/<rest>]}, or null when the request names no function the gateway may
     * reach: an invalid name, an identity event function, or a path a server could normalise into another one.
     */
    static String functionPath(String rawPath) {
        if (rawPath == null || !rawPath.startsWith(PREFIX + "/")) {
            return null;
        }
        String rest = rawPath.substring(PREFIX.length());
        String lower = rest.toLowerCase(Locale.ROOT);
        if (rest.contains("\\") || rest.contains("//") || lower.contains("%2e") || lower.contains("%2f")
                || lower.contains("%5c") || rest.contains("/./") || rest.contains("/../") || rest.endsWith("/.")
                || rest.endsWith("/..")) {
            return null;
        }
        int slash = rest.indexOf('/', 1);
        String name = slash < 0 ? rest.substring(1) : rest.substring(1, slash);
        if (!NAME.matcher(name).matches() || HookTargets.isIdentityEventFunction(name)) {
            return null;
        }
        return rest;
    }

    private void send(RoutingContext ctx, URI upstream, InetAddress pinned, String clientContext) {
        HttpServerRequest request = ctx.request();
        boolean tls = "https".equalsIgnoreCase(upstream.getScheme());
        int port = upstream.getPort() > 0 ? upstream.getPort() : tls ? 443 : 80;
        String uri = upstream.getRawPath() + (request.query() == null ? "" : "?" + request.query());
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(upstream.getHost())
                .setPort(port)
                .setSsl(tls)
                .setURI(uri)
                .setConnectTimeout(Math.min(config.timeout().toMillis(), 10_000))
                .setIdleTimeout(config.timeout().toMillis())
                .setFollowRedirects(false);
        if (pinned != null) {
            options.setServer(SocketAddress.inetSocketAddress(port, pinned.getHostAddress()));
        }
        request.headers().forEach(header -> {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !CLIENT_ADDRESS_HEADERS.contains(name)
                    && !name.equals(ClientContexts.HEADER.toLowerCase(Locale.ROOT))
                    && !name.startsWith("x-forwarded-")) {
                options.addHeader(header.getKey(), header.getValue());
            }
        });
        // Who the client is and how it called, as the trusted proxies vouch for it (TESSERA_TRUSTED_PROXIES; Quarkus
        // reads their forwarded headers into scheme and host), never as a client wrote it: a function may key a
        // limit or a log on the address, or build links from the host.
        String client = clientAddress.addressOf(request);
        if (client != null) {
            options.putHeader("X-Forwarded-For", client);
            options.putHeader(NETLIFY_CLIENT_IP, client);
        }
        options.putHeader("X-Forwarded-Proto", request.scheme());
        if (request.host() != null) {
            options.putHeader("X-Forwarded-Host", request.host());
        }
        options.putHeader(ClientContexts.HEADER, clientContext);

        var body = ctx.body().buffer();
        http.request(options)
                .compose(upstreamRequest -> body == null ? upstreamRequest.send() : upstreamRequest.send(body))
                .onSuccess(response -> relay(ctx, response))
                .onFailure(failure -> {
                    boolean timeout = failure instanceof TimeoutException
                            || failure instanceof ConnectTimeoutException;
                    // Scheme, host and port only: the configured URL may carry credentials in its user info.
                    LOG.debugf("Function request to %s://%s:%d failed: %s", upstream.getScheme(), upstream.getHost(),
                            port, failure.toString());
                    if (timeout) {
                        error(ctx, 504, "Function did not answer in time");
                    } else {
                        error(ctx, 502, "Function host is not answering");
                    }
                });
    }

    private void relay(RoutingContext ctx, HttpClientResponse upstream) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        // The function's answer keeps its own caching and framing headers, as on Netlify. For an origin the CORS
        // filter allowed, its answer stands: a second Access-Control-Allow-Origin would make browsers refuse both.
        SecurityHeaders.leaveToUpstream(ctx);
        boolean corsAnswered = response.headers().contains(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
        response.setStatusCode(upstream.statusCode());
        if (upstream.statusMessage() != null) {
            response.setStatusMessage(upstream.statusMessage());
        }
        upstream.headers().forEach(header -> {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            boolean cors = name.startsWith("access-control-");
            if ((!HOP_BY_HOP.contains(name) || name.equals("content-length")) && !(cors && corsAnswered)) {
                response.headers().add(header.getKey(), header.getValue());
            }
        });
        response.send(upstream).onFailure(failure -> {
            LOG.debugf("Relaying a function answer failed: %s", failure.toString());
            response.reset();
        });
    }

    private void error(RoutingContext ctx, int status, String message) {
        HttpServerResponse response = ctx.response();
        if (response.headWritten()) {
            response.reset();
            return;
        }
        String errorId = status >= 500 ? RequestIds.errorId() : null;
        try {
            response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(mapper.writeValueAsString(new ErrorBody(status, message, errorId)));
        } catch (JsonProcessingException e) {
            response.setStatusCode(status).end();
        }
    }
}
