package dev.tessera.platform.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every answer a service writes: {@code Cache-Control: no-store} (answers carry tokens, users and one-time
 * links, and no cache may keep them), {@code X-Content-Type-Options: nosniff}, and no framing ({@code X-Frame-Options:
 * DENY}, {@code Content-Security-Policy: frame-ancestors 'none'}).
 * <p>
 * Each is only a default: a route that sets one of these headers itself keeps its own value (a public key set that
 * may be cached sets its {@code Cache-Control}). An answer relayed from elsewhere, such as a function's through the
 * function gateway, is marked with {@link #leaveToUpstream} and keeps exactly the headers it came with.
 */
@ApplicationScoped
public class SecurityHeaders {

    /** First of all, so every answer gets them, refusals of the later filters included. */
    static final int ORDER = Integer.MIN_VALUE;

    private static final String UPSTREAM = SecurityHeaders.class.getName() + ".upstream";

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(ctx -> {
            ctx.addHeadersEndHandler(ignored -> {
                if (!leftToUpstream(ctx)) {
                    addDefaults(ctx.response().headers());
                }
            });
            ctx.next();
        });
    }

    /** The answer of this request is relayed as another server wrote it; these defaults stay off it. */
    public static void leaveToUpstream(RoutingContext ctx) {
        ctx.put(UPSTREAM, Boolean.TRUE);
    }

    /** Whether this request's answer is relayed as another server wrote it ({@link #leaveToUpstream}). */
    static boolean leftToUpstream(RoutingContext ctx) {
        return ctx.get(UPSTREAM) != null;
    }

    private static void addDefaults(MultiMap headers) {
        setIfAbsent(headers, HttpHeaders.CACHE_CONTROL, "no-store");
        setIfAbsent(headers, "X-Content-Type-Options", "nosniff");
        setIfAbsent(headers, "X-Frame-Options", "DENY");
        setIfAbsent(headers, "Content-Security-Policy", "frame-ancestors 'none'");
    }

    private static void setIfAbsent(MultiMap headers, CharSequence name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
