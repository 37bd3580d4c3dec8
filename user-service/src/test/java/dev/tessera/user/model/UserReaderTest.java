package dev.tessera.user.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.persistence.Column;
import jakarta.persistence.Id;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.model.User;
import dev.tessera.user.model.UserReader;
import dev.tessera.user.model.UserRepository;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.vertx.VertxContext;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The grants read users with the plain reactive client, the flows through Hibernate: both must see the same user,
 * column for column, or a token could carry something the admin API does not show.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class UserReaderTest {

    @InjectTestStack
    TestStack stack;

    @Inject
    UserReader reader;

    @Inject
    UserRepository repository;

    @Inject
    Vertx vertx;

    @Test
    void theReaderSeesEveryMappedColumnAsHibernateDoes() throws Exception {
        UUID id = UUID.randomUUID();
        String email = "Every.Column-" + id + "@Example.com";
        // Every column set, timestamps with microseconds, metadata with nesting, numbers, arrays and a JSON null.
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("insert into users.users (id,"
                + " instance_id, aud, role, email, encrypted_password, confirmed_at, invited_at,"
                + " confirmation_token_hash, confirmation_sent_at, recovery_token_hash, recovery_sent_at,"
                + " email_change_token_hash, email_change_token_current_hash, email_change, email_change_sent_at,"
                + " last_sign_in_at, app_metadata, user_metadata, is_super_admin, created_at, updated_at, session_epoch,"
                + " kept_session_id, banned_until, ended_sessions, signed_up) values (?,"
                + " '00000000-0000-0000-0000-000000000000', 'reader-aud', 'editor', ?, '$2a$10$notarealhash',"
                + " now() - interval '1.000123 s', now() - interval '2 s', ?, now() - interval '3 s', ?,"
                + " now() - interval '4 s', ?, ?, 'next-' || ?, now() - interval '5 s', now() - interval '6 s',"
                + " '{\"provider\":\"email\",\"roles\":[\"a\",\"b\"],\"n\":7}'::jsonb,"
                + " '{\"full_name\":\"Ev Ery\",\"nested\":{\"x\":1.5,\"none\":null},\"big\":12345678901}'::jsonb,"
                + " true, now() - interval '7 s', now(), 5000000000, ?, now() + interval '8.000456 s',"
                + " '{\"6f1c1ad2-5d0c-4a43-9f3e-0b7e6c0d7a11\": 3}'::jsonb, true)")) {
            s.setObject(1, id);
            s.setString(2, email);
            s.setString(3, "confirm-" + id);
            s.setString(4, "recover-" + id);
            s.setString(5, "change-" + id);
            s.setString(6, "change-current-" + id);
            s.setString(7, email);
            s.setObject(8, UUID.randomUUID());
            assertEquals(1, s.executeUpdate());
        }

        User read = reader.byId(id).await().atMost(Duration.ofSeconds(10));
        User mapped = throughHibernate(id);
        assertNotNull(read);
        int columns = 0;
        for (Field field : User.class.getDeclaredFields()) {
            if (field.isAnnotationPresent(Column.class) || field.isAnnotationPresent(Id.class)) {
                columns++;
                field.setAccessible(true); // bytecode enhancement may narrow the fields' access
                assertNotNull(field.get(mapped), field.getName() + " is set in this row");
                assertEquals(field.get(mapped), field.get(read), field.getName());
            }
        }
        assertTrue(columns >= 27, "every mapped column was compared");

        User byAddress = reader.byEmail("reader-aud", email.toUpperCase()).await().atMost(Duration.ofSeconds(10));
        assertEquals(id, byAddress.id, "addresses match case-insensitively");
        assertNull(reader.byEmail("", email).await().atMost(Duration.ofSeconds(10)), "only within the audience");
        assertNull(reader.byId(UUID.randomUUID()).await().atMost(Duration.ofSeconds(10)));
    }

    /** Hibernate Reactive needs a Vert.x context, marked safe as Quarkus marks a request's; the test thread has none. */
    private User throughHibernate(UUID id) throws Exception {
        CompletableFuture<User> found = new CompletableFuture<>();
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> {
            try {
                Panache.withSession(() -> repository.findById(id)).subscribe()
                        .with(found::complete, found::completeExceptionally);
            } catch (RuntimeException e) {
                found.completeExceptionally(e);
            }
        });
        return found.get(10, TimeUnit.SECONDS);
    }
}
