package dev.tessera.mail.template;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * An HTML template fetched over HTTP, as GoTrue reads {@code GOTRUE_MAILER_TEMPLATES_<KIND>}: fetched again once the
 * cached copy is older than the cache time, so an edit on the site reaches the mails without a restart. A failed
 * fetch, a non-2xx answer or a template that does not parse keeps the last good copy, or the built-in template when
 * there never was one, so a broken site never stops the mail.
 */
final class RemoteTemplate {

    private static final Logger LOG = Logger.getLogger(RemoteTemplate.class);

    /** The template in use, whether it came from the site, and when (System.nanoTime) it goes stale. */
    private record Cached(Template template, boolean fetched, long staleAt) {
    }

    private final String setting;
    private final URI url;
    private final Template builtIn;
    private final Function<String, Template> parse;
    private final HttpClient http;
    private final TemplateFetchConfig config;
    private volatile Cached cached;
    private volatile Uni<Template> refreshing;

    RemoteTemplate(String setting, URI url, Template builtIn, Function<String, Template> parse, HttpClient http,
            TemplateFetchConfig config) {
        this.setting = setting;
        this.url = url;
        this.builtIn = builtIn;
        this.parse = parse;
        this.http = http;
        this.config = config;
    }

    /**
     * The template to render now: the cached copy while fresh, otherwise the result of one shared refresh, handed
     * back on the caller's Vert.x context (the fetch completes on the HTTP client's thread).
     */
    Uni<Template> current() {
        Cached now = cached;
        if (now != null && System.nanoTime() - now.staleAt() < 0) {
            return Uni.createFrom().item(now.template());
        }
        Uni<Template> pending = refreshing;
        if (pending == null) {
            synchronized (this) {
                if (refreshing == null) {
                    // memoize: every mail rendered during one refresh waits for the same fetch instead of starting one
                    refreshing = refresh().memoize().indefinitely();
                }
                pending = refreshing;
            }
        }
        Context caller = Vertx.currentContext();
        return caller == null ? pending : pending.emitOn(command -> caller.runOnContext(ignored -> command.run()));
    }

    private Uni<Template> refresh() {
        return fetch()
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .atMost(Math.max(0, config.attempts() - 1))
                .map(parse)
                .map(template -> {
                    cached = new Cached(template, true, System.nanoTime() + config.cache().toNanos());
                    LOG.debugf("Fetched the %s template from %s", setting, url);
                    return template;
                })
                .onFailure().recoverWithItem(failure -> {
                    Cached last = cached;
                    boolean fetchedBefore = last != null && last.fetched();
                    // Try again after the cache time, not on every mail, while the site is broken.
                    Template keep = fetchedBefore ? last.template() : builtIn;
                    cached = new Cached(keep, fetchedBefore, System.nanoTime() + config.cache().toNanos());
                    LOG.warnf("%s: %s could not be fetched (%s); using the %s template", setting, url,
                            failure.getMessage() != null ? failure.getMessage() : failure.toString(),
                            fetchedBefore ? "last fetched" : "built-in");
                    return keep;
                })
                .eventually(() -> {
                    refreshing = null;
                });
    }

    private Uni<String> fetch() {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(config.timeout()).GET().build();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                .map(response -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new IllegalStateException("it answered " + response.statusCode());
                    }
                    return response.body();
                });
    }
}
