package dev.tessera.user.model;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.db.SchemaTable;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads one user with the plain reactive client, for the lookups behind every grant and every token check: by
 * address for the password grant (inside the lockout's reservation, {@code PasswordAttempts}), by id for each
 * refresh and each {@code GET /user}. Through Hibernate each lookup opened a session and turned the query into SQL
 * again; at login rates the JIT then needs many minutes of traffic to compile that path (decision
 * {@code docs/decisions/2026-11-30-hot-paths-on-the-sql-client.md}). The users it answers are detached: reading is
 * all they are for, and a flow that changes a user loads it again in its own transaction.
 */
@ApplicationScoped
public class UserReader {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** Every column {@link User} maps, in the order {@link #user} reads them, the JSON columns as text. */
    private static final String COLUMNS = "id, instance_id, aud, role, email, encrypted_password, confirmed_at,"
            + " invited_at, confirmation_token_hash, confirmation_sent_at, recovery_token_hash, recovery_sent_at,"
            + " email_change_token_hash, email_change_token_current_hash, email_change, email_change_sent_at,"
            + " last_sign_in_at, app_metadata::text, user_metadata::text, is_super_admin, created_at, updated_at,"
            + " session_epoch, kept_session_id, banned_until, ended_sessions::text, signed_up";
    /** The same columns as they are, for a native query that Hibernate maps to the entity by name. */
    static final String ENTITY_COLUMNS = COLUMNS.replace("::text", "");

    private final Pool pool;
    private final ObjectMapper mapper;
    private final String table;
    private final String byEmail;
    private final String byId;

    public UserReader(Pool pool, ObjectMapper mapper,
            @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.pool = pool;
        this.mapper = mapper;
        this.table = SchemaTable.of(schema, "users");
        this.byEmail = byEmailQuery(1);
        this.byId = "select " + COLUMNS + " from " + table + " where id = $1";
    }

    /** The user with this address in the audience, or null. */
    public Uni<User> byEmail(String aud, String email) {
        return pool.preparedQuery(byEmail).execute(byEmailParameters(Tuple.tuple(), aud, email)).map(this::first);
    }

    /**
     * The query {@link #byEmail} runs, its parameters numbered from {@code first}, for a statement that reads the
     * user beside other work (the password check's lockout reservation): its columns are the ones {@link #user}
     * reads, in that order, so {@code select u.*} of it can be read with {@link #userAt}.
     */
    public String byEmailQuery(int first) {
        // The address is matched as the unique index users_email_per_audience is built.
        return "select " + COLUMNS + " from " + table + " where instance_id = $" + first + " and aud = $" + (first + 1)
                + " and lower(email) = lower($" + (first + 2) + ")";
    }

    /** Adds the parameters of {@link #byEmailQuery} to {@code tuple}. */
    public Tuple byEmailParameters(Tuple tuple, String aud, String email) {
        return tuple.addUUID(User.SINGLE_INSTANCE).addString(aud).addString(email);
    }

    /** The user whose columns a row of {@link #byEmailQuery} begins with, or null where they are null (no user). */
    public User userAt(Row row) {
        return row.getUUID(0) == null ? null : user(row);
    }

    /** The user with this id, or null. */
    public Uni<User> byId(UUID id) {
        return pool.preparedQuery(byId).execute(Tuple.of(id)).map(this::first);
    }

    private User first(RowSet<Row> rows) {
        var found = rows.iterator();
        return found.hasNext() ? user(found.next()) : null;
    }

    private User user(Row row) {
        User user = new User();
        user.id = row.getUUID(0);
        user.instanceId = row.getUUID(1);
        user.aud = row.getString(2);
        user.role = row.getString(3);
        user.email = row.getString(4);
        user.encryptedPassword = row.getString(5);
        user.confirmedAt = instant(row, 6);
        user.invitedAt = instant(row, 7);
        user.confirmationTokenHash = row.getString(8);
        user.confirmationSentAt = instant(row, 9);
        user.recoveryTokenHash = row.getString(10);
        user.recoverySentAt = instant(row, 11);
        user.emailChangeTokenHash = row.getString(12);
        user.emailChangeTokenCurrentHash = row.getString(13);
        user.emailChange = row.getString(14);
        user.emailChangeSentAt = instant(row, 15);
        user.lastSignInAt = instant(row, 16);
        user.appMetadata = json(row.getString(17));
        user.userMetadata = json(row.getString(18));
        user.superAdmin = row.getBoolean(19);
        user.createdAt = instant(row, 20);
        user.updatedAt = instant(row, 21);
        user.sessionEpoch = row.getLong(22);
        user.keptSessionId = row.getUUID(23);
        user.bannedUntil = instant(row, 24);
        user.endedSessions = json(row.getString(25));
        user.signedUp = row.getBoolean(26);
        return user;
    }

    private static Instant instant(Row row, int column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private Map<String, Object> json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return mapper.readValue(text, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored metadata column is not a JSON object", e);
        }
    }
}
