package dev.tessera.mail.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tessera.mail.Ledger;
import dev.tessera.mail.MailTopic;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/** The ledger's rules as the database keeps them: what a redelivery may and may not change. */
@QuarkusTest
class SentMailLedgerTest {

    @InjectTestStack
    TestStack stack;

    @Inject
    SentMailLedger ledger;

    @Test
    void aFailedRowTakesALaterOutcomeAndAddsUpTheAttemptsButASettledRowStaysAsItIs() throws Throwable {
        MailRequest request = MailTopic.request(MailKind.RECOVERY, MailTopic.address("ledger"), MailTopic.token());
        assertFalse(settled(request), "an unknown request is not settled");

        record(SentMail.failed(request, "<m@example.test>", 3, "421 try later", Instant.now()));
        assertFalse(settled(request), "a failed request may be delivered again");

        record(SentMail.sent(request, "<m@example.test>", 2, Instant.now()));
        assertTrue(settled(request));
        Ledger.Row row = new Ledger(stack).find(request.id()).orElseThrow();
        assertEquals("SENT", row.status());
        assertEquals(5, row.attempts(), "attempts add up over deliveries");
        assertNull(row.lastError(), "a sent mail keeps no error");
        assertEquals("RECOVERY", row.kind());

        record(SentMail.failed(request, "<m@example.test>", 1, "late failure of another replica", Instant.now()));
        row = new Ledger(stack).find(request.id()).orElseThrow();
        assertEquals("SENT", row.status(), "a settled row is never overwritten");
        assertEquals(5, row.attempts());
    }

    private boolean settled(MailRequest request) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> ledger.isSettled(request.id()));
    }

    private void record(SentMail row) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> ledger.record(row));
    }
}
