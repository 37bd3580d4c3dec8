package dev.tessera.auth.ratelimit;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.db.SchemaTable;
import dev.tessera.platform.error.ApiError;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * GoTrue's {@code /token} rate limit: with {@code GOTRUE_RATE_LIMIT_HEADER} set, requests are counted per value of
 * that header (a missing header counts as the empty key), {@code 30} per {@code 5m} by default, and the rest answer
 * {@code 429 "Rate limit exceeded"}. The counts live in PostgreSQL, so the limit holds across replicas.
 */
@ApplicationScoped
public class TokenRateLimit {

    private final Optional<String> header;
    private final int requests;
    private final Duration period;
    private final String table;

    public TokenRateLimit(GoTrueConfig config,
            @ConfigProperty(name = "tessera.rate-limit.token.requests", defaultValue = "30") int requests,
            @ConfigProperty(name = "tessera.rate-limit.token.period", defaultValue = "PT5M") Duration period,
            @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.header = config.rateLimitHeader().filter(h -> !h.isBlank());
        this.requests = requests;
        this.period = period;
        this.table = SchemaTable.of(schema, "rate_limits");
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
        String window = "make_interval(secs => " + period.toSeconds() + ")";
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery(
                "insert into " + table + " as r (key, window_start, hits) values (:key, now(), 1)"
                        + " on conflict (key) do update set"
                        + " hits = case when r.window_start <= now() - " + window + " then 1 else r.hits + 1 end,"
                        + " window_start = case when r.window_start <= now() - " + window
                        + " then now() else r.window_start end"
                        + " returning hits", Integer.class)
                .setParameter("key", key == null ? "" : key)
                .getSingleResult()))
                .map(hits -> {
                    if (hits > requests) {
                        throw ApiError.tooManyRequests("Rate limit exceeded");
                    }
                    return null;
                });
    }
}
