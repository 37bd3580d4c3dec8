package dev.tessera.platform.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.Test;

/**
 * What a service that publishes keeps true of its migrations: its outbox table comes from platform's shared
 * location; a database migrated before that location existed validates and migrates with it to the same table; a
 * fresh database ends with the outbox table V1 created plus what the shared migration added since; and V1 stays what
 * every existing database applied. A service's test extends
 * this as a {@code @QuarkusTest} and names V1's checksum.
 */
public abstract class OutboxMigrationContract {

    /**
     * What platform's migration added to the table V1 created, as {@link MigrationLayout#table} renders it: the trace
     * context of the request that wrote a row, and the trigger that wakes the relays when rows commit.
     */
    private static final List<String> SHARED_ADDITIONS = List.of("column 008 traceparent text",
            "trigger CREATE TRIGGER outbox_committed AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION "
                    + "outbox_notify()");

    private final MigrationLayout layout = MigrationLayout.ofService();

    /**
     * V1's checksum as every existing database of the service recorded it in {@code flyway_schema_history}. Flyway
     * refuses to start a service whose applied migration no longer matches it, so V1 (with its copy of the outbox
     * table) is never edited.
     */
    protected abstract int appliedV1Checksum();

    /** The service's Flyway, as Quarkus configured it and migrated the test database at start. */
    protected abstract Flyway serviceFlyway();

    @Test
    void theServiceMigratedPlatformsOutbox() {
        assertTrue(layout.locations().contains(MigrationLayout.OUTBOX), "quarkus.flyway.locations: " + layout.locations());
        Optional<MigrationInfo> outbox = Arrays.stream(serviceFlyway().info().applied())
                .filter(m -> m.getVersion() == null && "outbox".equals(m.getDescription())).findFirst();
        assertTrue(outbox.isPresent(), "Quarkus found R__outbox.sql in platform's jar");
        assertEquals(MigrationState.SUCCESS, outbox.get().getState());
    }

    @Test
    void v1IsWhatExistingDatabasesApplied() {
        try (TestDatabase db = TestDatabase.create()) {
            MigrationInfo v1 = Arrays.stream(layout.flyway(db).info().all())
                    .filter(m -> m.getVersion() != null && "1".equals(m.getVersion().getVersion())).findFirst()
                    .orElseThrow();
            assertEquals(appliedV1Checksum(), v1.getChecksum(), v1.getScript() + " changed");
        }
    }

    @Test
    void aDatabaseMigratedBeforeTheSharedOutboxValidatesAndMigrates() throws Exception {
        try (TestDatabase upgraded = TestDatabase.create(); TestDatabase fresh = TestDatabase.create()) {
            layout.without(MigrationLayout.OUTBOX).flyway(upgraded).migrate();

            assertTrue(layout.flyway(upgraded).migrate().success);
            layout.flyway(upgraded).validate();
            layout.flyway(fresh).migrate();
            assertEquals(layout.table(fresh, "outbox"), layout.table(upgraded, "outbox"),
                    "an upgraded database ends with the table a fresh one gets");
        }
    }

    @Test
    void aFreshDatabaseEndsWithTheOutboxV1CreatedAndTheSharedAdditions() throws Exception {
        try (TestDatabase before = TestDatabase.create(); TestDatabase fresh = TestDatabase.create();
                TestDatabase sharedOnly = TestDatabase.create()) {
            layout.without(MigrationLayout.OUTBOX).flyway(before).migrate();
            layout.flyway(fresh).migrate();
            layout.withLocations(MigrationLayout.OUTBOX).flyway(sharedOnly).migrate();

            List<String> v1 = layout.table(before, "outbox");
            assertFalse(v1.isEmpty(), "V1 created the outbox");
            List<String> expected = new ArrayList<>(v1);
            expected.addAll(SHARED_ADDITIONS);
            assertEquals(sorted(expected), sorted(layout.table(fresh, "outbox")));
            assertEquals(sorted(expected), sorted(layout.table(sharedOnly, "outbox")),
                    "a service whose migrations have no outbox gets the same");
        }
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        Collections.sort(copy);
        return copy;
    }
}
