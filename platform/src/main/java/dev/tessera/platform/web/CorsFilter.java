package dev.tessera.platform.web;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tessera.platform.config.GoTrueConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for every route of a service: a browser page may call the API with credentials only from an
 * {@link AllowedOrigins allowed origin}, which gets GoTrue's methods, request headers and exposed headers. Any other
 * origin gets no CORS header at all, so its page cannot read the answer, and its preflight is refused with 403.
 * Requests without an {@code Origin} (servers, curl) and same-origin pages are unaffected.
 * <p>
 * {@code TESSERA_CORS_ALLOW_ANY_ORIGIN=true} restores GoTrue's answer to every origin, credentials included: any
 * web page a signed-in user visits can then call the API as that user wherever the browser holds a credential.
 */
@ApplicationScoped
public class CorsFilter {

    /** Before the body limit, so a browser can read even that refusal. */
    static final int ORDER = SecurityHeaders.ORDER + 1;
    static final String METHODS = "GET,POST,PUT,DELETE,OPTIONS";
    static final String REQUEST_HEADERS = "Accept,Authorization,Content-Type,X-JWT-AUD,X-Use-Cookie,X-Nf-Client";
    static final String EXPOSED_HEADERS = "X-Total-Count,Link";

    private static final Logger LOG = Logger.getLogger(CorsFilter.class);

    private final AllowedOrigins origins;
    private final boolean anyOrigin;

    public CorsFilter(GoTrueConfig config,
            @ConfigProperty(name = "tessera.cors.allow-any-origin", defaultValue = "false") boolean anyOrigin) {
        this.origins = AllowedOrigins.of(config.siteUrl(), config.uriAllowList().orElse(List.of()));
        this.anyOrigin = anyOrigin;
    }

    void install(@Observes Router router) {
        if (anyOrigin) {
            LOG.warn("TESSERA_CORS_ALLOW_ANY_ORIGIN is on: every web page may call the API with credentials");
        } else {
            if (!origins.ignored().isEmpty()) {
                LOG.warnf("CORS: these GOTRUE_SITE_URL/GOTRUE_URI_ALLOW_LIST entries allow no origin: %s",
                        String.join(", ", origins.ignored()));
            }
            LOG.infof("CORS: browser calls allowed from %s", String.join(", ", origins.describe()));
        }
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.headers().add(HttpHeaders.VARY, "Origin");
        String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            ctx.next();
            return;
        }
        boolean allowed = anyOrigin || origins.allows(origin);
        boolean preflight = ctx.request().method() == HttpMethod.OPTIONS
                && ctx.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
        if (preflight) {
            if (!allowed) {
                response.setStatusCode(403).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end("{\"code\":403,\"msg\":\"Origin not allowed\"}");
                return;
            }
            allow(response, origin);
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, REQUEST_HEADERS)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, "0")
                    .setStatusCode(200).end();
            return;
        }
        if (allowed) {
            allow(response, origin);
            response.putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
        }
        ctx.next();
    }

    private static void allow(HttpServerResponse response, String origin) {
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
}
