package dev.tessera.mail.delivery;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tessera.mail.Inbox;
import dev.tessera.mail.Inbox.ReceivedMail;
import dev.tessera.mail.Ledger;
import dev.tessera.mail.MailTestResource;
import dev.tessera.mail.MailTopic;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.mail.TokenSeal;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * End to end through the real broker, database and SMTP server: a record on the mail topic becomes a mail.
 * The stack declared here serves every test class of the module (one Quarkus boot for all).
 */
@QuarkusTest
@QuarkusTestResource(value = MailTestResource.class, initArgs = @ResourceArg(name = "smtp", value = "true"),
        restrictToAnnotatedClass = false)
class MailDeliveryTest {

    private static MailTopic topic;

    @InjectTestStack
    TestStack stack;

    /** Prometheus scrapes the management port. */
    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    Inbox inbox;
    Ledger ledger;

    @BeforeEach
    void connect() {
        if (topic == null) {
            topic = new MailTopic(stack);
        }
        inbox = new Inbox(stack.greenMail());
        ledger = new Ledger(stack);
    }

    @AfterAll
    static void disconnect() {
        if (topic != null) {
            topic.close();
            topic = null;
        }
    }

    @ParameterizedTest
    @EnumSource(value = MailKind.class, names = { "CONFIRMATION", "INVITE", "RECOVERY", "EMAIL_CHANGE" })
    void eachKindReachesItsRecipientWithGoTruesSubjectAndALinkCarryingTheToken(MailKind kind) {
        String to = MailTopic.address(kind.name().toLowerCase());
        String token = MailTopic.token();
        MailRequest request = MailTopic.request(kind, to, token);

        topic.publish(request);

        ReceivedMail mail = inbox.awaitOne(to);
        String subject = switch (kind) {
            case INVITE -> "You have been invited";
            case CONFIRMATION -> "Confirm Your Signup";
            case RECOVERY -> "Reset Your Password";
            case EMAIL_CHANGE -> "Confirm Email Change";
            default -> throw new IllegalArgumentException(kind + " has no link");
        };
        assertEquals(subject, mail.subject());
        assertEquals("identity@example.test", mail.from());
        assertEquals("<" + request.id() + "@example.test>", mail.messageId());

        // SITE_URL is https://example.test/app: the default path "/" replaces its path, as in GoTrue; the test
        // profile gives recovery links a path of their own.
        String link = kind == MailKind.RECOVERY
                ? "https://example.test/account/recover?from=mail#recovery_token=" + token
                : "https://example.test/#" + kind.fragmentKey() + "=" + token;
        // Confirmation and recovery use the override templates of MailTestResource; they carry the same link.
        assertNotNull(mail.html(), "an HTML part");
        assertNotNull(mail.text(), "a text part");
        assertTrue(mail.html().contains("href=\"" + link + "\""), () -> "link " + link + " in " + mail.html());
        assertTrue(mail.text().contains(link), () -> "link " + link + " in " + mail.text());
        assertTrue(mail.text().contains(kind == MailKind.INVITE ? "valid for 7 days" : "valid for 24 hours"), mail.text());
        if (kind == MailKind.EMAIL_CHANGE) {
            assertTrue(mail.text().contains("from " + request.email() + " to " + to), mail.text());
            assertTrue(mail.text().startsWith("Confirm your new email address"), mail.text());
        }

        Ledger.Row row = ledger.await(request.id(), "SENT");
        assertEquals(kind.name(), row.kind());
        assertEquals(to, row.recipient());
        assertEquals(1, row.attempts());
        assertEquals(mail.messageId(), row.messageId());
    }

    @Test
    void theEmailChangeMailToTheCurrentAddressAsksForApproval() {
        String current = MailTopic.address("current");
        String wanted = MailTopic.address("wanted");
        String token = MailTopic.token();
        MailRequest base = MailTopic.request(MailKind.EMAIL_CHANGE, current, token);
        MailRequest request = new MailRequest(base.id(), base.kind(), base.userId(), current, current, wanted,
                base.sealedToken(), base.data(), base.requestedAt());

        topic.publish(request);

        ReceivedMail mail = inbox.awaitOne(current);
        assertEquals("Confirm Email Change", mail.subject());
        assertTrue(mail.text().startsWith("Approve the change of your email address"), mail.text());
        assertTrue(mail.text().contains("from " + current + " to " + wanted), mail.text());
        assertTrue(mail.text().contains("https://example.test/#email_change_token=" + token), mail.text());
    }

