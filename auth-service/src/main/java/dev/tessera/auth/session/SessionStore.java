package dev.tessera.auth.session;

import static dev.tessera.platform.db.Timestamps.at;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.db.SchemaTable;
import dev.tessera.platform.internal.IdentityView;
import dev.tessera.platform.internal.UserIdentity;
import dev.tessera.platform.outbox.OutboxMessage;
import dev.tessera.platform.outbox.OutboxRow;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * The {@code sessions}, {@code refresh_tokens} and {@code refresh_token_rotations} tables. Each change and its event
 * are one statement (data-modifying CTEs), so they commit together without a transaction held open across round
 * trips: a grant is on the hottest path there is, and every round trip costs PostgreSQL and this service a system
 * call or two each way. Only the SHA-256 of a token is stored; a rotation stores the successor sealed under a key
 * only the rotated token's holder can derive ({@link SuccessorSeal}).
 *
 * <p>A token counts only while its session row exists, so ending a session is deleting that row, in the same
 * statement as its tokens and rotations. A rotation that races with the end of its session can leave its new token
 * behind without a session; no lookup finds it, and the sweeps delete it.
 */
@ApplicationScoped
public class SessionStore {

    /**
     * A presented token as stored: its session (with the user's session epoch at sign-in) and, once it was rotated
     * out, when; with the session's user as user-service's identity view showed it in the same statement.
     *
     * @param ownerRead whether the view was read (it is not while a rollout has yet to create it)
     * @param owner the user, or null when the view has no user with the session's user id (or was not read)
     */
    public record Presented(UUID tokenId, UUID sessionId, UUID userId, long epoch, Instant sessionStartedAt,
            Instant issuedAt, Instant rotatedAt, boolean ownerRead, UserIdentity owner) {

        public boolean live() {
            return rotatedAt == null;
        }
    }

    /**
     * A session as stored, with its user as user-service's identity view showed it in the same statement.
     *
     * @param epoch the user's session epoch the session started under
     * @param ownerRead whether the view was read (it is not while a rollout has yet to create it)
     * @param owner the user, or null when the view has no user with the session's user id (or was not read)
     */
    public record Stored(long epoch, Instant startedAt, boolean ownerRead, UserIdentity owner) {
    }

    /** A session to start. */
    public record NewSession(UUID id, UUID userId, long epoch, Instant startedAt) {
    }

    /** A token to store: its hash, whose session it belongs to, and the token it replaces (null for a first one). */
    public record NewToken(UUID id, String hash, UUID userId, UUID sessionId, UUID parentId, Instant createdAt) {
    }

    /**
     * One step from a rotated-out token towards its session's live token: the successor as sealed under the
     * previous token, and the stored successor.
     *
     * @param rotated whether the successor has itself been rotated out (then the chain goes on)
     */
    public record Step(byte[] sealedSuccessor, UUID successorId, String successorHash, Instant successorIssuedAt,
            boolean rotated) {
    }

    /** Which of a user's sessions to end. */
    public enum Scope {
        /** every session of the user */
        ALL(""),
        /** the one named */
        ONLY(" and %s = $2"),
        /** every one but the one named */
        ALL_BUT(" and %s <> $2");

        private final String condition;

        Scope(String condition) {
            this.condition = condition;
        }

        String on(String column) {
            return condition.formatted(column);
        }
    }

