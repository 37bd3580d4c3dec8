package dev.tessera.platform.db;

import java.util.Optional;

/** A table's name as plain SQL must write it: Hibernate applies the service's default schema, plain SQL does not. */
public final class SchemaTable {

    /** The property that holds a service's schema; inject it as {@code Optional<String>}. */
    public static final String SCHEMA_PROPERTY = "quarkus.hibernate-orm.database.default-schema";

    private SchemaTable() {
    }

    public static String of(Optional<String> schema, String table) {
        return schema.map(s -> s + "." + table).orElse(table);
    }
}
