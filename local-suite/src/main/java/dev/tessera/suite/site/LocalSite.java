package dev.tessera.suite.site;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Predicate;

import dev.tessera.site.Decision;
import dev.tessera.site.SitePath;
import dev.tessera.site.SiteRules;
import dev.tessera.site.SiteRulesException;
import dev.tessera.site.Visitor;
import dev.tessera.suite.SuiteException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * A static site served by the local gateway at the base URL's root ({@code ./run.sh --site DIR}), with the
 * {@code [[redirects]]} of {@code DIR/netlify.toml} applied as Netlify's edge applies them: redirects, rewrites,
 * custom 404 pages, and pages closed by {@code Role} conditions, for the visitor auth-service's forward-auth names
 * ({@link SiteVisitorLookup}). A page a Role rule closes, with no later rule for the visitor, is a 404, as on Netlify;
 * so is a missing file ({@code DIR/404.html} when there is one). Only paths the route list leaves to the fallback
 * come here; the identity API and the functions keep theirs, and a 200 rewrite to one of their paths (a function
 * behind {@code /api/*}) goes there through the gateway.
 */
public final class LocalSite {

    private final SiteFiles files;
    private final SiteRules rules;
    private final SiteVisitorLookup visitors;
    private final Vertx vertx;

    private LocalSite(Vertx vertx, SiteFiles files, SiteRules rules, SiteVisitorLookup visitors) {
        this.vertx = vertx;
        this.files = files;
        this.rules = rules;
        this.visitors = visitors;
    }

    /**
     * The site in {@code dir} with {@code rules} (read by {@link #rules} before the run starts).
     *
     * @param authPort auth-service's own address (the port of its process, or of the balancer in front of it)
     */
    public static LocalSite open(Vertx vertx, Path dir, SiteRules rules, int authPort) {
        return new LocalSite(vertx, new SiteFiles(dir), rules, new SiteVisitorLookup(vertx, authPort));
    }

    /**
     * The rules of {@code dir/netlify.toml}, none without one.
     *
     * @throws SuiteException one line, when {@code dir} is not a directory or the engine refuses its rules
     */
    public static SiteRules rules(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SuiteException("--site " + dir + ": not a directory");
        }
        Path toml = dir.resolve("netlify.toml");
        if (!Files.exists(toml)) {
            return SiteRules.none();
        }
        try {
            return SiteRules.load(toml);
        } catch (SiteRulesException e) {
            throw new SuiteException(e.getMessage());
        }
    }

    public Path root() {
        return files.root();
    }

    public SiteRules rules() {
        return rules;
    }

    /**
     * What the site did with a request.
     *
     * @param status the status it answered, when it answered
     * @param forwardTo the API path a rewrite names (say {@code /.netlify/functions/hello} for
     *            {@code /api/* /.netlify/functions/:splat 200}), which the gateway routes instead; null when answered
     */
    public record Answer(int status, String forwardTo) {
    }

    /**
     * Answers a request whose path the route list leaves to the site, or names the API path a rewrite sends it to
     * (the request then stays paused for the gateway to forward).
     *
     * @param api whether the gateway routes a path to a service
     */
    public Future<Answer> handle(HttpServerRequest request, Predicate<String> api) {
        Optional<String> path = SitePath.normalize(request.path());
        if (path.isEmpty()) {
            return page(request, 400, Optional.empty());
        }
        request.pause();
        boolean personal = rules.asksForRoles(path.get());
        Future<Visitor> visitor = personal ? visitors.visitor(request.headers())
                : Future.succeededFuture(Visitor.ANONYMOUS);
        return visitor.compose(who -> find(path.get()).compose(file -> {
            Decision decision = rules.decide(path.get(), request.query(), who, file.isPresent());
            if (decision instanceof Decision.Rewrite rewrite && rewrite.status() == 200 && api.test(rewrite.path())) {
                return Future.succeededFuture(new Answer(0, rewrite.path()));
            }
            request.resume();
            if (personal) {
                // What the visitor's roles decided no shared cache may keep, for anyone else or another cookie.
                request.response().putHeader("Cache-Control", "private, no-cache").putHeader("Vary", "Cookie");
            }
            if (decision instanceof Decision.Redirect redirect) {
                return request.response().setStatusCode(redirect.status()).putHeader("Location", redirect.location())
                        .putHeader("Cache-Control", "no-store").end().map(new Answer(redirect.status(), null));
            }
            if (decision instanceof Decision.Rewrite rewrite) {
                return find(rewrite.path()).compose(target -> page(request, rewrite.status(), target));
            }
            if (decision instanceof Decision.Deny) {
                return page(request, 404, Optional.empty());
            }
            return page(request, 200, file);
        }));
    }

    private Future<Optional<Path>> find(String path) {
        return vertx.executeBlocking(() -> files.find(path), false);
    }

    /** Sends {@code file} with {@code status}; without a file, the site's 404 page (or a plain one) with 404. */
    private Future<Answer> page(HttpServerRequest request, int status, Optional<Path> file) {
        if (file.isEmpty()) {
            if (status == 400) {
                return send(request.response(), 400, Optional.empty());
            }
            return find("/404.html").compose(notFound -> send(request.response(), 404, notFound));
        }
        return send(request.response(), status, file);
    }

    private static Future<Answer> send(HttpServerResponse response, int status, Optional<Path> file) {
        // Pages may depend on the visitor's roles, so no cache keeps one for another visitor without asking.
        response.setStatusCode(status).putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "strict-origin-when-cross-origin");
        if (!response.headers().contains("Cache-Control")) {
            response.putHeader("Cache-Control", "no-cache");
        }
        if (file.isEmpty()) {
            return response.putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(status == 400 ? "Bad Request\n" : "Not Found\n").map(new Answer(status, null));
        }
        response.putHeader("Content-Type", SiteFiles.contentType(file.get()));
        return response.sendFile(file.get().toString()).map(new Answer(status, null));
    }

    public void close() {
        visitors.close();
    }
}
