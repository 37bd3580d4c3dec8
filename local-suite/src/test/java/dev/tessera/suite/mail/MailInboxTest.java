package dev.tessera.suite.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * {@link MailInbox#takeNew}: each mail once, however often it is asked, a mail delivered twice twice, and what came
 * before a stop after it.
 */
class MailInboxTest {

    private MailInbox inbox;

    @BeforeEach
    void start() {
        inbox = MailInbox.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        inbox.close();
    }

    @Test
    void takeNewHandsOutEachReceivedMailOnce() throws Exception {
        send("ada@example.com", "one");
        send("grace@example.com", "two");
        List<InboxMessage> first = inbox.takeNew();
        assertEquals(List.of("one", "two"), first.stream().map(InboxMessage::subject).sorted().toList());
        assertEquals(List.of(), inbox.takeNew(), "nothing new since");

        MimeMessage again = send("ada@example.com", "three");
        // A sender that crashed after the server took the mail sends it again, with the same Message-ID.
        Transport.send(again);
        List<InboxMessage> next = inbox.takeNew();
        assertEquals(2, next.size(), "both copies, as the recipient got both");
        assertEquals(next.get(0).id(), next.get(1).id());
        assertEquals(List.of("ada@example.com"), next.get(0).to());
    }

    @Test
    void mailAcceptedBeforeTheStopIsStillHandedOutAfterIt() throws Exception {
        send("ada@example.com", "before the stop");
        inbox.close();
        // GreenMail's stop swaps in an empty store; the sender was told its mail was accepted, so it must not vanish.
        assertEquals(List.of("before the stop"), inbox.takeNew().stream().map(InboxMessage::subject).toList());
        assertEquals(List.of(), inbox.takeNew());
    }

    private MimeMessage send(String to, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(inbox.smtpPort()));
        MimeMessage message = new MimeMessage(Session.getInstance(props)) {
            @Override
            protected void updateMessageID() throws MessagingException {
                // A resend keeps the Message-ID of the first send.
                if (getMessageID() == null) {
                    super.updateMessageID();
                }
            }
        };
        message.setFrom(new InternetAddress("noreply@localhost"));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        message.setSubject(subject);
        message.setText("hello");
        Transport.send(message);
        return message;
    }
}
