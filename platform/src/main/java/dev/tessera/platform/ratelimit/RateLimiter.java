package dev.tessera.platform.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.FlushMode;

import dev.tessera.platform.db.SchemaTable;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Rate limits whose state every replica shares: one row per allowance in the service's {@code rate_limits} table,
 * and one statement per request, whatever number of limits it draws on (a client address and an account, say).
 *
 * <p>The algorithm is GCRA (the generic cell rate algorithm): a row keeps the time at which its allowance will be
 * whole again if nothing more comes, its theoretical arrival time. A request of cost {@code c} under a rate of
 * {@code n} per {@code p} moves that time {@code c * p/n} ahead, and fits if the time stays within {@code p} of now.
 * So {@code n} requests pass at once and then one more each {@code p/n}, with no edge where two windows' worth
 * pass back to back, as a fixed window allows; it costs the same single upsert. A refused request moves nothing, and
 * a row whose time has passed says what no row says, so the sweep deletes it. One statement takes every limit of a
 * request, in key order (no deadlock between two requests sharing keys); a limit that refuses keeps nothing, the
 * others that fit keep the request. The decision note {@code docs/decisions/2026-12-01-rate-limits.md} says why this
 * table and not a rate-limit library.
 *
 * <p>The table is {@code UNLOGGED}: a commit writes no WAL to flush while it holds a hot row (one client address
 * at a thousand refreshes a second), and a crash only forgets the counts.
 */
@ApplicationScoped
@IfBuildProperty(name = "tessera.rate-limit.enabled", stringValue = "true")
public class RateLimiter {

    private final Pool pool;
    private final String table;
    private final Map<Integer, String> poolStatements = new ConcurrentHashMap<>();
    private final Map<Integer, String> sessionStatements = new ConcurrentHashMap<>();
    private final String sweep;

    public RateLimiter(Pool pool, @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.pool = pool;
        this.table = SchemaTable.of(schema, "rate_limits");
        this.sweep = "delete from " + table + " where key in (select key from " + table
                + " where tat < now() limit $1 for update skip locked)";
    }

    /** Draws on every limit in one round trip; fails with {@code 429} and {@code Retry-After} if one refuses. */
    public Uni<Void> check(List<Limit> limits) {
        return take(limits).invoke(Verdict::orThrow).replaceWithVoid();
    }

    /** Draws on every limit in one round trip of its own. */
    public Uni<Verdict> take(List<Limit> limits) {
        return draw(limits, active -> {
            String sql = poolStatements.computeIfAbsent(active.size(), n -> statement(n, i -> "$" + i));
            Tuple values = Tuple.tuple();
            for (Limit limit : active) {
                values.addString(limit.key()).addLong(limit.stepMicros()).addLong(limit.roomMicros());
            }
            return pool.preparedQuery(sql).execute(values).map(rows -> {
                List<Object[]> answers = new ArrayList<>();
                for (Row row : rows) {
                    answers.add(new Object[] { row.getString(0), row.getBoolean(1), row.getLong(2) });
                }
                return answers;
            });
        });
    }

    /**
     * Draws on every limit inside the caller's transaction (the current Hibernate Reactive session), so the
     * allowance is spent only if the transaction commits: a mail counts against its recipient only if it is sent.
     * Holds the rows' locks until the transaction ends.
     */
    public Uni<Verdict> takeInTransaction(List<Limit> limits) {
        return draw(limits, active -> {
            String sql = sessionStatements.computeIfAbsent(active.size(), n -> statement(n, i -> "?" + i));
            return Panache.getSession().chain(session -> {
                var query = session.createNativeQuery(sql, Object[].class).setFlushMode(FlushMode.COMMIT);
                int at = 1;
                for (Limit limit : active) {
                    query.setParameter(at++, limit.key()).setParameter(at++, limit.stepMicros())
                            .setParameter(at++, limit.roomMicros());
                }
                return query.getResultList();
            });
        });
    }

    /**
     * Merges and checks the limits, asks the table (through {@code statement}, which answers its rows) only when
     * that can decide anything, and reads the verdict from the rows.
     */
    private Uni<Verdict> draw(List<Limit> limits, Function<List<Limit>, Uni<List<Object[]>>> statement) {
        List<Limit> active = merged(limits);
        Verdict refused = refusedOutright(active);
        if (refused != null) {
            return Uni.createFrom().item(refused);
        }
        if (active.isEmpty()) {
            return Uni.createFrom().item(Verdict.ALLOWED);
        }
        return statement.apply(active).map(this::verdict);
    }

    /** Deletes up to {@code batch} rows whose allowance is whole again; answers how many. */
    public Uni<Integer> forgetRested(int batch) {
        return pool.preparedQuery(sweep).execute(Tuple.of(batch)).map(rows -> rows.rowCount());
    }

    /** Rows hold one key once: the same key twice in one request costs the sum. Rate-less limits drop out. */
    private static List<Limit> merged(Collection<Limit> limits) {
        Map<String, Limit> byKey = new TreeMap<>();
        for (Limit limit : limits) {
            if (!limit.rate().isOff()) {
                byKey.merge(limit.key(), limit, (a, b) -> new Limit(a.name(), a.subject(), a.rate(), a.cost() + b.cost()));
            }
        }
        return List.copyOf(byKey.values());
    }

    /** A request that costs more than a whole allowance is refused without asking the table. */
    private static Verdict refusedOutright(List<Limit> limits) {
        return limits.stream().filter(limit -> !limit.fits()).findFirst()
                .map(limit -> new Verdict(false, limit.rate().period())).orElse(null);
    }

    private Verdict verdict(List<Object[]> rows) {
        long wait = -1;
        for (Object[] row : rows) {
            if (!Boolean.TRUE.equals(row[1])) {
                // A row inserted by a concurrent request after this statement's snapshot reads as null.
                long rowWait = row[2] == null ? 1_000_000 : ((Number) row[2]).longValue();
                wait = Math.max(wait, Math.max(rowWait, 1));
            }
        }
        return wait < 0 ? Verdict.ALLOWED : new Verdict(false, Duration.ofNanos(wait * 1000));
    }

    /**
     * The statement for {@code n} limits, with the parameter markers of the client that runs it ({@code $1} for
     * the SQL client, {@code ?1} for Hibernate): per limit its key, the microseconds it moves the arrival time, and
     * the room it needs. Answers per key whether it fitted and, if not, the microseconds until it would.
     */
    private String statement(int n, IntFunction<String> marker) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < n; i++) {
            values.append(i == 0 ? "" : ", ").append("(cast(").append(marker.apply(3 * i + 1)).append(" as text), cast(")
                    .append(marker.apply(3 * i + 2)).append(" as bigint), cast(").append(marker.apply(3 * i + 3))
                    .append(" as bigint))");
        }
        String us = " * interval '1 microsecond'";
        return "with req (key, step, room) as (values " + values + "),"
                + " taken as (insert into " + table + " as r (key, tat)"
                + " select key, now() + step" + us + " from req order by key"
                + " on conflict (key) do update set tat = greatest(r.tat, now()) + (excluded.tat - now())"
                + " where r.tat <= now() + (select room from req where req.key = r.key)" + us
                + " returning r.key)"
                + " select req.key, taken.key is not null,"
                + " cast(ceil(extract(epoch from (select l.tat from " + table + " l where l.key = req.key) - now())"
                + " * 1000000) as bigint) - req.room"
                + " from req left join taken on taken.key = req.key";
    }
}
