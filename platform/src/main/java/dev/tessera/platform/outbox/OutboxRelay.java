package dev.tessera.platform.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Publishes outbox rows to Kafka, oldest first, and deletes them once the broker acknowledged them.
 *
 * <p>Every replica runs a relay, but a transaction-scoped advisory lock lets only one of them work a batch at a time:
 * no double publishing in the normal case, and order by {@code seq} (hence per user) is kept. If a replica dies
 * after the broker acknowledged but before its delete commits, the rows are published again: delivery is
 * at-least-once and consumers deduplicate by message id.
 */
@ApplicationScoped
@IfBuildProperty(name = "tessera.outbox.enabled", stringValue = "true")
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final Mutiny.SessionFactory sessions;
    private final MutinyEmitter<String> emitter;
    private final Vertx vertx;
    private final int batchSize;
    private final Duration interval;
    private final String table;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean failing;
    private volatile long timer = -1;

    public OutboxRelay(Mutiny.SessionFactory sessions,
            @Channel("outbox") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) MutinyEmitter<String> emitter,
            Vertx vertx,
            @ConfigProperty(name = "tessera.outbox.batch-size", defaultValue = "200") int batchSize,
            @ConfigProperty(name = "tessera.outbox.interval", defaultValue = "PT0.2S") Duration interval,
            @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema") Optional<String> schema) {
        this.sessions = sessions;
        this.emitter = emitter;
        this.vertx = vertx;
        this.batchSize = batchSize;
        this.interval = interval;
        // Native SQL does not see Hibernate's default schema, so name it.
        this.table = schema.map(s -> s + ".outbox").orElse("outbox");
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(interval.toMillis(), id -> tick());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void tick() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> drain().subscribe().with(
                published -> running.set(false),
                failure -> {
                    running.set(false);
                    if (!failing) {
                        LOG.warnf("Outbox relay failed, will retry: %s", failure.toString());
                    }
                    failing = true;
                }));
    }

    /** Publishes batches until the outbox is empty or another replica holds the lock. */
    Uni<Integer> drain() {
        return relayBatch().chain(count -> {
            if (failing) {
                LOG.info("Outbox relay recovered");
                failing = false;
            }
            return count >= batchSize ? drain().map(more -> count + more) : Uni.createFrom().item(count);
        });
    }

    private Uni<Integer> relayBatch() {
        return sessions.withTransaction(session -> session
                .createNativeQuery("select pg_try_advisory_xact_lock(hashtext('" + table + "'))", Boolean.class)
                .getSingleResult()
                .chain(locked -> !locked ? Uni.createFrom().item(0) : session
                        .createNativeQuery("select id, topic, msg_key, payload, content_type, created_at from " + table + " order by seq limit " + batchSize + " for update skip locked",
                                OutboxMessage.class)
                        .getResultList()
                        .chain(rows -> publish(rows).chain(() -> delete(session, rows)))));
    }

    private Uni<Void> publish(List<OutboxMessage> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Subscribed in list order, so the producer receives the records in seq order.
        List<Uni<Void>> sends = rows.stream().map(this::send).toList();
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    private Uni<Void> send(OutboxMessage row) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic)
                .withKey(row.key)
                .withHeaders(List.of(
                        new org.apache.kafka.common.header.internals.RecordHeader("content-type",
                                row.contentType.getBytes(StandardCharsets.UTF_8)),
                        new org.apache.kafka.common.header.internals.RecordHeader("message-id",
                                row.id.toString().getBytes(StandardCharsets.UTF_8))))
                .build();
        return emitter.sendMessage(Message.of(row.payload).addMetadata(metadata));
    }

    private Uni<Integer> delete(Mutiny.Session session, List<OutboxMessage> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return session.createMutationQuery("delete from OutboxMessage where id in :ids")
                .setParameter("ids", rows.stream().map(r -> r.id).toList())
                .executeUpdate();
    }
}
