package dev.tessera.user.password;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.MailTokens;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** NIST 800-63B: a minimum length and a list of common passwords, wherever a password is chosen; 422 names why. */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class PasswordPolicyTest {

    @InjectTestStack
    TestStack stack;

    static final String SHORT = "Password is too weak: it must be at least 8 characters long";
    static final String COMMON = "Password is too weak: it is on a list of common or breached passwords";

    static String email(String what) {
        return what + "-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void signupRefusesShortAndCommonPasswordsAndAcceptsALongUncommonOne() {
        for (var weak : Map.of("a", SHORT, "1234567", SHORT, "password", COMMON, "PassWord", COMMON,
                "iloveyou", COMMON, "qwertyuiop", COMMON, "ünïcødé", SHORT).entrySet()) {
            given().contentType(ContentType.JSON).body(Map.of("email", email("weak"), "password", weak.getKey()))
                    .post("/signup").then().statusCode(422).body("code", equalTo(422)).body("msg", equalTo(weak.getValue()));
        }
        // What a guesser tries first though no list can hold it all: repeats, runs, nothing visible.
        for (var weak : Map.of("aaaaaaaa", "it repeats one character", "abcdefghij", "it is a run of consecutive characters",
                "98765432", "it is a run of consecutive characters", " ".repeat(8), "it has no visible characters",
                "\t".repeat(9), "it has no visible characters", "\u200b".repeat(8), "it has no visible characters",
                "\u0301".repeat(8), "it has no visible characters").entrySet()) {
            given().contentType(ContentType.JSON).body(Map.of("email", email("weak"), "password", weak.getKey()))
                    .post("/signup").then().statusCode(422).body("msg", equalTo("Password is too weak: " + weak.getValue()));
        }
        // Eight characters, counted as people see them: not composition rules, just length.
        for (String fine : new String[] { "ünïcødé!", "correct horse", "aaaaaaab", "abcdefgi", "  spaced  out  " }) {
            given().contentType(ContentType.JSON).body(Map.of("email", email("fine"), "password", fine))
                    .post("/signup").then().statusCode(200);
        }
    }

    @Test
    void putUserInviteAcceptanceAndTheAdminApiApplyThePolicy() throws Exception {
        String email = email("put");
        String id = given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "a fine password"))
                .post("/signup").then().statusCode(200).extract().path("id");
        String bearer = "Bearer " + TestTokens.sign(VerifyAndAuthenticateTest.SECRET, id, email);
        given().header("Authorization", bearer).contentType(ContentType.JSON).body(Map.of("password", "letmein"))
                .put("/user").then().statusCode(422).body("msg", equalTo(SHORT));
        given().header("Authorization", bearer).contentType(ContentType.JSON).body(Map.of("password", "trustno1"))
                .put("/user").then().statusCode(422).body("msg", equalTo(COMMON));
        given().header("Authorization", bearer).contentType(ContentType.JSON).body(Map.of("password", "another fine one"))
                .put("/user").then().statusCode(200);

        var operator = given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON);
        operator.body(Map.of("email", email("admin-made"), "password", "baseball")).post("/admin/users")
                .then().statusCode(422).body("msg", equalTo(COMMON));
        given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .body(Map.of("password", "short")).put("/admin/users/" + id).then().statusCode(422).body("msg", equalTo(SHORT));

        String invited = email("invited");
        String invitedId = given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON)
                .body(Map.of("email", invited)).post("/invite").then().statusCode(200).extract().path("id");
        String token = MailTokens.newest(stack, invitedId, "INVITE");
        VerifyAndAuthenticateTest.internal().body(Map.of("type", "signup", "token", token, "password", "12345678"))
                .post("/internal/verify").then().statusCode(422).body("msg", equalTo(COMMON));
        VerifyAndAuthenticateTest.internal().body(Map.of("type", "signup", "token", token, "password", "a chosen password"))
                .post("/internal/verify").then().statusCode(200).body("confirmed", equalTo(true));
    }
}
