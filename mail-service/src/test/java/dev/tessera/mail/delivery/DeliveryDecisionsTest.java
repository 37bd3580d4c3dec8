package dev.tessera.mail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.inject.Vetoed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tessera.mail.MailTopic;
import dev.tessera.mail.ledger.SentMail;
import dev.tessera.mail.ledger.SentMailLedger;
import dev.tessera.mail.ledger.SentMailStatus;
import dev.tessera.mail.template.MailContent;
import dev.tessera.mail.template.MailRenderer;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.mail.TokenSeal;
import dev.tessera.platform.retry.Backoff;
import dev.tessera.platform.testing.TestVertx;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.mail.SMTPException;

/**
 * The branches of one delivery, without Quarkus: in-memory ledger, scripted mailer. The end-to-end tests prove the
 * same against the real broker, database and SMTP server; these cover what one boot of the service cannot, such as
 * running without an SMTP host.
 */
class DeliveryDecisionsTest {

    @RegisterExtension
    static final TestVertx VERTX = new TestVertx();

    final InMemoryLedger ledger = new InMemoryLedger();
    final ScriptedMailer mailer = new ScriptedMailer();
    final Backoff backoff = new Backoff(3, Duration.ofMillis(5), Duration.ofMillis(20));

    MailDelivery delivery(boolean smtpConfigured) {
        SmtpSender sender = new SmtpSender(mailer, smtpConfigured, "identity@example.test", backoff,
                Duration.ofMillis(200));
        return new MailDelivery(ledger, MailTopic.SEAL, new FixedRenderer(), sender,
                new DeliveryMetrics(new SimpleMeterRegistry()), backoff);
    }

    static void deliver(MailDelivery delivery, MailRequest request) {
        VERTX.await(context -> delivery.deliver(request, context));
    }

    static MailRequest request() {
        return MailTopic.request(MailKind.CONFIRMATION, MailTopic.address("unit"), MailTopic.token());
    }

    @Test
    void withoutAnSmtpHostNothingIsSentAndTheRequestIsRecordedAsSkipped() {
        MailRequest request = request();

        deliver(delivery(false), request);

        assertEquals(0, mailer.sent.size());
        assertEquals(SentMailStatus.SKIPPED, ledger.rows.get(request.id()).status);
        assertEquals(0, ledger.rows.get(request.id()).attempts);
    }

    @Test
    void aRequestTheLedgerKnowsAsSentIsLeftAlone() {
        MailRequest request = request();
        ledger.rows.put(request.id(), SentMail.sent(request, "<x@example.test>", 1, java.time.Instant.now()));

        deliver(delivery(true), request);

        assertEquals(0, mailer.sent.size());
    }

    @Test
    void transientFailuresAreRetriedUntilTheServerTakesTheMail() {
        MailRequest request = request();
        mailer.failures.add(new IllegalStateException("Connection refused"));
        mailer.failures.add(new SMTPException("421 try later", 421, List.of("try later"), false));

        deliver(delivery(true), request);

        assertEquals(3, mailer.sent.size());
        SentMail row = ledger.rows.get(request.id());
        assertEquals(SentMailStatus.SENT, row.status);
        assertEquals(3, row.attempts);
        assertEquals("<" + request.id() + "@example.test>", row.messageId);
        assertEquals(List.of(row.messageId), mailer.sent.get(2).getHeaders().get("Message-ID"));
        assertEquals("identity@example.test", mailer.sent.get(2).getFrom());
    }

    @Test
    void whenEveryAttemptFailsTheRequestFailsAndIsRecordedAsFailed() {
        MailRequest request = request();
        for (int i = 0; i < 3; i++) {
            mailer.failures.add(new IllegalStateException("Connection refused"));
        }

        RuntimeException failure = assertThrows(RuntimeException.class, () -> deliver(delivery(true), request));

        assertInstanceOf(SmtpDeliveryFailed.class, failure);
        assertEquals(3, ((SmtpDeliveryFailed) failure).attempts());
        SentMail row = ledger.rows.get(request.id());
        assertEquals(SentMailStatus.FAILED, row.status);
        assertEquals(3, row.attempts);
    }

    @Test
    void anAttemptTheServerNeverAnswersTimesOutAndIsRetried() {
        MailRequest request = request();
        mailer.hangs = 1;

        deliver(delivery(true), request);

        assertEquals(2, mailer.sent.size());
        assertEquals(2, ledger.rows.get(request.id()).attempts);
    }

    @Test
    void aPermanentRefusalIsNotRetried() {
        MailRequest request = request();
        mailer.failures.add(new SMTPException("550 no such user", 550, List.of("no such user"), false));

        SmtpDeliveryFailed failure = assertThrows(SmtpDeliveryFailed.class, () -> deliver(delivery(true), request));

        assertEquals(1, failure.attempts());
        assertEquals(1, mailer.sent.size());
        assertEquals(SentMailStatus.FAILED, ledger.rows.get(request.id()).status);
    }

    @Test
    void aSealThatDoesNotOpenIsUndeliverableAndNeverTried() {
        MailRequest sealedElsewhere = request();
        MailRequest request = new MailRequest(sealedElsewhere.id(), sealedElsewhere.kind(), sealedElsewhere.userId(),
                sealedElsewhere.to(), sealedElsewhere.email(), null,
                new TokenSeal("another-secret").seal("token", sealedElsewhere.sealBinding()), Map.of(),
                sealedElsewhere.requestedAt());

        assertThrows(UndeliverableRequest.class, () -> deliver(delivery(true), request));

        assertEquals(0, mailer.sent.size());
        SentMail row = ledger.rows.get(request.id());
        assertEquals(SentMailStatus.FAILED, row.status);
        assertEquals(0, row.attempts);
        assertNull(row.messageId);
    }

