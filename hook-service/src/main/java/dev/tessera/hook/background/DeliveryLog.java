package dev.tessera.hook.background;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.smallrye.mutiny.Uni;

/**
 * The {@code hooks.delivery} and {@code hooks.delivery_attempt} tables. Every method runs its own short
 * transaction and must be called on a Vert.x (duplicated) context. Native SQL does not see Hibernate's default
 * schema, so it names {@code hooks}.
 */
@ApplicationScoped
public class DeliveryLog {

    private final Mutiny.SessionFactory sessions;

    public DeliveryLog(Mutiny.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** The delivery of this event to this target, created pending if it did not exist. */
    public Uni<Delivery> open(Delivery candidate) {
        return sessions.withTransaction(session -> session.createNativeQuery("""
                insert into hooks.delivery (id, event_id, event_type, hook_event, target, url, user_id, status, attempts,
                                      envelope, created_at, updated_at)
                values (:id, :eventId, :eventType, :hookEvent, :target, :url, :userId, 'pending', 0, :envelope,
                        :now, :now)
                on conflict (event_id, target) do nothing""")
                .setParameter("id", candidate.id)
                .setParameter("eventId", candidate.eventId)
                .setParameter("eventType", candidate.eventType)
                .setParameter("hookEvent", candidate.hookEvent)
                .setParameter("target", candidate.target)
                .setParameter("url", candidate.url)
                .setParameter("userId", candidate.userId)
                .setParameter("envelope", candidate.envelope)
                .setParameter("now", Instant.now())
                .executeUpdate()
                .chain(() -> session.createQuery("from Delivery where eventId = :eventId and target = :target",
                        Delivery.class)
                        .setParameter("eventId", candidate.eventId)
                        .setParameter("target", candidate.target)
                        .getSingleResult()));
    }

    /** Records one attempt and returns its number (counted over the delivery's life, replays included). */
    public Uni<Integer> recordAttempt(UUID deliveryId, Instant started, long durationMs, Integer httpStatus,
            String error) {
        return sessions.withTransaction(session -> session.createNativeQuery("""
                update hooks.delivery set attempts = attempts + 1, last_status = :status, last_error = :error,
                                    updated_at = :now
                where id = :id""")
                .setParameter("status", httpStatus)
                .setParameter("error", error)
                .setParameter("now", Instant.now())
                .setParameter("id", deliveryId)
                .executeUpdate()
                .chain(() -> session.createNativeQuery("select attempts from hooks.delivery where id = :id", Integer.class)
                        .setParameter("id", deliveryId)
                        .getSingleResult())
                .call(attempt -> session.createNativeQuery("""
                        insert into hooks.delivery_attempt (delivery_id, attempt, started_at, duration_ms, http_status, error)
                        values (:id, :attempt, :started, :duration, :status, :error)""")
                        .setParameter("id", deliveryId)
                        .setParameter("attempt", attempt)
                        .setParameter("started", started)
                        .setParameter("duration", durationMs)
                        .setParameter("status", httpStatus)
                        .setParameter("error", error)
                        .executeUpdate()));
    }

    /** Marks a delivery delivered or dead-lettered. */
    public Uni<Void> finish(UUID deliveryId, String status) {
        return sessions.withTransaction(session -> session.createNativeQuery("""
                update hooks.delivery set status = :status, finished_at = :now, updated_at = :now where id = :id""")
                .setParameter("status", status)
                .setParameter("now", Instant.now())
                .setParameter("id", deliveryId)
                .executeUpdate()).replaceWithVoid();
    }

    /** Takes a dead-lettered delivery back to pending for a replay; false if it is not dead-lettered. */
    public Uni<Boolean> reopen(UUID deliveryId) {
        return sessions.withTransaction(session -> session.createNativeQuery("""
                update hooks.delivery set status = 'pending', finished_at = null, updated_at = :now
                where id = :id and status = 'dead_lettered'""")
                .setParameter("now", Instant.now())
                .setParameter("id", deliveryId)
                .executeUpdate()).map(count -> count == 1);
    }

    /** Deletes finished deliveries last changed before {@code cutoff}, with their attempts; answers how many. */
    public Uni<Integer> deleteFinishedBefore(Instant cutoff) {
        return sessions.withTransaction(session -> session.createNativeQuery("""
                delete from hooks.delivery where status in ('delivered', 'dead_lettered') and updated_at < :cutoff""")
                .setParameter("cutoff", cutoff)
                .executeUpdate());
    }

    public Uni<Delivery> find(UUID id) {
        return sessions.withSession(session -> session.find(Delivery.class, id));
    }

    public Uni<List<Delivery>> list(String status, int limit) {
        return sessions.withSession(session -> {
            var query = status == null
                    ? session.createQuery("from Delivery order by updatedAt desc", Delivery.class)
                    : session.createQuery("from Delivery where status = :status order by updatedAt desc",
                            Delivery.class).setParameter("status", status);
            return query.setMaxResults(limit).getResultList();
        });
    }

    /** The attempts of a delivery, oldest first. */
    public Uni<List<AttemptRow>> attempts(UUID deliveryId) {
        return sessions.withSession(session -> session.createNativeQuery("""
                select attempt, started_at, duration_ms, http_status, error from hooks.delivery_attempt
                where delivery_id = :id order by attempt""", Object[].class)
                .setParameter("id", deliveryId)
                .getResultList()
                .map(rows -> rows.stream().map(AttemptRow::of).toList()));
    }

    /** One attempt as stored. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptRow(int attempt,
            @JsonProperty("started_at") Instant startedAt,
            @JsonProperty("duration_ms") long durationMs,
            @JsonProperty("http_status") Integer httpStatus,
            String error) {

        static AttemptRow of(Object[] row) {
            Object started = row[1];
            Instant startedAt = started instanceof Instant i ? i
                    : started instanceof OffsetDateTime o ? o.toInstant()
                    : started instanceof Timestamp t ? t.toInstant()
                    : Instant.parse(started.toString());
            return new AttemptRow(((Number) row[0]).intValue(), startedAt, ((Number) row[2]).longValue(),
                    row[3] == null ? null : ((Number) row[3]).intValue(), (String) row[4]);
        }
    }
}
