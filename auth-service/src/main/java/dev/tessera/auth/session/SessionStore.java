package dev.tessera.auth.session;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tessera.platform.db.SchemaTable;
import dev.tessera.platform.outbox.OutboxMessage;
import dev.tessera.platform.outbox.OutboxRow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code refresh_tokens} table. Each change and its event are one statement (data-modifying CTEs), so they commit
 * together without a transaction held open across round trips: a grant is on the hottest path there is, and every
 * round trip costs PostgreSQL and this service a system call or two each way. Only the SHA-256 of a token is stored.
 */
@ApplicationScoped
public class SessionStore {

    /** A token that can still be exchanged. */
    public record Live(UUID id, UUID userId, UUID sessionId, Instant createdAt) {
    }

    /** A token to store: its hash, whose session it belongs to, and the token it replaces (null for a first one). */
    public record NewToken(UUID id, String hash, UUID userId, UUID sessionId, UUID parentId, Instant createdAt) {
    }

    private static final String COLUMNS = "(id, token_hash, user_id, session_id, parent_id, revoked, created_at, updated_at)";

    private final Pool pool;
    private final String tokens;
    private final String outbox;

    public SessionStore(Pool pool,
            @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.pool = pool;
        this.tokens = SchemaTable.of(schema, "refresh_tokens");
        this.outbox = OutboxRow.table(schema);
    }

    /** Stores a session's first token, and the event announcing it when there is one. */
    public Uni<Void> open(NewToken token, OutboxMessage event) {
        List<Object> params = new ArrayList<>();
        String insert = "insert into " + tokens + " " + COLUMNS + " values (" + tokenValues(token, params) + ")";
        String sql = event == null ? insert
                : "with opened as (" + insert + " returning id) " + OutboxRow.insert(outbox, event, params, "opened");
        return pool.preparedQuery(sql).execute(Tuple.from(params)).replaceWithVoid();
    }

    /** The live token with this hash, or null. */
    public Uni<Live> findLive(String hash) {
        return pool.preparedQuery("select id, user_id, session_id, created_at from " + tokens
                + " where token_hash = $1 and revoked = false")
                .execute(Tuple.of(hash))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new Live(row.getUUID(0), row.getUUID(1), row.getUUID(2),
                            row.getOffsetDateTime(3).toInstant());
                });
    }

    /**
     * Deletes {@code presented} and stores {@code next} with its event, only if {@code presented} is still live and
     * was issued after {@code issuedAfter}. False when it was not: of two concurrent rotations of one token, the
     * second waits for the first's row lock, then finds the row gone and writes nothing.
     *
     * <p>A rotated token is deleted rather than marked revoked: nothing ever reads a revoked row (a revoked token and
     * an unknown one get the same answer), and keeping them grew the table by one row per refresh, forever. The
     * {@code revoked = false} conditions stay for rows that replicas of an earlier version revoke during a rolling
     * upgrade.
     */
    public Uni<Boolean> rotate(UUID presented, NewToken next, OutboxMessage event, Instant issuedAfter) {
        List<Object> params = new ArrayList<>();
        params.add(presented);
        params.add(issuedAfter.atOffset(ZoneOffset.UTC));
        String claimed = "claimed as (delete from " + tokens
                + " where id = $1 and revoked = false and created_at > $2 returning id)";
        String successor = "successor as (insert into " + tokens + " " + COLUMNS + " select "
                + tokenValues(next, params) + " from claimed returning id)";
        String announced = event == null ? "" : ", announced as (" + OutboxRow.insert(outbox, event, params, "successor") + ")";
        String sql = "with " + claimed + ", " + successor + announced + " select count(*) from successor";
        return pool.preparedQuery(sql).execute(Tuple.from(params))
                .map(rows -> rows.iterator().next().getLong(0) == 1);
    }

    /** Deletes every refresh token of a user (all devices) and stores the event. */
    public Uni<Void> deleteAll(UUID userId, OutboxMessage event) {
        List<Object> params = new ArrayList<>();
        params.add(userId);
        String ended = "ended as (delete from " + tokens + " where user_id = $1)";
        return pool.preparedQuery("with " + ended + " " + OutboxRow.insert(outbox, event, params, null))
                .execute(Tuple.from(params)).replaceWithVoid();
    }

    /**
     * Deletes up to {@code limit} tokens issued before {@code cutoff}, oldest first, and answers how many. Rows that
     * another replica's sweep is deleting are skipped rather than waited for.
     */
    public Uni<Integer> deleteIssuedBefore(Instant cutoff, int limit) {
        return pool.preparedQuery("delete from " + tokens + " where id in (select id from " + tokens
                + " where created_at < $1 order by created_at limit $2 for update skip locked)")
                .execute(Tuple.of(cutoff.atOffset(ZoneOffset.UTC), limit))
                .map(rows -> rows.rowCount());
    }

    private static String tokenValues(NewToken token, List<Object> params) {
        int first = params.size() + 1;
        OffsetDateTime at = token.createdAt().atOffset(ZoneOffset.UTC);
        params.add(token.id());
        params.add(token.hash());
        params.add(token.userId());
        params.add(token.sessionId());
        params.add(token.parentId());
        params.add(at);
        return "$" + first + "::uuid, $" + (first + 1) + "::text, $" + (first + 2) + "::uuid, $" + (first + 3)
                + "::uuid, $" + (first + 4) + "::uuid, false, $" + (first + 5) + "::timestamptz, $" + (first + 5)
                + "::timestamptz";
    }
}