    @Test
    void aSealedTokenMovedToAnotherRecipientOrKindIsUndeliverable() {
        MailRequest original = MailTopic.request(MailKind.RECOVERY, MailTopic.address("owner"), MailTopic.token());
        MailRequest readdressed = new MailRequest(UUID.randomUUID(), original.kind(), original.userId(),
                MailTopic.address("thief"), original.email(), null, original.sealedToken(), Map.of(),
                original.requestedAt());
        MailRequest sameId = new MailRequest(original.id(), original.kind(), original.userId(),
                MailTopic.address("thief"), original.email(), null, original.sealedToken(), Map.of(),
                original.requestedAt());
        MailRequest otherKind = new MailRequest(original.id(), MailKind.INVITE, original.userId(), original.to(),
                original.email(), null, original.sealedToken(), Map.of(), original.requestedAt());

        for (MailRequest moved : List.of(readdressed, sameId, otherKind)) {
            assertThrows(UndeliverableRequest.class, () -> deliver(delivery(true), moved));
        }

        assertEquals(0, mailer.sent.size());
        deliver(delivery(true), original);
        assertEquals(List.of(original.to()), mailer.sent.get(0).getTo());
    }

    @Test
    void aRequestSealedToItsIdAloneByAnEarlierReleaseIsStillSent() {
        String token = MailTopic.token();
        MailRequest current = MailTopic.request(MailKind.CONFIRMATION, MailTopic.address("queued"), token);
        MailRequest queued = new MailRequest(current.id(), current.kind(), current.userId(), current.to(),
                current.email(), null, MailTopic.SEAL.seal(token, current.id().toString()), Map.of(),
                current.requestedAt());

        deliver(delivery(true), queued);

        assertEquals(1, mailer.sent.size());
        assertEquals(token, mailer.sent.get(0).getText());
        assertEquals(SentMailStatus.SENT, ledger.rows.get(queued.id()).status);
    }

    @Test
    void aFailedRequestThatIsReplayedIsSentAndTheAttemptsAddUp() {
        MailRequest request = request();
        ledger.rows.put(request.id(), SentMail.failed(request, "<x@example.test>", 3, "down", java.time.Instant.now()));

        deliver(delivery(true), request);

        assertEquals(1, mailer.sent.size());
        assertEquals(SentMailStatus.SENT, ledger.rows.get(request.id()).status);
    }

    @Test
    void aLedgerThatIsBrieflyUnreachableIsAskedAgain() {
        MailRequest request = request();
        ledger.lookupFailures = 2;

        deliver(delivery(true), request);

        assertEquals(1, mailer.sent.size());
    }

    @Test
    void aLedgerThatStaysUnreachableSendsNothingAndFailsTheRequest() {
        MailRequest request = request();
        ledger.lookupFailures = 3;

        assertThrows(IllegalStateException.class, () -> deliver(delivery(true), request));

        assertEquals(0, mailer.sent.size());
    }

    /** The ledger's contract, kept in a map. (Vetoed: the Quarkus tests must not see a second ledger bean.) */
    @Vetoed
    static class InMemoryLedger extends SentMailLedger {
        final Map<UUID, SentMail> rows = new ConcurrentHashMap<>();
        int lookupFailures;

        InMemoryLedger() {
            super(null, Optional.empty());
        }

        @Override
        public Uni<Boolean> isSettled(UUID requestId) {
            if (lookupFailures > 0) {
                lookupFailures--;
                return Uni.createFrom().failure(new IllegalStateException("database unreachable"));
            }
            SentMail row = rows.get(requestId);
            return Uni.createFrom().item(row != null && row.status.settled());
        }

        @Override
        public Uni<Void> record(SentMail outcome) {
            SentMail existing = rows.get(outcome.requestId);
            if (existing == null || !existing.status.settled()) {
                rows.put(outcome.requestId, outcome);
            }
            return Uni.createFrom().voidItem();
        }
    }

    /**
     * Never answers the first {@code hangs} sends (as the Vert.x mail client does when a server hangs up before its
     * greeting), then fails with the queued errors, then accepts every mail; remembers every mail it was handed.
     */
    static class ScriptedMailer implements ReactiveMailer {
        final Deque<Throwable> failures = new ArrayDeque<>();
        final List<Mail> sent = new ArrayList<>();
        int hangs;

        @Override
        public Uni<Void> send(Mail... mails) {
            sent.addAll(List.of(mails));
            if (hangs > 0) {
                hangs--;
                return Uni.createFrom().nothing();
            }
            Throwable failure = failures.poll();
            return failure == null ? Uni.createFrom().voidItem() : Uni.createFrom().failure(failure);
        }
    }

    @Vetoed
    static class FixedRenderer extends MailRenderer {
        FixedRenderer() {
            super(null, null, null);
        }

        @Override
        public Uni<MailContent> render(MailRequest request, String token) {
            return Uni.createFrom().item(new MailContent("Confirm Your Signup", "<p>" + token + "</p>", token));
        }
    }
}
