package dev.tessera.mail.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tessera.mail.Inbox;
import dev.tessera.mail.Inbox.ReceivedMail;
import dev.tessera.mail.MailTestResource;
import dev.tessera.mail.MailTopic;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;

/** GOTRUE_MAILER_TEMPLATES_* as {@link MailTestResource} sets them: GoTrue syntax, Qute syntax, a missing file. */
@QuarkusTest
class TemplateOverridesTest {

    @InjectTestStack
    TestStack stack;

    private ReceivedMail deliver(MailRequest request) {
        try (MailTopic topic = new MailTopic(stack)) {
            topic.publish(request);
        }
        return new Inbox(stack.greenMail()).awaitOne(request.to());
    }

    @Test
    void aGoTrueTemplateIsRenderedWithEscapedValuesAndItsCssIntact() {
        String token = MailTopic.token();
        MailRequest request = MailTopic.request(MailKind.CONFIRMATION, MailTopic.address("custom"), token);
        request = new MailRequest(request.id(), request.kind(), request.userId(), request.to(), request.email(), null,
                request.sealedToken(), Map.of("full_name", "<Ada & Co>"), request.requestedAt());

        ReceivedMail mail = deliver(request);

        assertEquals("Confirm Your Signup", mail.subject());
        String link = "https://example.test/#confirmation_token=" + token;
        assertTrue(mail.html().contains("<style>p{margin:0}</style>"), mail.html());
        assertTrue(mail.html().contains("Hello &lt;Ada &amp; Co&gt;,"), mail.html());
        assertTrue(mail.html().contains("<a href=\"" + link + "\">Confirm</a> " + request.to()
                + " at https://example.test/app; or paste " + token), mail.html());
        assertTrue(mail.text().contains(link), "the text part stays the built-in one, with the same link");
    }

    @Test
    void aQuteTemplateSeesTheVariablesIncludingTheValidity() {
        String token = MailTopic.token();
        MailRequest request = MailTopic.request(MailKind.RECOVERY, MailTopic.address("qute"), token);

        ReceivedMail mail = deliver(request);

        // The recovery link path comes from the test configuration (gotrue.mailer.urlpaths.recovery).
        assertEquals("<p>Reset for " + request.to() + ": <a href=\"https://example.test/account/recover?from=mail"
                + "#recovery_token=" + token + "\">go</a> within 24 hours</p>", mail.html().trim());
    }

    @Test
    void anUnreadableTemplateFallsBackToTheBuiltInOne() {
        MailRequest request = MailTopic.request(MailKind.INVITE, MailTopic.address("invitee"), MailTopic.token());

        ReceivedMail mail = deliver(request);

        assertTrue(mail.html().contains("Accept the invitation"), mail.html());
        assertTrue(mail.html().contains("valid for 7 days"), mail.html());
    }
}
