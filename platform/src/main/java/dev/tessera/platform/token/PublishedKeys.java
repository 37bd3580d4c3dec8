package dev.tessera.platform.token;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The keys auth-service publishes, as a verifier outside it learns them from {@code TESSERA_JWT_KEYS_URL}: fetched
 * when a token names a {@code kid} this service does not know (at most once per
 * {@code TESSERA_JWT_KEYS_REFETCH_FLOOR}, however many such tokens arrive; callers meanwhile share the fetch under
 * way) and every
 * {@code TESSERA_JWT_KEYS_REFRESH}. Each fetch replaces the set, so a key auth-service stops publishing stops being
 * accepted here at the next one. A failed fetch keeps the set it had. Never blocks: the fetch is Vert.x's client.
 */
@ApplicationScoped
public class PublishedKeys {

    private static final Logger LOG = Logger.getLogger(PublishedKeys.class);
    private static final int TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final Optional<String> url;
    private final long floorNanos;
    private volatile HttpClient http;
    private volatile Map<String, TokenKey> keys = Map.of();
    private Uni<Void> running;
    private long lastFetch;
    private boolean fetched;

    public PublishedKeys(Vertx vertx, KeyConfig config) {
        this.vertx = vertx;
        this.url = config.keysUrl().filter(u -> !u.isBlank());
        this.floorNanos = config.keysRefetchFloor().toNanos();
    }

    @PreDestroy
    void close() {
        if (http != null) {
            http.close();
        }
    }

    /** Whether this service learns keys from auth-service at all. */
    public boolean enabled() {
        return url.isPresent();
    }

    public Optional<TokenKey> find(String kid) {
        return Optional.ofNullable(keys.get(kid));
    }

    /**
     * Fetches the set unless the last fetch was less than the floor ago; completes when the set is current (at
     * once when nothing is fetched). Never fails: a failed fetch is logged and the old set kept.
     */
    public Uni<Void> refreshForUnknownKid() {
        return refresh(false);
    }

    @Scheduled(every = "${tessera.jwt.keys-refresh:10m}", delayed = "${tessera.jwt.keys-refresh:10m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh(true);
    }

    private synchronized Uni<Void> refresh(boolean scheduled) {
        if (url.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (running != null) {
            return running;
        }
        long now = System.nanoTime();
        if (!scheduled && fetched && now - lastFetch < floorNanos) {
            return Uni.createFrom().voidItem();
        }
        fetched = true;
        lastFetch = now;
        running = fetch().onTermination().invoke(this::done).memoize().indefinitely();
        return running;
    }

    private synchronized void done() {
        running = null;
    }

    private Uni<Void> fetch() {
        return Uni.createFrom().completionStage(() -> client()
                .request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.get())
                        .setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS))
                .compose(HttpClientRequest::send)
                .compose(response -> response.statusCode() == 200 ? response.body()
                        : Future.<Buffer>failedFuture("answered " + response.statusCode()))
                .toCompletionStage())
                .map(body -> JwkSets.published(body.toString()))
                .invoke(published -> keys = published.stream()
                        .collect(Collectors.toUnmodifiableMap(TokenKey::kid, Function.identity(), (a, b) -> a)))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("The published key set at %s could not be fetched (%s); keeping the %d keys known",
                            url.get(), failure.getMessage(), keys.size());
                    return Uni.createFrom().voidItem();
                });
    }

    private HttpClient client() {
        if (http == null) {
            synchronized (this) {
                if (http == null) {
                    http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(2)
                            .setConnectTimeout(TIMEOUT_MS));
                }
            }
        }
        return http;
    }
}
