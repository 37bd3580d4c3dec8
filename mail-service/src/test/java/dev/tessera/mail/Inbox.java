package dev.tessera.mail;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;

/** Reads what GreenMail received, one recipient at a time; tests share the server, never the addresses. */
public final class Inbox {

    private final GreenMail greenMail;

    public Inbox(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    /** A received mail with its parts decoded. */
    public record ReceivedMail(String subject, String from, String messageId, String html, String text) {
    }

    public List<ReceivedMail> to(String recipient) {
        List<ReceivedMail> mails = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            try {
                Address[] to = message.getRecipients(Message.RecipientType.TO);
                if (to != null && Arrays.stream(to).anyMatch(a -> a.toString().equalsIgnoreCase(recipient))) {
                    mails.add(read(message));
                }
            } catch (MessagingException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return mails;
    }

    /** Waits until {@code recipient} has {@code count} mails, then returns them. */
    public List<ReceivedMail> await(String recipient, int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<ReceivedMail> mails = to(recipient);
            if (mails.size() >= count) {
                return mails;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + count + " mail(s) to "
                        + recipient + "; got " + mails.size());
            }
            greenMail.waitForIncomingEmail(200, greenMail.getReceivedMessages().length + 1);
        }
    }

    public ReceivedMail awaitOne(String recipient) {
        return await(recipient, 1, Duration.ofSeconds(30)).get(0);
    }

    private static ReceivedMail read(MimeMessage message) throws MessagingException, IOException {
        String[] html = new String[1];
        String[] text = new String[1];
        collect(message, html, text);
        return new ReceivedMail(message.getSubject(), message.getFrom()[0].toString(), message.getMessageID(), html[0],
                text[0]);
    }

    private static void collect(Part part, String[] html, String[] text) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, html, text);
            }
        } else if (part.isMimeType("text/html")) {
            html[0] = (String) part.getContent();
        } else if (part.isMimeType("text/plain")) {
            text[0] = (String) part.getContent();
        }
    }
}
