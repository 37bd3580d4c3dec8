package dev.tessera.platform.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;

/**
 * Refuses request bodies above {@code tessera.http.max-body-size} (default 64K) with GoTrue's error shape, before
 * any of the body is read. Quarkus' own limit ({@code quarkus.http.limits.max-body-size}) stays as the backstop for
 * bodies sent without a Content-Length, but it answers without a body.
 */
@ApplicationScoped
public class RequestBodyLimit {

    private final long limit;

    public RequestBodyLimit(@ConfigProperty(name = "tessera.http.max-body-size", defaultValue = "64K") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(CorsFilter.ORDER + 1).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && tooLong(length)) {
                ctx.response().setStatusCode(413)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Connection", "close")
                        .end("{\"code\":413,\"msg\":\"Request body is larger than " + limit + " bytes\"}");
                return;
            }
            ctx.next();
        });
    }

    private boolean tooLong(String length) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
