package dev.tessera.user.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import dev.tessera.platform.mail.TokenSeal;
import dev.tessera.platform.testing.TestStack;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What a test needs to act as auth-service does: the test secret, the internal API's credential, mailed tokens. */
public final class InternalCalls {

    /** The JWT secret of the test profile, from which the service credential and the mail-token seal derive. */
    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    private InternalCalls() {
    }

    /** A request to an {@code /internal/*} route with the service credential. */
    public static RequestSpecification internal() {
        return given().header("Authorization", "Bearer " + ServiceCredentialForTests.derive(SECRET))
                .contentType(ContentType.JSON);
    }

    /** The token of the newest mail requested for the user, opened as mail-service would. */
    public static String newestMailToken(TestStack stack, String userId) throws JsonProcessingException {
        var records = stack.awaitRecords(Topic.MAIL, seen -> seen.stream().anyMatch(r -> r.key().equals(userId)),
                Duration.ofSeconds(30));
        JsonNode mail = JSON.readTree(records.stream().filter(r -> r.key().equals(userId)).reduce((a, b) -> b)
                .orElseThrow().value());
        return openMailToken(mail);
    }

    /** The token of a mail request, opened as mail-service does: bound to the request's id, kind, user and recipient. */
    public static String openMailToken(JsonNode mail) {
        String binding = MailRequest.sealBinding(UUID.fromString(mail.get("id").asText()),
                MailKind.valueOf(mail.get("kind").asText()), UUID.fromString(mail.get("userId").asText()),
                mail.get("to").asText());
        return new TokenSeal(SECRET).open(mail.get("sealedToken").asText(), binding);
    }
}
