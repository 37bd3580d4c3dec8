package dev.tessera.auth.ratelimit;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.db.SchemaTable;
import dev.tessera.platform.error.ApiError;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * GoTrue's {@code /token} rate limit: with {@code GOTRUE_RATE_LIMIT_HEADER} set, requests are counted per value of
 * that header (a missing header counts as the empty key), {@code 30} per {@code 5m} by default, and the rest answer
 * {@code 429 "Rate limit exceeded"}. The counts live in PostgreSQL, so the limit holds across replicas; one upsert
 * per request counts and reads in one round trip.
 *
 * <p>A window that has ended counts for nothing (the next request starts a new one), so the sweep deletes those
 * rows: otherwise every client address ever seen would keep one.
 */
@ApplicationScoped
public class TokenRateLimit {

    private static final Logger LOG = Logger.getLogger(TokenRateLimit.class);

    private final Pool pool;
    private final Optional<String> header;
    private final int requests;
    private final String count;
    private final String sweep;

    public TokenRateLimit(Pool pool, GoTrueConfig config,
            @ConfigProperty(name = "tessera.rate-limit.token.requests", defaultValue = "30") int requests,
            @ConfigProperty(name = "tessera.rate-limit.token.period", defaultValue = "PT5M") Duration period,
            @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.pool = pool;
        this.header = config.rateLimitHeader().filter(h -> !h.isBlank());
        this.requests = requests;
        String table = SchemaTable.of(schema, "rate_limits");
        String ended = "window_start <= now() - make_interval(secs => " + period.toSeconds() + ")";
        this.count = "insert into " + table + " as r (key, window_start, hits) values ($1, now(), 1)"
                + " on conflict (key) do update set"
                + " hits = case when r." + ended + " then 1 else r.hits + 1 end,"
                + " window_start = case when r." + ended + " then now() else r.window_start end"
                + " returning hits";
        this.sweep = "delete from " + table + " where " + ended;
    }

    /** The header to read, or empty when the limit is off. */
    public Optional<String> header() {
        return header;
    }

    /** Counts one request for the key; fails with 429 once the window's allowance is spent. */
    public Uni<Void> count(String key) {
        if (header.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(count).execute(Tuple.of(key == null ? "" : key)).map(rows -> {
            if (rows.iterator().next().getInteger(0) > requests) {
                throw ApiError.tooManyRequests("Rate limit exceeded");
            }
            return null;
        });
    }

    /** Deletes the counts of windows that have ended; answers how many. */
    public Uni<Integer> forgetEndedWindows() {
        return pool.query(sweep).execute().map(rows -> rows.rowCount());
    }

    @Scheduled(every = "${tessera.sessions.sweep-interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        if (header.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return forgetEndedWindows()
                .onFailure().invoke(failure -> LOG.warnf("Rate-limit sweep failed, will retry: %s", failure.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