    /**
     * {@code updated_at} and {@code revoked} are left to the table: replicas of the previous version write
     * {@code updated_at}, and migration V5's trigger recognises their inserts by it.
     */
    private static final String TOKEN_COLUMNS = "(id, token_hash, user_id, session_id, parent_id, created_at)";
    /** What {@link Presented} reads of the token, its session and its rotation. */
    private static final String PRESENTED_COLUMNS =
            "t.id, t.session_id, s.user_id, s.epoch, s.created_at, t.created_at, r.rotated_at";
    /** The identity view's columns, in {@link IdentityView#COLUMNS}' order, the metadata as text. */
    private static final List<String> OWNER_COLUMNS = IdentityView.COLUMNS.stream()
            .map(c -> "u." + c + (c.endsWith("_metadata") ? "::text" : "")).toList();
    private static final TypeReference<Map<String, Object>> METADATA = new TypeReference<>() {
    };
    /**
     * undefined_table, invalid_schema_name, undefined_column: the view, or a column of it, is not there yet;
     * insufficient_privilege: a deployment with a database user per service has not granted it.
     */
    private static final Set<String> VIEW_MISSING = Set.of("42P01", "3F000", "42703", "42501");
    private static final Logger LOG = Logger.getLogger(SessionStore.class);

    private final Pool pool;
    private final String sessions;
    private final String tokens;
    private final String rotations;
    private final String outbox;
    private final String find;
    private final String findWithOwner;
    private final String session;
    private final String sessionWithOwner;
    private final ObjectMapper mapper;
    private final String chain;
    private final String expiredSweep;
    private final String rotatedSweep;
    private final String timeboxSweep;
    /** How long {@link #find} does without the view it found missing before it looks again. */
    private final Duration viewRetry;
    /** Until when {@link #find} does without the identity view, after a statement found it missing. */
    private volatile Instant withoutViewUntil = Instant.MIN;

    public SessionStore(Pool pool, ObjectMapper mapper,
            @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema,
            @ConfigProperty(name = "tessera.user-service.schema", defaultValue = "users") String usersSchema,
            @ConfigProperty(name = "tessera.user-service.view-retry", defaultValue = "PT1M") Duration viewRetry) {
        this.pool = pool;
        this.mapper = mapper;
        this.viewRetry = viewRetry;
        this.sessions = SchemaTable.of(schema, "sessions");
        this.tokens = SchemaTable.of(schema, "refresh_tokens");
        this.rotations = SchemaTable.of(schema, "refresh_token_rotations");
        this.outbox = OutboxRow.table(schema);
        // revoked = false: rows that replicas of a version before the retention change revoked stay dead.
        String presented = " from " + tokens + " t join " + sessions + " s on s.id = t.session_id left join "
                + rotations + " r on r.token_id = t.id";
        String where = " where t.token_hash = $1 and t.revoked = false";
        this.find = "select " + PRESENTED_COLUMNS + presented + where;
        this.findWithOwner = "select " + PRESENTED_COLUMNS + ", " + String.join(", ", OWNER_COLUMNS) + presented
                + " left join " + usersSchema + "." + IdentityView.NAME + " u on u.id = s.user_id" + where;
        String stored = "select s.epoch, s.created_at";
        String storedWhere = " where s.id = $1 and s.user_id = $2";
        this.session = stored + " from " + sessions + " s" + storedWhere;
        this.sessionWithOwner = stored + ", " + String.join(", ", OWNER_COLUMNS) + " from " + sessions + " s"
                + " left join " + usersSchema + "." + IdentityView.NAME + " u on u.id = s.user_id" + storedWhere;
        // A sweep locks what it deletes with skip locked, so it never waits on another statement and can never be
        // part of a deadlock; what it skips, the statement holding the lock is deleting (nothing updates these rows).
        this.expiredSweep = "with " + oldestFirst("id, session_id", tokens, "created_at")
                + ", live as (select d.session_id from doomed d where not exists (select 1 from " + rotations
                + " r where r.token_id = d.id))"
                + ", ended as (delete from " + sessions + " where id in (select s.id from " + sessions
                + " s join live l on s.id = l.session_id for update of s skip locked))"
                + ", gone as (delete from " + tokens + " where id in (select id from doomed))"
                + ", " + forgetRotationsOf("doomed", true) + " select count(*) from doomed";
        this.rotatedSweep = "with " + oldestFirst("token_id as id", rotations, "rotated_at")
                + ", gone as (delete from " + tokens + " where id in (select t.id from " + tokens
                + " t join doomed d on t.id = d.id for update of t skip locked))"
                + ", forgotten as (delete from " + rotations + " where token_id in (select id from doomed))"
                + " select count(*) from doomed";
        this.timeboxSweep = "with " + oldestFirst("id, user_id", sessions, "created_at")
                + ", ended as (delete from " + sessions + " where id in (select id from doomed))"
                + ", gone as (delete from " + tokens + " where id in (select t.id from " + tokens + " t join doomed d"
                + " on t.user_id = d.user_id and t.session_id = d.id for update of t skip locked) returning id)"
                + ", " + forgetRotationsOf("gone", true) + " select count(*) from doomed";
        this.chain = "with recursive chain (token_id, successor_id, sealed_successor, step) as ("
                + "select token_id, successor_id, sealed_successor, 1 from " + rotations + " where token_id = $1"
                + " union all select r.token_id, r.successor_id, r.sealed_successor, c.step + 1 from chain c join "
                + rotations + " r on r.token_id = c.successor_id where c.step < $2)"
                + " select c.sealed_successor, t.id, t.token_hash, t.created_at,"
                + " exists (select 1 from " + rotations + " n where n.token_id = t.id)"
                + " from chain c join " + tokens + " t on t.id = c.successor_id order by c.step";
    }

