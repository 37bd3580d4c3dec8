package dev.tessera.suite.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.suite.process.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/** The inbox a person reads in a local run, fed by real SMTP deliveries. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboxServerTest {

    private Vertx vertx;
    private MailInbox inbox;
    private InboxServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        vertx = Vertx.vertx();
        inbox = MailInbox.start("127.0.0.1", 0);
        server = InboxServer.start(vertx, inbox, "localhost", 0);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (inbox != null) {
            inbox.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void empty() throws Exception {
        assertEquals(204, send("DELETE", "/api/messages").statusCode());
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonArray messages(String query) throws Exception {
        HttpResponse<String> response = send("GET", "/api/messages" + query);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        return new JsonArray(response.body());
    }

    private JsonArray awaitMessages(String query, int count) throws Exception {
        JsonArray[] seen = new JsonArray[1];
        Poll.until("expected " + count + " mails", Duration.ofSeconds(20)).every(Duration.ofMillis(100))
                .check(() -> (seen[0] = messages(query)).size() == count);
        return seen[0];
    }

    private void mail(String to, String subject, String html, String text) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(inbox.smtpPort()));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("noreply@localhost"));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        message.setSubject(subject);
        if (text == null) {
            message.setContent(html, "text/html; charset=utf-8");
        } else {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text, "utf-8");
            MimeBodyPart rich = new MimeBodyPart();
            rich.setContent(html, "text/html; charset=utf-8");
            alternative.addBodyPart(plain);
            alternative.addBodyPart(rich);
            message.setContent(alternative);
        }
        Transport.send(message);
    }

    @Test
    void listsMailsAsJsonWithTheirLinks() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        mail("alice@example.com", "Confirm Your Signup", "<h2>Confirm your signup</h2><p>Follow this link:</p>"
                + "<p><a href=\"http://localhost:8081/#confirmation_token=AbC-123_x\">Confirm your mail</a></p>",
                null);

        JsonArray all = awaitMessages("", 1);
        JsonObject mail = all.getJsonObject(0);
        assertEquals("Confirm Your Signup", mail.getString("subject"));
        assertEquals(List.of("alice@example.com"), mail.getJsonArray("to").getList());
        assertEquals("noreply@localhost", mail.getString("from"));
        assertFalse(Instant.parse(mail.getString("receivedAt")).isBefore(before));
        assertTrue(mail.getString("html").contains("<h2>Confirm your signup</h2>"));
        assertEquals(List.of("http://localhost:8081/#confirmation_token=AbC-123_x"),
                mail.getJsonArray("links").getList());
        assertNotNull(mail.getString("id"));
    }

    @Test
    void filtersByRecipientAndReadsMultipartMails() throws Exception {
        mail("bob@example.com", "Reset Your Password", "<a href=\"http://localhost:8081/#recovery_token=R1\">Reset</a>",
                "Reset: http://localhost:8081/#recovery_token=R1. Or sign in at http://localhost:8081.");
        mail("carol@example.com", "You have been invited", "<p>Hi</p>", null);
        awaitMessages("", 2);

        JsonArray bobs = messages("?to=" + URLEncoder.encode("BOB@example.com", StandardCharsets.UTF_8));
        assertEquals(1, bobs.size());
        JsonObject bob = bobs.getJsonObject(0);
        assertEquals("Reset Your Password", bob.getString("subject"));
        assertEquals("Reset: http://localhost:8081/#recovery_token=R1. Or sign in at http://localhost:8081.",
                bob.getString("text").trim());
        assertEquals(List.of("http://localhost:8081/#recovery_token=R1", "http://localhost:8081"),
                bob.getJsonArray("links").getList(), "a sentence's full stop is not part of its link");
        assertEquals(0, messages("?to=nobody@example.com").size());
    }

    @Test
    void aMailDeliveredTwiceIsShownTwiceAndAMailToTwoRecipientsOnce() throws Exception {
        // A sender that crashed after the server accepted a mail resends it with the same Message-ID; the
        // recipient has two mails then, and the inbox must not hide the second.
        String messageId = "<resent-" + System.nanoTime() + "@localhost>";
        for (int i = 0; i < 2; i++) {
            deliver(withMessageId(messageId), "frank@example.com", "Confirm Your Signup");
        }
        deliver(withMessageId("<both-" + System.nanoTime() + "@localhost>"), "gina@example.com, hal@example.com",
                "You have been invited");
        awaitMessages("", 3);

        JsonArray franks = messages("?to=frank@example.com");
        assertEquals(2, franks.size(), franks.encode());
        assertEquals(List.of(messageId, messageId), franks.stream().map(m -> ((JsonObject) m).getString("id"))
                .toList());
        assertEquals(1, messages("?to=gina@example.com").size());
        assertEquals(1, messages("?to=hal@example.com").size());
    }

    private MimeMessage withMessageId(String messageId) {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(inbox.smtpPort()));
        return new MimeMessage(Session.getInstance(props)) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
    }

    private static void deliver(MimeMessage message, String to, String subject) throws Exception {
        message.setFrom(new InternetAddress("noreply@localhost"));
        message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
        message.setSubject(subject);
        message.setContent("<p>" + subject + "</p>", "text/html; charset=utf-8");
        Transport.send(message);
    }

    @Test
    void deleteEmptiesTheInbox() throws Exception {
        mail("dave@example.com", "One", "<p>1</p>", null);
        awaitMessages("", 1);
        assertEquals(204, send("DELETE", "/api/messages").statusCode());
        assertEquals(0, messages("").size());
    }

    @Test
    void thePageShowsMailsWithClickableLinks() throws Exception {
        mail("erin@example.com", "Confirm <Your> Signup", "<p>Go to <a href=\"http://localhost:8081/#confirmation_token"
                + "=T0k&amp;x=1\">this page</a></p><script>alert(1)</script>", null);
        awaitMessages("", 1);
        HttpResponse<String> page = send("GET", "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        String html = page.body();
        assertTrue(html.contains("Confirm &lt;Your&gt; Signup"), html);
        assertTrue(html.contains("erin@example.com"), html);
        assertTrue(html.contains("<a href=\"http://localhost:8081/#confirmation_token=T0k&amp;x=1\" target=\"_blank\""),
                html);
        assertFalse(html.contains("<script>alert(1)</script>"), "mail HTML must never run in the page");
    }

    @Test
    void unknownPathsAndMethodsGetJsonErrors() throws Exception {
        HttpResponse<String> missing = send("GET", "/api/nothing");
        assertEquals(404, missing.statusCode());
        assertEquals(new JsonObject().put("code", 404).put("msg", "Not Found"), new JsonObject(missing.body()));
        assertEquals(405, send("POST", "/api/messages").statusCode());
    }
}
