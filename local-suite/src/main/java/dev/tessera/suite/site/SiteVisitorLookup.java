package dev.tessera.suite.site;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tessera.site.Visitor;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Who asks for a page of the local site, as auth-service's forward-auth says: the gateway sends it the request's
 * {@code Authorization} and {@code Cookie} headers and reads the identity headers of its answer. The gateway so
 * reads no token itself: the suite's one verifier (its keys, expiry) decides, as it does for an ingress in a
 * cluster. The launcher starts auth-service without site rules, so forward-auth allows and only identifies here.
 * A failed lookup is a visitor without roles, as an invalid token is.
 */
public final class SiteVisitorLookup {

    /** auth-service's forward-auth endpoint (not public: the gateway reaches it at the service's own address). */
    static final String FORWARD_AUTH = "/internal/forward-auth";

    private final HttpClient client;
    private final int authPort;

    public SiteVisitorLookup(Vertx vertx, int authPort) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true));
        this.authPort = authPort;
    }

    /** The visitor of a request with these headers; anonymous at once when it carries no credential at all. */
    public Future<Visitor> visitor(MultiMap requestHeaders) {
        String authorization = requestHeaders.get(HttpHeaders.AUTHORIZATION);
        String cookie = requestHeaders.get(HttpHeaders.COOKIE);
        if (authorization == null && cookie == null) {
            return Future.succeededFuture(Visitor.ANONYMOUS);
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                .setPort(authPort).setURI(FORWARD_AUTH).setIdleTimeout(10_000)
                .putHeader("X-Forwarded-Uri", "/");
        if (authorization != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION.toString(), authorization);
        }
        if (cookie != null) {
            options.putHeader(HttpHeaders.COOKIE.toString(), cookie);
        }
        return client.request(options).compose(request -> request.send()).compose(response -> {
            MultiMap headers = response.headers();
            String id = headers.get("X-User-Id");
            Visitor visitor = response.statusCode() != 200 || id == null || id.isEmpty() ? Visitor.ANONYMOUS
                    : new Visitor(id, headers.get("X-User-Email"), roles(headers.get("X-User-Roles")));
            return response.body().map(ignored -> visitor);
        }).otherwise(Visitor.ANONYMOUS);
    }

    private static Set<String> roles(String header) {
        return header == null ? Set.of() : Arrays.stream(header.split(",")).map(String::trim)
                .filter(role -> !role.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    public void close() {
        client.close();
    }
}
