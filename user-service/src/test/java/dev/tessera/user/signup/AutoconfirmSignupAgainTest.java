package dev.tessera.user.signup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Under autoconfirm a signup is confirmed without any mail, so a signup over an existing unconfirmed user (invited,
 * or created by an admin) would hand that account, with what the admin gave it, to whoever knew the address.
 */
@QuarkusTest
@TestProfile(AutoconfirmSignupAgainTest.Autoconfirm.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class AutoconfirmSignupAgainTest {

    public static class Autoconfirm implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gotrue.mailer.autoconfirm", "true");
        }
    }

    @Test
    void anExistingUnconfirmedUserIsAnsweredAsRegisteredAndStaysUnconfirmed() {
        String invited = "auto-invited-" + UUID.randomUUID() + "@example.com";
        String invitedId = SignupAgainTest.operator().body(Map.of("email", invited)).post("/invite").then()
                .statusCode(200).extract().path("id");
        String created = "auto-created-" + UUID.randomUUID() + "@example.com";
        String createdId = SignupAgainTest.operator().body(Map.of("email", created, "role", "editor",
                "password", SignupAgainTest.OWNER)).post("/admin/users").then().statusCode(200).extract().path("id");

        for (String email : List.of(invited, created)) {
            given().contentType(ContentType.JSON).body(Map.of("email", email, "password", SignupAgainTest.STRANGER))
                    .post("/signup").then().statusCode(400)
                    .body("msg", equalTo("A user with this email address has already been registered"));
            assertEquals(400, SignupAgainTest.login(email, SignupAgainTest.STRANGER));
        }
        for (String id : List.of(invitedId, createdId)) {
            SignupAgainTest.operator().get("/admin/users/" + id).then().statusCode(200)
                    .body("confirmed_at", nullValue());
        }

        // A new address is still confirmed at once.
        String fresh = "auto-fresh-" + UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body(Map.of("email", fresh, "password", SignupAgainTest.OWNER))
                .post("/signup").then().statusCode(200).body("confirmed_at", notNullValue());
        assertEquals(200, SignupAgainTest.login(fresh, SignupAgainTest.OWNER));
    }
}