    @ParameterizedTest
    @EnumSource(value = MailKind.class, names = { "EMAIL_CHANGED_NOTIFICATION", "PASSWORD_CHANGED_NOTIFICATION" })
    void noticesNeedNoTokenAndCarryNoLink(MailKind kind) {
        String to = MailTopic.address(kind.name().toLowerCase());
        String newEmail = MailTopic.address("moved");
        UUID id = UUID.randomUUID();
        MailRequest request = new MailRequest(id, kind, UUID.randomUUID(), to, to,
                kind == MailKind.EMAIL_CHANGED_NOTIFICATION ? newEmail : null, null, null, java.time.Instant.now());

        topic.publish(request);

        ReceivedMail mail = inbox.awaitOne(to);
        assertEquals(kind == MailKind.EMAIL_CHANGED_NOTIFICATION ? "Your email address has been changed"
                : "Your password has been changed", mail.subject());
        assertNotNull(mail.html(), "an HTML part");
        assertFalse(mail.text().contains("_token="), mail.text());
        if (kind == MailKind.EMAIL_CHANGED_NOTIFICATION) {
            assertTrue(mail.text().contains("from " + to + " to " + newEmail), mail.text());
        } else {
            assertTrue(mail.text().contains("The password of your account " + to), mail.text());
        }
        assertEquals(kind.name(), ledger.await(id, "SENT").kind());
    }

    @Test
    void aRedeliveredRequestIsMailedOnce() {
        String to = MailTopic.address("twice");
        MailRequest request = MailTopic.request(MailKind.CONFIRMATION, to, MailTopic.token());
        // Same key, same partition: once the marker's mail is out, both copies have been handled.
        String markerTo = MailTopic.address("marker");
        MailRequest marker = MailTopic.request(MailKind.RECOVERY, markerTo, MailTopic.token(), request.userId());

        topic.publish(request);
        topic.publish(request);
        topic.publish(marker);

        inbox.awaitOne(markerTo);
        assertEquals(1, inbox.to(to).size(), "the redelivery sent no second mail");
        assertEquals(1, ledger.count(request.id()));
        assertEquals("SENT", ledger.find(request.id()).orElseThrow().status());
        String metrics = given().get(metricsUrl).then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("tessera_mail_requests_total{")
                && line.contains("kind=\"confirmation\"") && line.contains("outcome=\"duplicate\"")),
                "redeliveries are counted");
    }

    @Test
    void poisonGoesToTheDeadLetterTopicAndTheStreamKeepsFlowing() {
        UUID user = UUID.randomUUID();
        String key = user.toString();
        String unreadable = "{\"id\": \"not json at all";
        topic.publish(key, "poison-" + key, unreadable);

        // Sealed with another key: no retry can open it.
        String badSealTo = MailTopic.address("bad-seal");
        MailRequest badSeal = MailTopic.request(MailKind.CONFIRMATION, badSealTo, MailTopic.token(), user);
        badSeal = new MailRequest(badSeal.id(), badSeal.kind(), user, badSeal.to(), badSeal.email(), null,
                new TokenSeal("some-other-secret-entirely").seal("T0k3n", badSeal.sealBinding()), null,
                badSeal.requestedAt());
        topic.publish(badSeal);

        String goodTo = MailTopic.address("after-poison");
        String token = MailTopic.token();
        MailRequest good = MailTopic.request(MailKind.CONFIRMATION, goodTo, token, user);
        topic.publish(good);

        assertTrue(inbox.awaitOne(goodTo).text().contains("#confirmation_token=" + token));

        String badSealId = badSeal.id().toString();
        List<ConsumerRecord<String, String>> dead = stack.awaitRecords(Topic.MAIL_DEAD_LETTER,
                seen -> seen.stream().filter(r -> key.equals(r.key())).count() >= 2, Duration.ofSeconds(30));
        ConsumerRecord<String, String> poison = dead.stream().filter(r -> unreadable.equals(r.value())).findFirst()
                .orElseThrow();
        assertTrue(header(poison, "dead-letter-reason").contains("not readable JSON"), header(poison, "dead-letter-reason"));
        assertEquals("poison-" + key, header(poison, "message-id"), "the original headers travel along");
        ConsumerRecord<String, String> sealed = dead.stream().filter(r -> r.value().contains(badSealId)).findFirst()
                .orElseThrow();
        assertTrue(header(sealed, "dead-letter-reason").contains("sealed token does not open"));
        assertFalse(header(sealed, "dead-letter-reason").contains("T0k3n"));

        Ledger.Row row = ledger.await(badSeal.id(), "FAILED");
        assertEquals(0, row.attempts(), "a poison request is not retried");
        assertNull(row.messageId());
        assertTrue(inbox.to(badSealTo).isEmpty());
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
