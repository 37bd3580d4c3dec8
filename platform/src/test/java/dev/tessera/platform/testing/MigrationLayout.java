package dev.tessera.platform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.flywaydb.core.Flyway;

/**
 * A service's Flyway migrations as its {@code application.properties} lays them out (schema and locations), run with
 * Flyway's own API on test databases: what an upgrade does to a database an earlier layout migrated.
 */
public final class MigrationLayout {

    /** platform's location of the outbox table, shared by every service that publishes. */
    public static final String OUTBOX = "db/outbox";

    private final String schema;
    private final List<String> locations;

    private MigrationLayout(String schema, List<String> locations) {
        this.schema = schema;
        this.locations = List.copyOf(locations);
    }

    /** The layout of the service under test, read from its {@code application.properties}. */
    public static MigrationLayout ofService() {
        Properties properties = new Properties();
        try (InputStream in = MigrationLayout.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IllegalStateException("no application.properties on the test classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String schema = properties.getProperty("quarkus.flyway.schemas");
        // Quarkus' default when a service names no locations.
        String locations = properties.getProperty("quarkus.flyway.locations", "db/migration");
        return new MigrationLayout(schema, Arrays.stream(locations.split(",")).map(String::trim).toList());
    }

    public String schema() {
        return schema;
    }

    public List<String> locations() {
        return locations;
    }

    /** The same schema with other locations. */
    public MigrationLayout withLocations(String... others) {
        return new MigrationLayout(schema, List.of(others));
    }

    /** The same schema and locations without {@code location}. */
    public MigrationLayout without(String location) {
        return new MigrationLayout(schema, locations.stream().filter(l -> !l.equals(location)).toList());
    }

    /** Flyway for {@code db}, configured as Quarkus configures it for the service (validation on migrate). */
    public Flyway flyway(TestDatabase db) {
        return Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).schemas(schema)
                .locations(locations.toArray(String[]::new)).load();
    }

    /**
     * The definition of {@code table} in this layout's schema, one line per column (type, nullability, default),
     * constraint, index and trigger (its schema left out), as PostgreSQL itself renders them: two tables with the same lines are the same table.
     */
    public List<String> table(TestDatabase db, String table) throws SQLException {
        String sql = """
                select 'column ' || lpad(a.attnum::text, 3, '0') || ' ' || a.attname || ' '
                       || format_type(a.atttypid, a.atttypmod) || case when a.attnotnull then ' not null' else '' end
                       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                  from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                 where a.attrelid = cast(? as regclass) and a.attnum > 0 and not a.attisdropped
                union all
                select 'constraint ' || conname || ' ' || pg_get_constraintdef(oid)
                  from pg_constraint where conrelid = cast(? as regclass)
                union all
                select 'index ' || pg_get_indexdef(indexrelid) from pg_index where indrelid = cast(? as regclass)
                union all
                select 'trigger ' || replace(pg_get_triggerdef(oid), ? || '.', '')
                  from pg_trigger where tgrelid = cast(? as regclass) and not tgisinternal
                order by 1
                """;
        List<String> lines = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            String name = schema + "." + table;
            s.setString(1, name);
            s.setString(2, name);
            s.setString(3, name);
            s.setString(4, schema);
            s.setString(5, name);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    lines.add(rows.getString(1));
                }
            }
        }
        return lines;
    }
}