    /** Starts a session with its first token, and the event announcing it when there is one: one statement. */
    public Uni<Void> open(NewSession session, NewToken token, OutboxMessage event) {
        List<Object> params = new ArrayList<>();
        params.add(session.id());
        params.add(session.userId());
        params.add(session.epoch());
        params.add(at(session.startedAt()));
        String started = "started as (insert into " + sessions + " (id, user_id, epoch, created_at)"
                + " values ($1, $2, $3, $4) returning id)";
        String first = "insert into " + tokens + " " + TOKEN_COLUMNS + " select " + tokenValues(token, params)
                + " from started";
        String sql = event == null ? "with " + started + " " + first
                : "with " + started + ", opened as (" + first + " returning id) "
                        + OutboxRow.insert(outbox, event, params, "opened");
        return pool.preparedQuery(sql).execute(Tuple.from(params)).replaceWithVoid();
    }

    /**
     * The token with this hash while its session lasts, rotated out or not, with its user from user-service's
     * identity view; null when there is no such token. While the view is missing (a rollout in which user-service
     * has not yet migrated) the token is read alone, {@link Presented#ownerRead} false, and the view is looked for
     * again {@code tessera.user-service.view-retry} (a minute) later.
     */
    public Uni<Presented> find(String hash) {
        return withView(withOwner -> find(withOwner ? findWithOwner : find, hash, withOwner));
    }

