package dev.tessera.user.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.ServiceCredentialForTests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class AdminUsersTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

    @InjectTestStack
    TestStack stack;

    static RequestSpecification operator(String aud) {
        return given().header("Authorization", "Bearer test-operator-token").header("X-JWT-AUD", aud)
                .contentType(ContentType.JSON);
    }

    static RequestSpecification internal() {
        return given().header("Authorization", "Bearer " + ServiceCredentialForTests.derive(SECRET))
                .contentType(ContentType.JSON);
    }

    @Test
    void createListGetUpdateDeleteWithinOneAudience() throws Exception {
        String aud = "aud-" + UUID.randomUUID();
        String id = operator(aud).body(Map.of("email", "Zed@Example.com", "password", "zed password", "confirm", true,
                "user_metadata", Map.of("full_name", "Zed Zulu"), "app_metadata", Map.of("roles", List.of("editor"))))
                .post("/admin/users").then().statusCode(200)
                .body("aud", equalTo(aud)).body("confirmed_at", notNullValue())
                .body("app_metadata.provider", equalTo("email")).body("app_metadata.roles[0]", equalTo("editor"))
                .extract().path("id");
        for (int i = 0; i < 3; i++) {
            operator(aud).body(Map.of("email", "member" + i + "@example.com")).post("/admin/users").then().statusCode(200);
        }
        operator(aud).body(Map.of("email", "zed@example.com")).post("/admin/users").then().statusCode(422)
                .body("msg", equalTo("Email address already registered by another user"));
        operator(aud).body(Map.of("email", "nope")).post("/admin/users").then().statusCode(422);

        operator(aud).queryParam("per_page", 2).get("/admin/users").then().statusCode(200)
                .header("X-Total-Count", "4")
                .header("Link", startsWith("</admin/users?"))
                .header("Link", containsString("page=2>; rel=\"next\""))
                .header("Link", containsString("page=2>; rel=\"last\""))
                .body("aud", equalTo(aud)).body("users", hasSize(2))
                .body("users[0].email", equalTo("member2@example.com"));
        operator(aud).queryParam("per_page", 2).queryParam("page", 2).queryParam("sort", "created_at asc")
                .get("/admin/users").then().statusCode(200)
                .header("Link", containsString("rel=\"prev\"")).header("Link", not(containsString("rel=\"next\"")))
                .body("users[0].email", equalTo("member1@example.com"));
        operator(aud).queryParam("filter", "zulu").get("/admin/users").then().statusCode(200)
                .header("X-Total-Count", "1").body("users[0].id", equalTo(id));
        operator(aud).queryParam("filter", "%").get("/admin/users").then().statusCode(200).header("X-Total-Count", "0");
        operator("another-" + aud).get("/admin/users").then().statusCode(200).body("users", hasSize(0));
        operator(aud).queryParam("page", "x").get("/admin/users").then().statusCode(400)
                .body("msg", startsWith("Bad Pagination Parameters"));
        operator(aud).queryParam("sort", "email asc").get("/admin/users").then().statusCode(400)
                .body("msg", startsWith("Bad Sort Parameters"));

        operator(aud).get("/admin/users/" + id).then().statusCode(200).body("email", equalTo("Zed@Example.com"));
        operator(aud).get("/admin/users/not-a-uuid").then().statusCode(400).body("msg", equalTo("user_id must be an UUID"));
        // Java would read these as 00000001-0002-0003-0004-000000000005 and the id without its hyphens' groups.
        operator(aud).get("/admin/users/1-2-3-4-5").then().statusCode(400).body("msg", equalTo("user_id must be an UUID"));
        operator(aud).get("/admin/users/" + id + "0").then().statusCode(400).body("msg", equalTo("user_id must be an UUID"));
        operator(aud).get("/admin/users/" + UUID.randomUUID()).then().statusCode(404);

        operator(aud).body(Map.of("role", "admin", "password", "changed-pw", "app_metadata", Map.of("roles", List.of("owner")),
                "user_metadata", Map.of("team", "red"))).put("/admin/users/" + id).then().statusCode(200)
                .body("role", equalTo("admin")).body("app_metadata.roles[0]", equalTo("owner"))
                .body("user_metadata.full_name", equalTo("Zed Zulu")).body("user_metadata.team", equalTo("red"));
        internal().body(Map.of("email", "zed@example.com", "password", "changed-pw", "aud", aud))
                .post("/internal/authenticate").then().statusCode(200).body("role", equalTo("admin"));

        operator(aud).delete("/admin/users/" + id).then().statusCode(200).body(equalTo("{}"));
        operator(aud).get("/admin/users/" + id).then().statusCode(404);
        operator(aud).delete("/admin/users/" + id).then().statusCode(404);

        var events = stack.awaitRecords(Topic.EVENTS, seen -> seen.stream().anyMatch(r -> r.key().equals(id)
                && r.value().contains("user.deleted")), Duration.ofSeconds(30));
        String deleted = events.stream().filter(r -> r.key().equals(id) && r.value().contains("user.deleted"))
                .findFirst().orElseThrow().value();
        assertFalse(deleted.contains("$2a$"), "no password hash in the event");
    }

    @Test
    void adminCreatedUserWithoutPasswordCannotLogInWithAnEmptyOne() {
        String aud = "aud-" + UUID.randomUUID();
        operator(aud).body(Map.of("email", "nopw@example.com", "confirm", true)).post("/admin/users").then().statusCode(200);
        internal().body(Map.of("email", "nopw@example.com", "password", "", "aud", aud)).post("/internal/authenticate")
                .then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void adminRoutesNeedAdminCredentials() throws Exception {
        String aud = "aud-" + UUID.randomUUID();
        given().get("/admin/users").then().statusCode(401).body("msg", equalTo("This endpoint requires a Bearer token"));
        given().header("Authorization", "Bearer wrong-operator-token").get("/admin/users").then().statusCode(401)
                .body("msg", startsWith("Invalid token"));
        String id = operator(aud).body(Map.of("email", "plain@example.com", "confirm", true)).post("/admin/users")
                .then().statusCode(200).extract().path("id");
        String userToken = TestTokens.sign(SECRET, id, "plain@example.com", java.time.Instant.now().plusSeconds(600),
                Map.of("aud", aud));
        given().header("Authorization", "Bearer " + userToken).get("/admin/users").then().statusCode(401)
                .body("msg", equalTo("User not allowed"));
        given().header("Authorization", "Bearer " + userToken).contentType(ContentType.JSON).body("{bad")
                .post("/admin/users").then().statusCode(401);

        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("update users.users set role = 'admin' where id = ?")) {
            s.setObject(1, UUID.fromString(id));
            s.executeUpdate();
        }
        given().header("Authorization", "Bearer " + userToken).get("/admin/users").then().statusCode(200)
                .body("aud", equalTo(aud));
        given().header("Authorization", "Bearer " + userToken).header("X-JWT-AUD", "elsewhere").get("/admin/users")
                .then().statusCode(401).body("msg", equalTo("User not allowed"));
        given().header("Authorization", "Bearer " + userToken).contentType(ContentType.JSON).body("{bad")
                .post("/admin/users").then().statusCode(400).body("msg", startsWith("Could not decode admin user params: "));
        // An empty body is no update either (GoTrue's decoder: "…: EOF"), and is answered before any lookup.
        given().header("Authorization", "Bearer " + userToken).contentType(ContentType.JSON).body("")
                .post("/admin/users").then().statusCode(400).body("msg", startsWith("Could not decode admin user params: "));
        given().header("Authorization", "Bearer " + userToken).contentType(ContentType.JSON).body("")
                .put("/admin/users/" + UUID.randomUUID()).then().statusCode(400)
                .body("msg", startsWith("Could not decode admin user params: "));
        // GoTrue's admin check reads /invite's body first, so it answers the same; only an empty body is the invite's.
        given().header("Authorization", "Bearer " + userToken).contentType(ContentType.JSON).body("{bad")
                .post("/invite").then().statusCode(400).body("msg", startsWith("Could not decode admin user params: "));
        given().header("Authorization", "Bearer " + userToken).contentType(ContentType.JSON).body("")
                .post("/invite").then().statusCode(400).body("msg", startsWith("Could not read Invite params: "));
        // A system token acts on its own audience (AdminAudienceTest).
        given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, "00000000-0000-0000-0000-000000000000", null,
                java.time.Instant.now().plusSeconds(600), Map.of("aud", aud)))
                .header("X-JWT-AUD", aud).get("/admin/users").then().statusCode(200).body("users", hasSize(1));

        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select count(*) from users.users where aud = ?")) {
            s.setString(1, aud);
            ResultSet rs = s.executeQuery();
            rs.next();
            assertEquals(1, rs.getInt(1), "refused calls wrote nothing");
        }
        assertFalse(nullValue().matches("x"));
    }
}
