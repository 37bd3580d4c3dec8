package dev.tessera.mail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tessera.mail.Inbox;
import dev.tessera.mail.InjectSmtpGate;
import dev.tessera.mail.MailTopic;
import dev.tessera.mail.SmtpGate;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Against a slow SMTP server, different users' mails are sent side by side, at most {@code tessera.mail.concurrency}
 * (4) at once, while one user's mails still arrive in the order they were asked for.
 */
@QuarkusTest
class SideBySideDeliveryTest {

    private static final int CONCURRENCY = 4;

    @InjectTestStack
    TestStack stack;

    @InjectSmtpGate
    SmtpGate smtp;

    @AfterEach
    void fastAgain() {
        smtp.delayGreetings(Duration.ZERO);
    }

    @Test
    void differentUsersSideBySideOneUserInOrder() throws MessagingException {
        Inbox inbox = new Inbox(stack.greenMail());
        // Cut the mailer's pooled connections, so every session counted below is opened during this test.
        smtp.refuse();
        smtp.open();
        smtp.delayGreetings(Duration.ofMillis(400));
        smtp.recount();

        UUID ada = UUID.randomUUID();
        List<String> adasAddresses = IntStream.rangeClosed(1, 3).mapToObj(i -> MailTopic.address("ada-" + i))
                .toList();
        List<String> others = IntStream.rangeClosed(1, 8).mapToObj(i -> MailTopic.address("other-" + i)).toList();
        try (MailTopic topic = new MailTopic(stack)) {
            for (String to : adasAddresses) {
                topic.publish(MailTopic.request(MailKind.RECOVERY, to, MailTopic.token(), ada));
            }
            for (String to : others) {
                topic.publish(MailTopic.request(MailKind.RECOVERY, to, MailTopic.token()));
            }
            adasAddresses.forEach(inbox::awaitOne);
            others.forEach(inbox::awaitOne);
        }

        int atOnce = smtp.mostAtOnce();
        assertTrue(atOnce >= 2 && atOnce <= CONCURRENCY, "SMTP sessions open at once: " + atOnce
                + "; expected several, at most " + CONCURRENCY);
        assertEquals(adasAddresses, arrivalOrder(adasAddresses), "one user's mails arrive in the order asked for");
    }

    private List<String> arrivalOrder(List<String> recipients) throws MessagingException {
        List<String> order = new ArrayList<>();
        for (MimeMessage message : stack.greenMail().getReceivedMessages()) {
            Address[] to = message.getRecipients(Message.RecipientType.TO);
            Arrays.stream(to).map(Address::toString).filter(recipients::contains).forEach(order::add);
        }
        return order;
    }
}
