package dev.tessera.platform.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import dev.tessera.platform.db.SchemaTable;
import dev.tessera.platform.tracing.TraceParent;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes outbox rows to Kafka, oldest first, and deletes them once the broker acknowledged them: a batch is a
 * transaction of one statement, which takes the lock below and deletes and answers the rows, committed after the
 * broker's acknowledgement (three round trips with its {@code BEGIN} and {@code COMMIT}, where a lock, a select and
 * a delete took five).
 *
 * <p>Every replica runs a relay, but a transaction-scoped advisory lock lets only one of them work a batch at a time:
 * no double publishing in the normal case, and order by {@code seq} (hence per user) is kept. If a replica dies
 * after the broker acknowledged but before its delete commits, the rows are published again: delivery is
 * at-least-once and consumers deduplicate by message id.
 *
 * <p>A row's commit wakes the relay: the table's trigger notifies, {@link OutboxListener} hears it, and the relay
 * drains at once. Every replica hears every commit, so the one that wins the lock publishes it; a notification that
 * arrives while a drain runs makes the relay drain again when it ends (that drain may have read the table before
 * the row committed), at least {@code tessera.outbox.drain-gap} after the previous drain began, so that under load
 * each drain takes the rows of many commits. Polling stays as the safety net: while
 * the listener is connected the relay looks only every {@code tessera.outbox.idle-interval} (rows another replica
 * left behind when it died); while it is not, and while publishing fails, it looks every
 * {@code tessera.outbox.interval} while this replica has written to the outbox within {@code tessera.outbox.linger}
 * (the writer's transaction may commit a little after the write), otherwise every idle interval. It talks to the
 * database with the plain reactive client: through Hibernate each of its native queries cost a query-plan lookup and
 * a session.
 *
 * <p>The outbox is a queue: every row is inserted once and deleted once, and each deleted row stays behind in the
 * table and its {@code seq} index until a vacuum removes it. The relay's ordered scan walks past all of them, so a
 * table left to itself gets slower with every event: after a hundred thousand events each look cost PostgreSQL some
 * 14 ms. Autovacuum may be off, and where it is on it visits a table at most once a minute. So the relay vacuums
 * the table itself once it has deleted {@code tessera.outbox.vacuum-after} rows and has just emptied it (a vacuum
 * of a nearly empty table takes a millisecond or two); {@code skip_locked} lets a replica skip the vacuum while
 * another one is at it.
 */
@ApplicationScoped
@IfBuildProperty(name = "tessera.outbox.enabled", stringValue = "true")
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final Vertx vertx;
    private final OutboxActivity activity;
    private final OutboxListener listener;
    private final int batchSize;
    private final Duration interval;
    private final long lingerNanos;
    private final long idleNanos;
    private final long gapNanos;
    private final String claim;
    private final String vacuum;
    private final long vacuumAfter;
    private final AtomicBoolean running = new AtomicBoolean();
    /** A row committed (or may have) since the running drain read the table. */
    private final AtomicBoolean woken = new AtomicBoolean();
    private volatile boolean failing;
    private volatile long lastDrain = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private volatile long timer = -1;
    /** Written only by the one drain that {@link #running} admits at a time. */
    private long deletedSinceVacuum;
    private boolean vacuumFailed;

    public OutboxRelay(Pool pool,
            @Channel("outbox") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) MutinyEmitter<String> emitter,
            Vertx vertx, OutboxActivity activity, OutboxListener listener,
            @ConfigProperty(name = "tessera.outbox.batch-size", defaultValue = "200") int batchSize,
            @ConfigProperty(name = "tessera.outbox.interval", defaultValue = "PT0.2S") Duration interval,
            @ConfigProperty(name = "tessera.outbox.linger", defaultValue = "PT2S") Duration linger,
            @ConfigProperty(name = "tessera.outbox.idle-interval", defaultValue = "PT5S") Duration idleInterval,
            @ConfigProperty(name = "tessera.outbox.drain-gap", defaultValue = "PT0.02S") Duration drainGap,
            @ConfigProperty(name = "tessera.outbox.vacuum-after", defaultValue = "2000") long vacuumAfter,
            @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.pool = pool;
        this.emitter = emitter;
        this.vertx = vertx;
        this.activity = activity;
        this.listener = listener;
        this.batchSize = batchSize;
        this.interval = interval;
        this.lingerNanos = linger.toNanos();
        this.idleNanos = idleInterval.toNanos();
        this.gapNanos = drainGap.toNanos();
        this.vacuumAfter = vacuumAfter;
        String table = OutboxRow.table(schema);
        // One statement takes the lock, and only if it got it, deletes the oldest rows and answers them; they are
        // gone only if the transaction commits, after the broker acknowledged them. The lock is a CTE with a
        // volatile function, so PostgreSQL evaluates it once, before the scan it gates. The ids go through an array,
        // as the separate delete's parameter did, so the delete finds them by the primary key: joined to the
        // subquery, PostgreSQL hashed it and read the whole table, dead rows included, at every drain.
        this.claim = "with claimed as (select pg_try_advisory_xact_lock(hashtext('" + table + "')) as held)"
                + " delete from " + table + " where id = any(array(select id from " + table
                + " where (select held from claimed) order by seq limit $1 for update skip locked))"
                + " returning seq, id, topic, msg_key, payload, content_type, traceparent";
        this.vacuum = "vacuum (skip_locked) " + table;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(interval.toMillis(), id -> tick());
        listener.start(this::wake);
    }

    void stop(@Observes ShutdownEvent event) {
        listener.stop();
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void tick() {
        if (failing || System.nanoTime() - lastDrain >= idleNanos
                || !listener.listening() && activity.appendedWithin(lingerNanos)) {
            startDrain();
        }
    }

    /** A row committed: drain now, or once the running drain ends. */
    void wake() {
        woken.set(true);
        startDrain();
    }

    private void startDrain() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        // Under load the commits come faster than drains end: spacing the drains by the gap lets each one take the
        // rows of several commits instead of a few rows each, at a cost of at most the gap to a row's wait.
        long wait = lastDrain + gapNanos - System.nanoTime();
        if (wait > 0) {
            vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> runDrain());
        } else {
            runDrain();
        }
    }

    private void runDrain() {
        // Cleared before the drain reads the table: a commit notified from here on makes it drain again.
        woken.set(false);
        lastDrain = System.nanoTime();
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        context.runOnContext(ignored -> drain().subscribe().with(
                published -> {
                    running.set(false);
                    if (woken.get()) {
                        startDrain();
                    }
                },
                failure -> {
                    // No immediate retry: while failing, the timer retries every interval.
                    running.set(false);
                    if (!failing) {
                        LOG.warnf("Outbox relay failed, will retry: %s", failure.toString());
                    }
                    failing = true;
                }));
    }

    /** Publishes batches until the outbox is empty or another replica holds the lock. */
    Uni<Integer> drain() {
        return pool.withTransaction(this::relayBatch).chain(count -> {
            if (failing) {
                LOG.info("Outbox relay recovered");
                failing = false;
            }
            deletedSinceVacuum += count;
            if (count >= batchSize) {
                return drain().map(more -> count + more);
            }
            return vacuumIfDue().replaceWith(count);
        });
    }

    /**
     * Vacuums the table once enough deleted rows have piled up. A failed vacuum never fails the relay: the events
     * are out, only the next looks get slower, so it is logged once and tried again after the next
     * {@code vacuum-after} rows.
     */
    private Uni<Void> vacuumIfDue() {
        if (vacuumAfter <= 0 || deletedSinceVacuum < vacuumAfter) {
            return Uni.createFrom().voidItem();
        }
        deletedSinceVacuum = 0;
        return pool.query(vacuum).execute().replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    if (!vacuumFailed) {
                        vacuumFailed = true;
                        LOG.warnf("Outbox vacuum failed; the relay goes on, but its table grows until vacuumed: %s",
                                failure.toString());
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * Claims a batch (deleted in this transaction, so another replica skips it and a failure to publish rolls the
     * deletion back) and publishes it; the transaction's commit, after the broker acknowledged every record, makes the
     * deletion stand. Without the lock (another replica is draining) the batch is empty.
     */
    private Uni<Integer> relayBatch(SqlConnection connection) {
        return connection.preparedQuery(claim).execute(Tuple.of(batchSize)).chain(rows -> {
            List<Pending> pending = new ArrayList<>(rows.size());
            for (Row row : rows) {
                pending.add(new Pending(row.getLong(0), row.getUUID(1), row.getString(2), row.getString(3),
                        row.getString(4), row.getString(5), row.getString(6)));
            }
            // A delete answers its rows in no particular order; the topic gets them in the order they were written.
            pending.sort(Comparator.comparingLong(Pending::seq));
            return publish(pending).replaceWith(pending.size());
        });
    }

    private Uni<Void> publish(List<Pending> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Subscribed in list order, so the producer receives the records in seq order.
        List<Uni<Void>> sends = rows.stream().map(this::send).toList();
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    private Uni<Void> send(Pending row) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic())
                .withKey(row.key())
                .withHeaders(List.of(
                        new RecordHeader("content-type", row.contentType().getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("message-id", row.id().toString().getBytes(StandardCharsets.UTF_8))))
                .build();
        Message<String> message = Message.of(row.payload()).addMetadata(metadata);
        // The record continues the trace of the request that wrote the row, not the relay's (which has none): the
        // connector's producer span takes this context as its parent and puts its own traceparent on the record.
        var trace = TraceParent.restore(row.traceparent());
        return emitter.sendMessage(trace == null ? message : message.addMetadata(TracingMetadata.withCurrent(trace)));
    }

    private record Pending(long seq, UUID id, String topic, String key, String payload, String contentType,
            String traceparent) {
    }
}
