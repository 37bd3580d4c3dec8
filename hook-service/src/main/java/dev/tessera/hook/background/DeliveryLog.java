package dev.tessera.hook.background;

import static dev.tessera.platform.db.Timestamps.at;
import static dev.tessera.platform.db.Timestamps.instant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tessera.platform.db.SchemaTable;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code delivery} and {@code delivery_attempt} tables, on the reactive SQL client: every method is one statement
 * (two for {@link #open}), atomic by itself. hook-service runs no Hibernate, whose 4,000 classes would cost it some
 * 30 MB resident (docs/decisions/2026-12-02-jvm-footprint.md).
 */
@ApplicationScoped
public class DeliveryLog {

    private static final String COLUMNS = "id, event_id, event_type, hook_event, target, url, user_id, status,"
            + " attempts, last_status, last_error, envelope, created_at, updated_at, finished_at";

    private final Pool pool;
    private final String deliveries;
    private final String open;
    private final String findByTarget;
    private final String recordAttempt;
    private final String finish;
    private final String reopen;
    private final String deleteFinished;
    private final String find;
    private final String attempts;

    public DeliveryLog(Pool pool, @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.pool = pool;
        this.deliveries = SchemaTable.of(schema, "delivery");
        String attemptTable = SchemaTable.of(schema, "delivery_attempt");
        this.open = "insert into " + deliveries + " (id, event_id, event_type, hook_event, target, url, user_id,"
                + " status, attempts, envelope, created_at, updated_at)"
                + " values ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9, $9)"
                + " on conflict (event_id, target) do nothing returning " + COLUMNS;
        this.findByTarget = "select " + COLUMNS + " from " + deliveries + " where event_id = $1 and target = $2";
        this.recordAttempt = "with counted as (update " + deliveries + " set attempts = attempts + 1,"
                + " last_status = $2::integer, last_error = $3::text, updated_at = $4 where id = $1 returning attempts)"
                + " insert into " + attemptTable + " (delivery_id, attempt, started_at, duration_ms, http_status, error)"
                + " select $1, attempts, $5::timestamptz, $6::bigint, $2::integer, $3::text from counted"
                + " returning attempt";
        this.finish = "update " + deliveries + " set status = $2, finished_at = $3, updated_at = $3 where id = $1";
        this.reopen = "update " + deliveries + " set status = 'pending', finished_at = null, updated_at = $2"
                + " where id = $1 and status = 'dead_lettered'";
        this.deleteFinished = "delete from " + deliveries
                + " where status in ('delivered', 'dead_lettered') and updated_at < $1";
        this.find = "select " + COLUMNS + " from " + deliveries + " where id = $1";
        this.attempts = "select attempt, started_at, duration_ms, http_status, error from " + attemptTable
                + " where delivery_id = $1 order by attempt";
    }

    /** The delivery of this event to this target, created pending if it did not exist. */
    public Uni<Delivery> open(Delivery candidate) {
        Tuple values = Tuple.from(Arrays.asList(candidate.id, candidate.eventId, candidate.eventType,
                candidate.hookEvent, candidate.target, candidate.url, candidate.userId, candidate.envelope,
                at(Instant.now())));
        // A conflict returns nothing; the existing row is read by a second statement, which (unlike a second
        // select in the same statement) also sees a row another replica committed while this insert waited on it.
        return pool.preparedQuery(open).execute(values).chain(inserted -> {
            Delivery created = first(inserted);
            if (created != null) {
                return Uni.createFrom().item(created);
            }
            return pool.preparedQuery(findByTarget).execute(Tuple.of(candidate.eventId, candidate.target))
                    .map(rows -> {
                        Delivery existing = first(rows);
                        if (existing == null) {
                            throw new IllegalStateException("delivery of " + candidate.eventId + " to "
                                    + candidate.target + " neither inserted nor found");
                        }
                        return existing;
                    });
        });
    }

    /** Records one attempt and returns its number (counted over the delivery's life, replays included). */
    public Uni<Integer> recordAttempt(UUID deliveryId, Instant started, long durationMs, Integer httpStatus,
            String error) {
        Tuple values = Tuple.from(Arrays.asList(deliveryId, httpStatus, error, at(Instant.now()), at(started),
                durationMs));
        return pool.preparedQuery(recordAttempt).execute(values).map(rows -> {
            for (Row row : rows) {
                return row.getInteger(0);
            }
            throw new IllegalStateException("no delivery " + deliveryId + " to record an attempt of");
        });
    }

    /** Marks a delivery delivered or dead-lettered. */
    public Uni<Void> finish(UUID deliveryId, String status) {
        return pool.preparedQuery(finish).execute(Tuple.of(deliveryId, status, at(Instant.now()))).replaceWithVoid();
    }

    /** Takes a dead-lettered delivery back to pending for a replay; false if it is not dead-lettered. */
    public Uni<Boolean> reopen(UUID deliveryId) {
        return pool.preparedQuery(reopen).execute(Tuple.of(deliveryId, at(Instant.now())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Deletes finished deliveries last changed before {@code cutoff}, with their attempts; answers how many. */
    public Uni<Integer> deleteFinishedBefore(Instant cutoff) {
        return pool.preparedQuery(deleteFinished).execute(Tuple.of(at(cutoff))).map(RowSet::rowCount);
    }

    /** The delivery, or null. */
    public Uni<Delivery> find(UUID id) {
        return pool.preparedQuery(find).execute(Tuple.of(id)).map(DeliveryLog::first);
    }

    /** The most recently changed deliveries, of one status or of all. */
    public Uni<List<Delivery>> list(String status, int limit) {
        Uni<RowSet<Row>> rows = status == null
                ? pool.preparedQuery("select " + COLUMNS + " from " + deliveries + " order by updated_at desc limit $1")
                        .execute(Tuple.of(limit))
                : pool.preparedQuery("select " + COLUMNS + " from " + deliveries
                        + " where status = $1 order by updated_at desc limit $2").execute(Tuple.of(status, limit));
        return rows.map(DeliveryLog::all);
    }

    /** The attempts of a delivery, oldest first. */
    public Uni<List<AttemptRow>> attempts(UUID deliveryId) {
        return pool.preparedQuery(attempts).execute(Tuple.of(deliveryId)).map(rows -> {
            List<AttemptRow> list = new ArrayList<>();
            for (Row row : rows) {
                list.add(new AttemptRow(row.getInteger(0), row.getOffsetDateTime(1).toInstant(), row.getLong(2),
                        row.getInteger(3), row.getString(4)));
            }
            return list;
        });
    }

    /** One attempt as stored. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptRow(int attempt,
            @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("duration_ms") long durationMs,
            @JsonProperty("http_status") Integer httpStatus,
            String error) {
    }

    private static Delivery first(RowSet<Row> rows) {
        for (Row row : rows) {
            return delivery(row);
        }
        return null;
    }

    private static List<Delivery> all(RowSet<Row> rows) {
        List<Delivery> list = new ArrayList<>();
        for (Row row : rows) {
            list.add(delivery(row));
        }
        return list;
    }

    private static Delivery delivery(Row row) {
        Delivery d = new Delivery();
        d.id = row.getUUID("id");
        d.eventId = row.getString("event_id");
        d.eventType = row.getString("event_type");
        d.hookEvent = row.getString("hook_event");
        d.target = row.getString("target");
        d.url = row.getString("url");
        d.userId = row.getString("user_id");
        d.status = row.getString("status");
        d.attempts = row.getInteger("attempts");
        d.lastStatus = row.getInteger("last_status");
        d.lastError = row.getString("last_error");
        d.envelope = row.getString("envelope");
        d.createdAt = instant(row.getOffsetDateTime("created_at"));
        d.updatedAt = instant(row.getOffsetDateTime("updated_at"));
        d.finishedAt = instant(row.getOffsetDateTime("finished_at"));
        return d;
    }
}
