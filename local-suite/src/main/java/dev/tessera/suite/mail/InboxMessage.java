package dev.tessera.suite.mail;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * One received mail as the inbox shows it: addresses, subject, time, the text and HTML bodies, and every link in
 * them (a confirmation link is what a person or a test usually wants).
 */
public record InboxMessage(String id, String from, List<String> to, String subject, Instant receivedAt, String text,
        String html, List<String> links) {

    private static final Pattern HREF = Pattern.compile("href\\s*=\\s*[\"']([^\"']+)[\"']", Pattern.CASE_INSENSITIVE);
    private static final Pattern URL = Pattern.compile("https?://[^\\s\"'<>]+");

    public static InboxMessage of(String fallbackId, MimeMessage message, Instant receivedAt) {
        try {
            Bodies bodies = new Bodies();
            bodies.collect(message);
            String id = message.getMessageID() == null ? fallbackId : message.getMessageID();
            return new InboxMessage(id, addresses(message.getFrom()).stream().findFirst().orElse(null),
                    addresses(message.getRecipients(Message.RecipientType.TO)), message.getSubject(),
                    receivedAt != null ? receivedAt
                            : message.getSentDate() == null ? null : message.getSentDate().toInstant(),
                    bodies.text, bodies.html, links(bodies.text, bodies.html));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("unreadable mail: " + e.getMessage(), e);
        }
    }

    /** Whether the mail went to {@code address} (case-insensitive). */
    public boolean isTo(String address) {
        return to.stream().anyMatch(a -> a.equalsIgnoreCase(address.trim()));
    }

    /** The body a person reads: the text part, else the HTML part as text. */
    public String readableText() {
        return text != null ? text : html == null ? "" : HtmlText.toText(html);
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("id", id)
                .put("from", from)
                .put("to", new JsonArray(to))
                .put("subject", subject)
                .put("receivedAt", receivedAt == null ? null : receivedAt.toString())
                .put("text", text)
                .put("html", html)
                .put("links", new JsonArray(links));
    }

    private static List<String> addresses(Address[] addresses) {
        if (addresses == null) {
            return List.of();
        }
        return Arrays.stream(addresses)
                .map(a -> a instanceof InternetAddress internet ? internet.getAddress() : a.toString())
                .toList();
    }

    /** A URL at the end of a sentence ("… at https://site.example.") does not take the full stop with it. */
    private static String withoutTrailingPunctuation(String url) {
        int end = url.length();
        while (end > 0 && ".,;:!?)".indexOf(url.charAt(end - 1)) >= 0) {
            end--;
        }
        return url.substring(0, end);
    }

    static List<String> links(String text, String html) {
        Set<String> links = new LinkedHashSet<>();
        if (html != null) {
            Matcher href = HREF.matcher(html);
            while (href.find()) {
                links.add(HtmlText.unescape(href.group(1)));
            }
            Matcher bare = URL.matcher(HtmlText.toText(html));
            while (bare.find()) {
                links.add(withoutTrailingPunctuation(bare.group()));
            }
        }
        if (text != null) {
            Matcher bare = URL.matcher(text);
            while (bare.find()) {
                links.add(withoutTrailingPunctuation(bare.group()));
            }
        }
        return new ArrayList<>(links);
    }

    /** The first text/plain and first text/html part, wherever they sit in the MIME tree. */
    private static final class Bodies {
        String text;
        String html;

        void collect(Part part) throws MessagingException, IOException {
            String type = part.getContentType() == null ? "" : part.getContentType().toLowerCase(Locale.ROOT);
            if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
                return;
            }
            if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    collect(multipart.getBodyPart(i));
                }
            } else if (type.startsWith("text/html")) {
                html = html == null ? String.valueOf(part.getContent()) : html;
            } else if (type.startsWith("text/")) {
                text = text == null ? String.valueOf(part.getContent()) : text;
            }
        }
    }
}
