package dev.tessera.mail.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tessera.mail.Ledger;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

@QuarkusTest
class LedgerRetentionTest {

    @InjectTestStack
    TestStack stack;

    @Inject
    LedgerRetention retention;

    @Test
    void rowsOlderThanTheRetentionAreForgottenAndNewerOnesKept() throws Throwable {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        insert(old, Instant.now().minus(Duration.ofDays(31)));
        insert(recent, Instant.now().minus(Duration.ofDays(29)));

        long removed = VertxContextSupport.subscribeAndAwait(() -> retention.prune(Instant.now()));

        assertTrue(removed >= 1);
        Ledger ledger = new Ledger(stack);
        assertEquals(0, ledger.count(old));
        assertEquals(1, ledger.count(recent));
    }

    private void insert(UUID id, Instant at) throws Exception {
        try (Connection c = stack.jdbc();
                PreparedStatement s = c.prepareStatement("insert into mail.sent_mail (request_id, kind, recipient, status,"
                        + " attempts, created_at, updated_at) values (?, 'CONFIRMATION', 'a@example.com', 'SENT', 1, ?, ?)")) {
            s.setObject(1, id);
            s.setTimestamp(2, Timestamp.from(at));
            s.setTimestamp(3, Timestamp.from(at));
            s.executeUpdate();
        }
    }
}
