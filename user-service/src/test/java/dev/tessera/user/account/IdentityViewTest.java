package dev.tessera.user.account;

import static dev.tessera.user.testing.InternalCalls.internal;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.internal.IdentityView;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.InternalCalls;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The identity view auth-service's refresh grant reads (platform's IdentityView) is a contract: it has the
 * published columns with their types, in order, and shows each user exactly as the internal lookup answers them.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class IdentityViewTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectTestStack
    TestStack stack;

    @Test
    void theViewHasThePublishedColumnsInOrder() throws Exception {
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("select column_name, data_type"
                + " from information_schema.columns where table_schema = 'users' and table_name = ?"
                + " order by ordinal_position")) {
            s.setString(1, IdentityView.NAME);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    types.add(rs.getString(2));
                }
            }
        }
        assertEquals(IdentityView.COLUMNS, columns.subList(0, Math.min(columns.size(), IdentityView.COLUMNS.size())),
                "later columns may be added, never one before these");
        assertEquals(List.of("uuid", "text", "text", "text", "boolean", "jsonb", "jsonb", "bigint", "uuid"),
                types.subList(0, IdentityView.COLUMNS.size()));
    }

    @Test
    void eachUserIsShownAsTheInternalLookupAnswers() throws Exception {
        String email = "view-" + UUID.randomUUID() + "@example.com";
        String id = operator().body(Map.of("email", email, "password", "a view password", "confirm", true,
                "app_metadata", Map.of("roles", List.of("editor")), "user_metadata", Map.of("team", "blue")))
                .post("/admin/users").then().statusCode(200).extract().path("id");
        assertShownAlike(id);

        // A password change raises the epoch and keeps the caller's session.
        String session = UUID.randomUUID().toString();
        given().header("Authorization", "Bearer " + TestTokens.sign(InternalCalls.SECRET, id, email,
                Instant.now().plusSeconds(600), Map.of("session_id", session, "session_epoch", 0)))
                .contentType(ContentType.JSON).body(Map.of("password", "a changed view password"))
                .put("/user").then().statusCode(200);
        JsonNode row = assertShownAlike(id);
        assertEquals(session, row.path("kept_session_id").asText());

        // An unconfirmed user with no user_metadata of their own.
        String unconfirmed = given().contentType(ContentType.JSON)
                .body(Map.of("email", "view-new-" + UUID.randomUUID() + "@example.com", "password", "a view password"))
                .post("/signup").then().statusCode(200).extract().path("id");
        assertFalse(assertShownAlike(unconfirmed).path("confirmed").asBoolean());
    }

    /** Compares the view's row with the lookup field by field (absent and null alike); answers the row. */
    private JsonNode assertShownAlike(String id) throws Exception {
        JsonNode looked = JSON.readTree(internal().get("/internal/users/" + id).then().statusCode(200)
                .extract().asString());
        JsonNode row;
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select row_to_json(v)::text from users." + IdentityView.NAME + " v where id = ?::uuid")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                row = JSON.readTree(rs.getString(1));
            }
        }
        for (String column : IdentityView.COLUMNS) {
            JsonNode expected = looked.path(column);
            JsonNode actual = row.path(column);
            if (expected.isMissingNode() || expected.isNull()) {
                assertEquals(true, actual.isMissingNode() || actual.isNull(), column + ": " + actual);
            } else {
                assertEquals(expected, actual, column);
            }
        }
        return row;
    }

    private static io.restassured.specification.RequestSpecification operator() {
        return given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON);
    }
}
