package dev.tessera.user;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.hooks.HooksTest;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * With {@code GOTRUE_EXTERNAL_EMAIL_DISABLED=true} every route of the email provider answers GoTrue's
 * {@code 400 "Unsupported email provider"} and creates nothing: signup, recover and an admin's user creation (after
 * the admin's credentials are checked, as on GoTrue).
 */
@QuarkusTest
@TestProfile(EmailProviderOffTest.EmailOff.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class EmailProviderOffTest {

    public static class EmailOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gotrue.external.email.disabled", "true");
        }
    }

    @InjectTestStack
    TestStack stack;

    private static RequestSpecification client() {
        return given().header(TestClients.FORWARDED_FOR, TestClients.address()).contentType(ContentType.JSON);
    }

    @Test
    void everyRouteOfTheEmailProviderIsRefusedAndNothingIsCreated() throws Exception {
        String signedUp = "off-signup-" + UUID.randomUUID() + "@example.com";
        client().body(Map.of("email", signedUp, "password", "plum-tree-orchard")).post("/signup").then()
                .statusCode(400).body("code", equalTo(400)).body("msg", equalTo("Unsupported email provider"));
        client().body(Map.of("email", signedUp)).post("/recover").then()
                .statusCode(400).body("msg", equalTo("Unsupported email provider"));

        String created = "off-admin-" + UUID.randomUUID() + "@example.com";
        Map<String, String> user = Map.of("email", created, "password", "plum-tree-orchard");
        client().body(user).post("/admin/users").then().statusCode(401);
        client().header("Authorization", BadInputTest.operator()).body(user).post("/admin/users").then()
                .statusCode(400).body("code", equalTo(400)).body("msg", equalTo("Unsupported email provider"));

        assertEquals(0, HooksTest.users(stack, signedUp) + HooksTest.users(stack, created), "no user was created");
    }
}
