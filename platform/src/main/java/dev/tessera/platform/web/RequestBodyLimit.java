package dev.tessera.platform.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Refuses request bodies above {@code tessera.http.max-body-size} (default 64K) with GoTrue's error shape: at once
 * when the Content-Length says so; a body sent in chunks, without a length, is read here up to the limit and refused
 * once it passes it (the endpoint then reads what was buffered). Quarkus' own limit
 * ({@code quarkus.http.limits.max-body-size}, the same size) stays as a backstop; it answers without a body.
 */
@ApplicationScoped
public class RequestBodyLimit {

    private final long limit;

    public RequestBodyLimit(@ConfigProperty(name = "tessera.http.max-body-size", defaultValue = "64K") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(CorsFilter.ORDER + 1).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && tooLong(length)) {
                refuse(ctx);
            } else if (length == null && mayCarryABody(ctx.request().method())) {
                readWithinTheLimit(ctx);
            } else {
                ctx.next();
            }
        });
    }

    /**
     * Buffers the body and hands it on as the request's body, which the REST layer reads instead of the stream; the
     * answer comes as soon as the body passes the limit, and the rest of it is not read.
     */
    private void readWithinTheLimit(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Buffer body = Buffer.buffer();
        boolean[] refused = { false };
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                refused[0] = true;
                refuse(ctx);
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(ignored -> {
            if (!refused[0]) {
                // Read once: a BodyHandler of a later route (the function gateway's) takes this body as its own.
                ((RoutingContextInternal) ctx).setBody(body);
                ((RoutingContextInternal) ctx).visitHandler(RoutingContextInternal.BODY_HANDLER);
                ctx.next();
            }
        });
        request.exceptionHandler(ctx::fail);
    }

    private void refuse(RoutingContext ctx) {
        ctx.response().setStatusCode(413)
                .putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close")
                .end("{\"code\":413,\"msg\":\"Request body is larger than " + limit + " bytes\"}");
    }

    /** Chunked in HTTP/1.1, or HTTP/2 frames, which need no length at all. */
    private static boolean mayCarryABody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
                || method == HttpMethod.DELETE;
    }

    private boolean tooLong(String length) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
