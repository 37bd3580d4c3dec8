package dev.tessera.auth;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;

import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.testing.OutboxMigrationContract;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** auth-service's outbox comes from platform's shared migration, and its existing databases still migrate. */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class OutboxMigrationTest extends OutboxMigrationContract {

    @Inject
    Flyway flyway;

    /** V1__sessions.sql as released: what every existing database recorded. */
    @Override
    protected int appliedV1Checksum() {
        return -699077261;
    }

    @Override
    protected Flyway serviceFlyway() {
        return flyway;
    }
}
