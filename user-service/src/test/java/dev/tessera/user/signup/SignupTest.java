package dev.tessera.user.signup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class SignupTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @InjectTestStack
    TestStack stack;

    static String email() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void signupCreatesAnUnconfirmedUserWithAHashedTokenAnEventAndAMailRequest() throws Exception {
        String email = email();
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "correct horse", "data", Map.of("full_name", "Ada")))
                .post("/signup")
                .then().statusCode(200)
                .body("email", equalTo(email))
                .body("aud", equalTo(""))
                .body("role", equalTo(""))
                .body("app_metadata.provider", equalTo("email"))
                .body("user_metadata.full_name", equalTo("Ada"))
                .body("confirmation_sent_at", notNullValue())
                .body("confirmed_at", nullValue())
                .body("created_at", notNullValue())
                .body("encrypted_password", nullValue())
                .extract().path("id");

        try (Connection c = stack.jdbc();
                PreparedStatement s = c.prepareStatement(
                        "select encrypted_password, confirmation_token_hash from users.users where id = ?")) {
            s.setObject(1, UUID.fromString(id));
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next());
            assertTrue(rs.getString(1).startsWith("$2a$"), "bcrypt hash stored");
            assertEquals(64, rs.getString(2).length(), "only the SHA-256 of the token is stored");
        }

        List<ConsumerRecord<String, String>> events = stack.awaitRecords(Topic.EVENTS,
                seen -> seen.stream().anyMatch(r -> r.key().equals(id)), Duration.ofSeconds(30));
        JsonNode event = JSON.readTree(events.stream().filter(r -> r.key().equals(id)).findFirst().orElseThrow().value());
        assertEquals("1.0", event.get("specversion").asText());
        assertEquals("dev.tessera.user.signup.v1", event.get("type").asText());
        assertEquals(id, event.get("subject").asText());
        assertEquals(email, event.at("/data/user/email").asText());
        assertFalse(event.toString().contains("$2a$"), "no password hash on the public topic");

        List<ConsumerRecord<String, String>> mails = stack.awaitRecords(Topic.MAIL,
                seen -> seen.stream().anyMatch(r -> r.key().equals(id)), Duration.ofSeconds(30));
        JsonNode mail = JSON.readTree(mails.stream().filter(r -> r.key().equals(id)).findFirst().orElseThrow().value());
        assertEquals("CONFIRMATION", mail.get("kind").asText());
        assertEquals(email, mail.get("to").asText());
        assertTrue(mail.get("sealedToken").asText().startsWith("v1."));
        assertNotNull(mail.get("id"));
    }

    /** Signing up again with the same password is GoTrue's resend; another password replaces (SignupAgainTest). */
    @Test
    void anUnconfirmedAddressSignedUpAgainWithTheSamePasswordMergesItsData() {
        String email = email();
        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "same password", "data", Map.of("a", 1, "b", 2)))
                .post("/signup").then().statusCode(200);
        Map<String, Object> update = new java.util.HashMap<>();
        update.put("b", null);
        update.put("c", 3);
        given().contentType(ContentType.JSON).body(Map.of("email", email.toUpperCase(), "password", "same password", "data", update))
                .post("/signup").then().statusCode(200)
                .body("email", equalTo(email))
                .body("user_metadata.a", equalTo(1))
                .body("user_metadata.b", nullValue())
                .body("user_metadata.c", equalTo(3));
    }

    @Test
    void anyAcceptHeaderGetsTheJsonAnswer() {
        String email = email();
        given().accept("text/html").contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "correct horse battery"))
                .post("/signup").then().statusCode(200).contentType(ContentType.JSON).body("email", equalTo(email));
        given().accept("text/plain").contentType(ContentType.JSON).body(Map.of("email", email(), "password", ""))
                .post("/signup").then().statusCode(422).contentType(ContentType.JSON)
                .body("msg", equalTo("Signup requires a valid password"));
    }

    @Test
    void badInputGetsGoTrueErrors() {
        given().contentType(ContentType.JSON).body("{\"email\":").post("/signup")
                .then().statusCode(400).body("code", equalTo(400)).body("msg", startsWith("Could not read Signup params"));
        given().contentType(ContentType.URLENC).body("email=a%40b.c&password=x").post("/signup")
                .then().statusCode(400).body("msg", startsWith("Could not read Signup params"));
        given().contentType(ContentType.JSON).post("/signup")
                .then().statusCode(400).body("msg", startsWith("Could not read Signup params"));
        given().contentType(ContentType.JSON).body("[1,2]").post("/signup")
                .then().statusCode(400).body("msg", equalTo("Could not read Signup params: expected a JSON object"));
        given().contentType(ContentType.JSON).body(Map.of("email", email(), "password", "")).post("/signup")
                .then().statusCode(422).body("code", equalTo(422)).body("msg", equalTo("Signup requires a valid password"));
        given().contentType(ContentType.JSON).body(Map.of("email", " ", "password", "pw")).post("/signup")
                .then().statusCode(422).body("msg", equalTo("An email address is required"));
        for (String bad : List.of("not-an-email", "a@", "@b.c", "a b@c.d", "ü@example.com", "a@exa_mple.com")) {
            given().contentType(ContentType.JSON).body(Map.of("email", bad, "password", "pw")).post("/signup")
                    .then().statusCode(422).body("msg", startsWith("Unable to validate email address"));
        }
        given().contentType(ContentType.JSON).body(Map.of("email", email(), "password", "x".repeat(73))).post("/signup")
                .then().statusCode(422).body("code", equalTo(422));
        given().contentType(ContentType.JSON).body("{\"email\":\"" + email() + "\",\"password\":\"pw\",\"data\":\"text\"}")
                .post("/signup").then().statusCode(400).body("msg", equalTo("Could not read Signup params: field 'data' has the wrong type"));
    }
}
