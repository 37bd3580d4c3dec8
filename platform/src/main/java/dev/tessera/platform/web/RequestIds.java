package dev.tessera.platform.web;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import dev.tessera.platform.config.GoTrueConfig;
import io.opentelemetry.api.trace.Span;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every request its id, GoTrue's request id (which GoTrue shows only as a server error's {@code error_id}): the
 * value of the header {@code GOTRUE_API_REQUEST_ID_HEADER} names when that is set, so the proxy in front assigns ids,
 * else a fresh v4 UUID. An internal call ({@code /internal/*}) carries its caller's id, so the id stays the same from
 * auth-service through user-service to hook-service. The id is echoed on the answer under that header (or
 * {@value #DEFAULT_HEADER}), is the {@code error_id} of a 5xx, is in the log MDC as {@value #MDC_KEY} for every
 * line logged while the request is handled, and is an attribute of the request's server span
 * ({@value #SPAN_ATTRIBUTE}).
 *
 * <p>A given id is used only when it is 1 to {@value #MAX_LENGTH} visible ASCII characters without quotes or
 * backslashes; anything else (a line break that would forge a log line, say) gets a fresh id instead.
 */
@ApplicationScoped
public class RequestIds {

    public static final String DEFAULT_HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    /** The server span's attribute that holds the id. */
    public static final String SPAN_ATTRIBUTE = "tessera.request_id";
    static final int MAX_LENGTH = 200;
    /** Right after the security headers, so even a request the later filters refuse has its id. */
    static final int ORDER = SecurityHeaders.ORDER + 1;

    private static final String LOCAL = RequestIds.class.getName();
    private static final String INTERNAL_PREFIX = "/internal/";

    private final String header;
    private final boolean fromClients;

    public RequestIds(GoTrueConfig config) {
        Optional<String> configured = config.api().requestIdHeader().map(String::trim).filter(name -> !name.isEmpty());
        this.header = configured.orElse(DEFAULT_HEADER);
        this.fromClients = configured.isPresent();
    }

    /** The header that carries the id: on answers, on internal calls, and from the proxy when configured. */
    public String header() {
        return header;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::assign);
    }

    private void assign(RoutingContext ctx) {
        String given = ctx.request().getHeader(header);
        boolean trusted = fromClients || ctx.request().path().startsWith(INTERNAL_PREFIX);
        String id = trusted && wellFormed(given) ? given : UUID.randomUUID().toString();
        // Kept on the request's own (duplicated) context, which ends with it; on a shared one it would leak into the
        // next request's logs. Quarkus handles every HTTP request on a context of its own.
        if (VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(LOCAL, id);
            MDC.put(MDC_KEY, id);
        }
        // On the request's server span too, so a trace can be found by the id a client or a log line shows.
        Span.current().setAttribute(SPAN_ATTRIBUTE, id);
        ctx.addHeadersEndHandler(ignored -> {
            if (!SecurityHeaders.leftToUpstream(ctx)) {
                ctx.response().headers().set(header, id);
            }
        });
        ctx.next();
    }

    /** The id of the request being handled here, or null outside a request. */
    public static String current() {
        return VertxContext.isOnDuplicatedContext() ? ContextLocals.<String>get(LOCAL).orElse(null) : null;
    }

    /** The current request's id as the {@code error_id} of a server error; a fresh one outside a request. */
    public static String errorId() {
        String id = current();
        return id == null ? UUID.randomUUID().toString() : id;
    }

    static boolean wellFormed(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
