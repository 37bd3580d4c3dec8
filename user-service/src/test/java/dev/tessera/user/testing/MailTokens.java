package dev.tessera.user.testing;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.user.account.AccountTest;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;

/** The tokens user-service mailed, read from the mail requests and opened as mail-service would. */
public final class MailTokens {

    private MailTokens() {
    }

    /** The tokens of a user's mails of one kind, oldest first, once there are at least {@code count}. */
    public static List<String> of(TestStack stack, String userId, String kind, int count) {
        List<ConsumerRecord<String, String>> records = stack.awaitRecords(Topic.MAIL,
                seen -> seen.stream().filter(r -> AccountTest.matches(r, userId, kind, null)).count() >= count,
                Duration.ofSeconds(30));
        return records.stream().filter(r -> AccountTest.matches(r, userId, kind, null)).map(r -> {
            JsonNode mail = VerifyAndAuthenticateTest.read(r.value());
            return InternalCalls.openMailToken(mail);
        }).toList();
    }

    /** The newest token of a user's mails of one kind. */
    public static String newest(TestStack stack, String userId, String kind) {
        List<String> tokens = of(stack, userId, kind, 1);
        return tokens.get(tokens.size() - 1);
    }
}
