package dev.tessera.user.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.db.SchemaTable;
import dev.tessera.platform.db.Timestamps;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The audit log table: append once per event id, read newest first with GoTrue's query scopes. */
@ApplicationScoped
public class AuditLog {

    /**
     * A search: {@code keys} are the payload keys matched, {@code text} the substring, or both null; {@code aud} the
     * one audience whose entries are listed, or null for every entry.
     */
    public record Query(List<String> keys, String text, String aud) {
    }

    /**
     * An entry to append, with what decides its audience: the audience of the user it is about, or when the event did
     * not say, that user's id, whose audience is then looked up as the entry is written.
     */
    public record Appended(AuditEntry entry, String aud, UUID userId) {
    }

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper mapper;
    private final Pool pool;
    private final String table;
    private final String insert;

    public AuditLog(ObjectMapper mapper, Pool pool,
            @ConfigProperty(name = SchemaTable.SCHEMA_PROPERTY) Optional<String> schema) {
        this.mapper = mapper;
        this.pool = pool;
        this.table = SchemaTable.of(schema, "audit_log_entries");
        this.insert = "insert into " + table + " (id, payload, created_at, aud)"
                + " select e.id, e.payload, e.created_at, coalesce(e.aud, u.aud)"
                + " from unnest($1::uuid[], $2::text[]::jsonb[], $3::timestamptz[], $4::text[], $5::uuid[])"
                + " as e(id, payload, created_at, aud, user_id)"
                + " left join " + SchemaTable.of(schema, "users") + " u on u.id = e.user_id"
                + " on conflict (id) do nothing";
    }

    /**
     * Appends entries in one statement (so all or none are written); an entry whose event id is already recorded is
     * left as it is. The entries travel as three arrays, so the statement's text is the same for every batch size
     * and the plain reactive client is used: the projection writes a batch several times a second under load.
     */
    public Uni<Void> append(List<Appended> entries) {
        UUID[] ids = new UUID[entries.size()];
        String[] payloads = new String[entries.size()];
        OffsetDateTime[] times = new OffsetDateTime[entries.size()];
        String[] auds = new String[entries.size()];
        UUID[] userIds = new UUID[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            AuditEntry entry = entries.get(i).entry();
            ids[i] = entry.id();
            payloads[i] = json(entry.payload());
            times[i] = Timestamps.at(entry.createdAt());
            auds[i] = entries.get(i).aud();
            userIds[i] = entries.get(i).userId();
        }
        return pool.preparedQuery(insert).execute(Tuple.of(ids, payloads, times, auds, userIds)).replaceWithVoid();
    }

    public Uni<List<AuditEntry>> page(Query query, int page, int perPage) {
        return Panache.getSession().chain(session -> bind(session.createNativeQuery(
                "select id, cast(payload as text), created_at from " + table + where(query)
                        + " order by created_at desc, id limit :limit offset :offset", Object[].class), query)
                .setParameter("limit", perPage)
                .setParameter("offset", (long) (page - 1) * perPage)
                .getResultList())
                .map(rows -> rows.stream().map(this::entry).toList());
    }

    public Uni<Long> count(Query query) {
        return Panache.getSession().chain(session -> bind(session.createNativeQuery(
                "select count(*) from " + table + where(query), Long.class), query).getSingleResult());
    }

    private static String where(Query query) {
        List<String> conditions = new ArrayList<>();
        if (query.text() != null) {
            conditions.add("(" + String.join(" or ", query.keys().stream()
                    .map(key -> "lower(payload->>'" + key + "') like :text").toList()) + ")");
        }
        if (query.aud() != null) {
            conditions.add("aud = :aud");
        }
        return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    }

    private static <T> Mutiny.SelectionQuery<T> bind(Mutiny.SelectionQuery<T> q, Query query) {
        if (query.text() != null) {
            String escaped = query.text().toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
            q.setParameter("text", "%" + escaped + "%");
        }
        if (query.aud() != null) {
            q.setParameter("aud", query.aud());
        }
        return q;
    }

    private AuditEntry entry(Object[] row) {
        try {
            Instant at = row[2] instanceof OffsetDateTime odt ? odt.toInstant()
                    : row[2] instanceof Instant i ? i : Instant.parse(row[2].toString());
            return new AuditEntry((UUID) row[0], mapper.readValue((String) row[1], MAP), at);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable audit payload", e);
        }
    }

    private String json(Map<String, Object> payload) {
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
