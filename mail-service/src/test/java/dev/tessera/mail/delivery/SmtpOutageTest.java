package dev.tessera.mail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tessera.mail.Inbox;
import dev.tessera.mail.InjectSmtpGate;
import dev.tessera.mail.Ledger;
import dev.tessera.mail.MailTopic;
import dev.tessera.mail.SmtpGate;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An SMTP server that is down (it hangs up on every connection, which the mail client only notices through the
 * attempt timeout): each attempt fails, the request is dead-lettered, and later mail flows again.
 */
@QuarkusTest
class SmtpOutageTest {

    @InjectTestStack
    TestStack stack;

    @InjectSmtpGate
    SmtpGate smtp;

    @AfterEach
    void reopen() {
        smtp.open();
    }

    @Test
    void everyAttemptIsMadeThenTheRequestIsDeadLetteredAndTheStreamRecovers() {
        Inbox inbox = new Inbox(stack.greenMail());
        Ledger ledger = new Ledger(stack);
        String to = MailTopic.address("unlucky");
        MailRequest request = MailTopic.request(MailKind.RECOVERY, to, MailTopic.token());

        smtp.refuse();
        try (MailTopic topic = new MailTopic(stack)) {
            topic.publish(request);

            String id = request.id().toString();
            List<ConsumerRecord<String, String>> dead = stack.awaitRecords(Topic.MAIL_DEAD_LETTER,
                    seen -> seen.stream().anyMatch(r -> r.value().contains(id)), Duration.ofSeconds(60));
            ConsumerRecord<String, String> record = dead.stream().filter(r -> r.value().contains(id)).findFirst()
                    .orElseThrow();
            assertEquals(request.userId().toString(), record.key());
            String reason = new String(record.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            assertTrue(reason.contains("after 4 attempts"), reason);

            Ledger.Row row = ledger.await(request.id(), "FAILED");
            assertEquals(4, row.attempts(), "tessera.mail.retry.attempts");
            assertEquals("<" + id + "@example.test>", row.messageId());
            assertTrue(inbox.to(to).isEmpty());

            // SMTP is back: the next request of the same user (same partition) goes out.
            smtp.open();
            String laterTo = MailTopic.address("lucky");
            MailRequest later = MailTopic.request(MailKind.RECOVERY, laterTo, MailTopic.token(), request.userId());
            topic.publish(later);
            inbox.awaitOne(laterTo);
            ledger.await(later.id(), "SENT");
        }
    }
}
