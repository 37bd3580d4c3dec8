package dev.tessera.user;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;

import dev.tessera.platform.testing.OutboxMigrationContract;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** user-service's outbox comes from platform's shared migration, and its existing databases still migrate. */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class OutboxMigrationTest extends OutboxMigrationContract {

    @Inject
    Flyway flyway;

    /** V1__users.sql as released: what every existing database recorded. */
    @Override
    protected int appliedV1Checksum() {
        return -1486065364;
    }

    @Override
    protected Flyway serviceFlyway() {
        return flyway;
    }
}
