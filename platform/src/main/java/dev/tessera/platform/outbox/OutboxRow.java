package dev.tessera.platform.outbox;

import java.util.List;
import java.util.Optional;

import dev.tessera.platform.db.SchemaTable;
import dev.tessera.platform.db.Timestamps;

/**
 * The outbox insert in plain SQL, for a service that writes a state change and its event in one statement on the
 * reactive client rather than through Hibernate (see {@code docs/decisions/2026-11-30-hot-paths-on-the-sql-client.md}).
 */
public final class OutboxRow {

    private static final String COLUMNS = "(id, topic, msg_key, payload, content_type, created_at, traceparent)";
    /** Cast, since a parameter in a SELECT list has no type for PostgreSQL to infer. */
    private static final String[] TYPES = {"uuid", "text", "text", "text", "text", "timestamptz", "text"};

    private OutboxRow() {
    }

    /** The outbox table as plain SQL must name it: with Hibernate's default schema, which only Hibernate applies. */
    public static String table(Optional<String> schema) {
        return SchemaTable.of(schema, "outbox");
    }

    /**
     * {@code insert into <table> (...) select $n.. from <source>}: the row is written once per row of
     * {@code source} (a CTE name, so it is written only when the change it announces happened), or once when
     * {@code source} is null. The message's values are appended to {@code params}.
     */
    public static String insert(String table, OutboxMessage message, List<Object> params, String source) {
        int first = params.size() + 1;
        params.add(message.id);
        params.add(message.topic);
        params.add(message.key);
        params.add(message.payload);
        params.add(message.contentType);
        params.add(Timestamps.at(message.createdAt));
        params.add(message.traceparent);
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < TYPES.length; i++) {
            values.append(i == 0 ? "" : ", ").append('$').append(first + i).append("::").append(TYPES[i]);
        }
        return "insert into " + table + " " + COLUMNS + " select " + values + (source == null ? "" : " from " + source);
    }
}
