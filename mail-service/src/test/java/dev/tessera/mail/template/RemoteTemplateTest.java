package dev.tessera.mail.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tessera.mail.Inbox;
import dev.tessera.mail.Inbox.ReceivedMail;
import dev.tessera.mail.InjectTemplateSite;
import dev.tessera.mail.MailTestResource;
import dev.tessera.mail.MailTopic;
import dev.tessera.mail.TemplateSite;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A template named by URL (the test configuration points the password-changed notice at a {@link TemplateSite}):
 * fetched, refreshed after the cache time (1s here) so an edit on the site reaches later mails, and kept when the
 * site breaks.
 */
@QuarkusTest
class RemoteTemplateTest {

    @InjectTestStack
    TestStack stack;

    @InjectTemplateSite
    TemplateSite site;

    @AfterEach
    void restore() {
        site.serve(MailTestResource.SITE_TEMPLATE);
    }

    @Test
    void theFetchedTemplateIsUsedAndAnEditOnTheSiteReachesLaterMails() throws Exception {
        Sent first = deliverNotice("fetched");
        assertTrue(first.html().contains("v1: the password of " + first.to() + " changed"), first.html());

        site.serve("<p>v2 for {{ .Email }}</p>");
        Sent later = deliverUntil("edited", mail -> mail.html().contains("v2 for "));
        assertTrue(later.html().contains("v2 for " + later.to()), later.html());

        site.fail(500);
        int asked = site.requests();
        // The mail that finds its cached copy stale waits for the refresh, so it is rendered after the failure.
        Sent broken = deliverUntil("broken-site", mail -> site.requests() > asked);
        assertTrue(broken.html().contains("v2 for " + broken.to()), "the last good copy is kept: " + broken.html());
    }

    @Test
    void locationsAreReadAsGoTrueReadsThemUnlessTheyAreAbsoluteUrlsOrFiles() throws Exception {
        String site = "https://example.test/app/";
        assertEquals("https://example.test/app/templates/confirm.html",
                MailTemplates.remoteLocation("/templates/confirm.html", site).orElseThrow().toString());
        assertEquals("https://example.test/app/confirm.html",
                MailTemplates.remoteLocation("confirm.html", site).orElseThrow().toString());
        assertEquals("https://cdn.example.test/t.html",
                MailTemplates.remoteLocation("https://cdn.example.test/t.html", site).orElseThrow().toString());
        java.nio.file.Path file = java.nio.file.Files.createTempFile("template", ".html");
        try {
            assertTrue(MailTemplates.remoteLocation(file.toString(), site).isEmpty(), "an existing file is read");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    private record Sent(String to, ReceivedMail mail) {
        String html() {
            return mail.html();
        }
    }

    private Sent deliverNotice(String name) {
        String to = MailTopic.address(name);
        MailRequest request = new MailRequest(UUID.randomUUID(), MailKind.PASSWORD_CHANGED_NOTIFICATION,
                UUID.randomUUID(), to, to, null, null, null, Instant.now());
        try (MailTopic topic = new MailTopic(stack)) {
            topic.publish(request);
        }
        return new Sent(to, new Inbox(stack.greenMail()).awaitOne(to));
    }

    /**
     * Sends notices until one satisfies {@code done}: once the cache time (1s here) has passed, the next mail makes
     * the service fetch the template again.
     */
    private Sent deliverUntil(String name, java.util.function.Predicate<Sent> done) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            Sent mail = deliverNotice(name);
            if (done.test(mail) || Instant.now().isAfter(deadline)) {
                return mail;
            }
        }
    }
}
