package dev.tessera.mail.ledger;

import static dev.tessera.platform.db.Timestamps.at;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.db.SchemaTable;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The sent-mail ledger: the idempotency record that keeps a redelivered request from being mailed twice. One table
 * and three single statements on the reactive SQL client: mail-service runs no Hibernate, whose 4,000 classes would
 * cost it some 30 MB resident (docs/decisions/2026-12-02-jvm-footprint.md).
 */
@ApplicationScoped
public class SentMailLedger {

    private final Pool pool;
    private final String settled;
    private final String record;
    private final String prune;

    public SentMailLedger(Pool pool, @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.pool = pool;
        String table = SchemaTable.of(schema, "sent_mail");
        this.settled = "select status from " + table + " where request_id = $1";
        // A settled row is never overwritten (another replica may have won a race after a rebalance); a FAILED row
        // takes the new outcome and accumulates the attempts. One statement, so two replicas recording the same
        // request at once cannot both insert.
        this.record = "insert into " + table + " as m (request_id, kind, user_id, recipient, status, message_id,"
                + " attempts, last_error, requested_at, sent_at, created_at, updated_at)"
                + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                + " on conflict (request_id) do update set status = excluded.status,"
                + " message_id = excluded.message_id, attempts = m.attempts + excluded.attempts,"
                + " last_error = excluded.last_error, sent_at = excluded.sent_at, updated_at = excluded.updated_at"
                + " where m.status = 'FAILED'";
        this.prune = "delete from " + table + " where updated_at < $1";
    }

    /** Whether the request was already sent or skipped, so that this delivery must do nothing. */
    public Uni<Boolean> isSettled(UUID requestId) {
        return pool.preparedQuery(settled).execute(Tuple.of(requestId)).map(rows -> {
            for (Row row : rows) {
                return SentMailStatus.valueOf(row.getString(0)).settled();
            }
            return false;
        });
    }

    /** Records an outcome: a new row, or the outcome folded into a FAILED one; a settled row stays as it is. */
    public Uni<Void> record(SentMail outcome) {
        Tuple values = Tuple.from(Arrays.asList(outcome.requestId, outcome.kind, outcome.userId, outcome.recipient,
                outcome.status.name(), outcome.messageId, outcome.attempts, outcome.lastError, at(outcome.requestedAt),
                at(outcome.sentAt), at(outcome.createdAt), at(outcome.updatedAt)));
        return pool.preparedQuery(record).execute(values).replaceWithVoid();
    }

    /** Forgets rows last touched before the cutoff; returns how many. */
    public Uni<Long> pruneBefore(Instant cutoff) {
        return pool.preparedQuery(prune).execute(Tuple.of(at(cutoff))).map(rows -> (long) rows.rowCount());
    }
}
