package dev.tessera.user.signup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.account.AccountTest;
import dev.tessera.user.signin.LoginLockoutTest;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.MailTokens;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;
import dev.tessera.user.testing.ShortLockoutAndConcealedSignups;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** With TESSERA_SIGNUP_CONCEAL_REGISTERED, a signup of a registered address answers as one of a new address. */
@QuarkusTest
@TestProfile(ShortLockoutAndConcealedSignups.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class ConcealedSignupTest {

    @InjectTestStack
    TestStack stack;

    @Test
    void aRegisteredAddressLooksNewAndItsAccountIsUntouched() throws Exception {
        LoginLockoutTest.Account owner = LoginLockoutTest.confirmedUser(stack);
        Map<String, Object> fresh = given().contentType(ContentType.JSON)
                .body(Map.of("email", "new-" + UUID.randomUUID() + "@example.com", "password", "someone's password"))
                .post("/signup").then().statusCode(200).extract().jsonPath().getMap("$");
        Map<String, Object> registered = given().contentType(ContentType.JSON)
                .body(Map.of("email", owner.email(), "password", "someone's password", "data", Map.of("x", 1)))
                .post("/signup").then().statusCode(200)
                .body("id", not(equalTo(owner.id()))).body("email", equalTo(owner.email()))
                .body("confirmation_sent_at", notNullValue()).body("confirmed_at", nullValue())
                .body("user_metadata.x", equalTo(1)).body("app_metadata.provider", equalTo("email"))
                .extract().jsonPath().getMap("$");
        assertEquals(fresh.keySet(), registered.keySet(), "the same fields as a new signup's answer");
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select count(*) from users.users where id = ? or lower(email) = lower(?)")) {
            s.setObject(1, UUID.fromString((String) registered.get("id")));
            s.setString(2, owner.email());
            ResultSet rs = s.executeQuery();
            rs.next();
            assertEquals(1, rs.getInt(1), "nothing stored but the owner's account");
        }

        LoginLockoutTest.login(owner.email(), LoginLockoutTest.PASSWORD).then().statusCode(200)
                .body("id", equalTo(owner.id())).body("user_metadata", nullValue());
        // Nothing was mailed to the address: its only confirmation mail is the owner's, before a later recovery mail.
        given().contentType(ContentType.JSON).body(Map.of("email", owner.email())).post("/recover").then().statusCode(200);
        String to = "\"to\":\"" + owner.email() + "\"";
        assertEquals(1, stack.awaitRecords(Topic.MAIL, seen -> seen.stream()
                .anyMatch(r -> AccountTest.matches(r, owner.id(), "RECOVERY", null)), Duration.ofSeconds(30)).stream()
                .filter(r -> r.value().contains("\"kind\":\"CONFIRMATION\"") && r.value().contains(to)).count());
    }

    /** An email change to a registered address is asked for as to a free one, and can never complete. */
    @Test
    void anEmailChangeToARegisteredAddressLooksAcceptedAndNeverCompletes() {
        LoginLockoutTest.Account owner = LoginLockoutTest.confirmedUser(stack);
        LoginLockoutTest.Account other = LoginLockoutTest.confirmedUser(stack);
        String bearer = "Bearer " + TestTokens.sign(VerifyAndAuthenticateTest.SECRET, other.id(), other.email());
        given().header("Authorization", bearer).contentType(ContentType.JSON).body(Map.of("email", owner.email()))
                .put("/user").then().statusCode(200).body("new_email", equalTo(owner.email()))
                .body("email", equalTo(other.email()));
        List<String> tokens = MailTokens.of(stack, other.id(), "EMAIL_CHANGE", 2);
        given().header("Authorization", bearer).contentType(ContentType.JSON)
                .body(Map.of("email_change_token", tokens.get(0))).put("/user").then().statusCode(200);
        given().header("Authorization", bearer).contentType(ContentType.JSON)
                .body(Map.of("email_change_token", tokens.get(1))).put("/user").then().statusCode(422)
                .body("msg", equalTo("Email address already registered by another user"));
        given().header("Authorization", bearer).get("/user").then().statusCode(200)
                .body("email", equalTo(other.email()));
        LoginLockoutTest.login(owner.email(), LoginLockoutTest.PASSWORD).then().statusCode(200)
                .body("id", equalTo(owner.id()));
    }
}