    /**
     * The user's session {@code sessionId} while it lasts, with its user from user-service's identity view as
     * {@link #find} reads it; null when there is no such session of that user.
     */
    public Uni<Stored> session(UUID sessionId, UUID userId) {
        return withView(withOwner -> pool.preparedQuery(withOwner ? sessionWithOwner : session)
                .execute(Tuple.of(sessionId, userId)).map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    return new Stored(row.getLong(0), row.getOffsetDateTime(1).toInstant(), withOwner,
                            withOwner ? owner(row, 2) : null);
                }));
    }

    /**
     * Runs a statement with user-service's identity view ({@code true}) or, while that is missing, without it; a
     * statement that finds it missing is run again without it, and the view is looked for again
     * {@code tessera.user-service.view-retry} later.
     */
    private <T> Uni<T> withView(Function<Boolean, Uni<T>> statement) {
        if (Instant.now().isBefore(withoutViewUntil)) {
            return statement.apply(false);
        }
        return statement.apply(true).onFailure(SessionStore::viewMissing).recoverWithUni(missing -> {
            if (withoutViewUntil == Instant.MIN) {
                LOG.warnf("user-service's identity view cannot be read (%s): each refresh and each check of a"
                        + " session asks user-service until it can (once user-service has migrated, or the view is"
                        + " granted)", missing.getMessage());
            }
            withoutViewUntil = Instant.now().plus(viewRetry);
            return statement.apply(false);
        });
    }

    private Uni<Presented> find(String sql, String hash, boolean withOwner) {
        return pool.preparedQuery(sql).execute(Tuple.of(hash)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            OffsetDateTime rotatedAt = row.getOffsetDateTime(6);
            return new Presented(row.getUUID(0), row.getUUID(1), row.getUUID(2), row.getLong(3),
                    row.getOffsetDateTime(4).toInstant(), row.getOffsetDateTime(5).toInstant(),
                    rotatedAt == null ? null : rotatedAt.toInstant(), withOwner, withOwner ? owner(row, 7) : null);
        });
    }

    /** The user whose view columns start at {@code first}, or null where the view had no row. */
    private UserIdentity owner(Row row, int first) {
        if (row.getUUID(first) == null) {
            return null;
        }
        return new UserIdentity(row.getUUID(first), row.getString(first + 1), row.getString(first + 2),
                row.getString(first + 3), row.getBoolean(first + 4), metadata(row.getString(first + 5)),
                metadata(row.getString(first + 6)), row.getLong(first + 7), row.getUUID(first + 8));
    }

    private Map<String, Object> metadata(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readValue(json, METADATA);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a metadata column of the identity view is not a JSON object", e);
        }
    }

    private static boolean viewMissing(Throwable failure) {
        return failure instanceof PgException pg && VIEW_MISSING.contains(pg.getSqlState());
    }

    /**
     * Rotates {@code rotated} out and stores {@code next}, sealed under the rotated token, with its event, only if
     * {@code rotated} was not rotated before and its session still exists. False when it was: of two concurrent
     * rotations of one token, the second waits on the first's key in the rotations table, then inserts nothing.
     * The rotated token's row stays; it does not change.
     *
     * <p>The session row is locked (key share) before the rotation is inserted. Without the lock, a rotation that
     * read the session before a concurrent {@link #end} committed would wait on the rotation row that end deletes,
     * then insert its own in its place: a successor in a session just revoked for reuse, answered as a success. With
     * it, the rotation either waits for the end and then finds no session, or holds the end back until it has
     * committed, as if it had come first. End deletes the session before its tokens and rotations (its main query
     * reads {@code ended}), so the two take their locks in one order and cannot deadlock.
     */
    public Uni<Boolean> rotate(UUID rotated, NewToken next, byte[] sealedNext, OutboxMessage event) {
        List<Object> params = new ArrayList<>();
        params.add(rotated);
        params.add(next.id());
        params.add(Buffer.buffer(sealedNext));
        params.add(at(next.createdAt()));
        params.add(next.sessionId());
        String marked = "marked as (insert into " + rotations + " (token_id, successor_id, sealed_successor, rotated_at)"
                + " select $1::uuid, $2::uuid, $3::bytea, $4::timestamptz where exists (select 1 from " + sessions
                + " where id = $5::uuid for key share) on conflict (token_id) do nothing returning successor_id)";
        String successor = "successor as (insert into " + tokens + " " + TOKEN_COLUMNS + " select "
                + tokenValues(next, params) + " from marked returning id)";
        String announced = event == null ? "" : ", announced as (" + OutboxRow.insert(outbox, event, params, "successor") + ")";
        String sql = "with " + marked + ", " + successor + announced + " select count(*) from successor";
        return pool.preparedQuery(sql).execute(Tuple.from(params))
                .map(rows -> rows.iterator().next().getLong(0) == 1);
    }

    /** The chain of rotations from {@code rotated} to its session's live token, at most {@code steps} long, in order. */
    public Uni<List<Step>> chainFrom(UUID rotated, int steps) {
        return pool.preparedQuery(chain).execute(Tuple.of(rotated, steps)).map(rows -> {
            List<Step> chain = new ArrayList<>();
            for (Row row : rows) {
                chain.add(new Step(row.getBuffer(0).getBytes(), row.getUUID(1), row.getString(2),
                        row.getOffsetDateTime(3).toInstant(), row.getBoolean(4)));
            }
            return chain;
        });
    }

    /**
     * Ends a user's sessions in {@code scope} of {@code sessionId} with their tokens and rotations, and stores the
     * event: always when {@code alwaysAnnounce}, otherwise only when a session ended. Answers how many ended.
     */
    public Uni<Integer> end(UUID userId, Scope scope, UUID sessionId, OutboxMessage event, boolean alwaysAnnounce) {
        List<Object> params = new ArrayList<>();
        params.add(userId);
        if (scope != Scope.ALL) {
            params.add(sessionId);
        }
        String ended = "ended as (delete from " + sessions + " where user_id = $1" + scope.on("id") + " returning id)";
        String gone = "gone as (delete from " + tokens + " where user_id = $1" + scope.on("session_id") + " returning id)";
        String announced = event == null ? ""
                : ", announced as (" + OutboxRow.insert(outbox, event, params, alwaysAnnounce ? null : "ended") + ")";
        String sql = "with " + ended + ", " + gone + ", " + forgetRotationsOf("gone", false) + announced
                + " select count(*) from ended";
        return pool.preparedQuery(sql).execute(Tuple.from(params))
                .map(rows -> rows.iterator().next().getInteger(0));
    }

    /**
     * Deletes up to {@code limit} tokens issued before {@code cutoff}, oldest first, with their rotations, and ends
     * the sessions whose live token they were. Answers how many tokens.
     */
    public Uni<Integer> deleteIssuedBefore(Instant cutoff, int limit) {
        return count(expiredSweep, cutoff, limit);
    }

    /** Deletes up to {@code limit} tokens rotated out before {@code cutoff} with their rotations; answers how many. */
    public Uni<Integer> deleteRotatedBefore(Instant cutoff, int limit) {
        return count(rotatedSweep, cutoff, limit);
    }

    /** Ends up to {@code limit} sessions started before {@code cutoff}, with their tokens; answers how many. */
    public Uni<Integer> deleteStartedBefore(Instant cutoff, int limit) {
        return count(timeboxSweep, cutoff, limit);
    }

    /**
     * A sweep's batch, {@code doomed}: the oldest rows by {@code time} before {@code $1}, at most {@code $2}, skipping
     * rows another replica's sweep has locked rather than waiting for them.
     */
    private static String oldestFirst(String columns, String table, String time) {
        return "doomed as (select " + columns + " from " + table + " where " + time + " < $1 order by " + time
                + " limit $2 for update skip locked)";
    }

    /** Deletes the rotations of the tokens a CTE named {@code tokensCte} lists by {@code id}. */
    private String forgetRotationsOf(String tokensCte, boolean skipLocked) {
        return "forgotten as (delete from " + rotations + " where token_id in (" + (skipLocked
                ? "select r.token_id from " + rotations + " r join " + tokensCte + " c on r.token_id = c.id"
                        + " for update of r skip locked"
                : "select id from " + tokensCte) + "))";
    }

    private Uni<Integer> count(String sql, Instant cutoff, int limit) {
        return pool.preparedQuery(sql).execute(Tuple.of(at(cutoff), limit))
                .map(rows -> rows.iterator().next().getInteger(0));
    }

    private static String tokenValues(NewToken token, List<Object> params) {
        int first = params.size() + 1;
        params.add(token.id());
        params.add(token.hash());
        params.add(token.userId());
        params.add(token.sessionId());
        params.add(token.parentId());
        params.add(at(token.createdAt()));
        return "$" + first + "::uuid, $" + (first + 1) + "::text, $" + (first + 2) + "::uuid, $" + (first + 3)
                + "::uuid, $" + (first + 4) + "::uuid, $" + (first + 5) + "::timestamptz";
    }
}
