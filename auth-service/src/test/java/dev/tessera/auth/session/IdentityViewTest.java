package dev.tessera.auth.session;

import static dev.tessera.auth.testing.Grants.assertRows;
import static dev.tessera.auth.testing.Grants.passwordGrant;
import static dev.tessera.auth.testing.Grants.refreshGrant;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.OwnRateLimitKey;
import dev.tessera.auth.testing.StandInView;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.internal.IdentityView;
import dev.tessera.platform.internal.ServiceCredential;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * With user-service's identity view in the database, a refresh reads the user from it in the statement that finds
 * the token and never calls user-service: the new access token shows the view's metadata, a raised session epoch or
 * a user gone from the view refuses the session. The view here is a table with the published columns in a schema
 * of this test's own naming ({@link StandInView}). Every other test of this
 * service runs without a view, so a refresh there asks user-service's stub, as it does during a rollout.
 */
@QuarkusTest
@ExtendWith(OwnRateLimitKey.class)
@TestProfile(IdentityViewTest.PublishedSchema.class)
class IdentityViewTest {

    private static final String SCHEMA = "published_users";

    /** user-service's schema named by the setting, and a fresh database (a profile of its own starts one). */
    public static class PublishedSchema implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tessera.user-service.schema", SCHEMA);
        }
    }

    @InjectTestStack
    TestStack stack;

    @Inject
    ServiceCredential credential;

    @BeforeEach
    void publishTheView() throws Exception {
        StandInView.publish(stack, SCHEMA);
    }

    @Test
    void aRefreshReadsTheUserFromTheViewWithoutCallingUserService() throws Exception {
        UUID id = UUID.randomUUID();
        String email = signedInOnlyThroughTheView(id);
        Response login = passwordGrant(email);
        login.then().statusCode(200);
        execute("update %s set app_metadata = '{\"provider\":\"email\",\"roles\":[\"editor\"]}',"
                + " user_metadata = null where id = ?", id);

        Response refreshed = refreshGrant(login.path("refresh_token"));
        refreshed.then().statusCode(200);
        JsonNode claims = Grants.claims(refreshed.path("access_token"));
        assertEquals("editor", claims.path("app_metadata").path("roles").path(0).asText());
        assertEquals(email, claims.path("email").asText());
        assertFalse(UserServiceStub.LOOKUP_CALLS.contains(id.toString()), "user-service was not asked");

        refreshGrant(refreshed.path("refresh_token")).then().statusCode(200);
        assertFalse(UserServiceStub.LOOKUP_CALLS.contains(id.toString()), "user-service was not asked");
    }

    @Test
    void aRaisedEpochInTheViewEndsTheSession() throws Exception {
        assertRefusedOnceTheViewShows("update %s set session_epoch = session_epoch + 1 where id = ?");
    }

    @Test
    void aUserGoneFromTheViewHasNoSessionToRefresh() throws Exception {
        assertRefusedOnceTheViewShows("delete from %s where id = ?");
    }

    /**
     * The check the site rules and the function gateway make of an access token's session reads the same view: live
     * while the user's epoch is the session's, ended once it rises, without asking user-service.
     */
    @Test
    void aSessionChecksLivenessInTheView() throws Exception {
        UUID id = UUID.randomUUID();
        Response login = passwordGrant(signedInOnlyThroughTheView(id));
        String session = Grants.sessionOf(login.path("access_token"));
        checkSession(session, id).then().statusCode(204);
        execute("update %s set session_epoch = session_epoch + 1 where id = ?", id);
        checkSession(session, id).then().statusCode(404).body("code", equalTo(404));
        assertFalse(UserServiceStub.LOOKUP_CALLS.contains(id.toString()), "user-service was not asked");
    }

    private Response checkSession(String session, UUID user) {
        return given().header("Authorization", credential.authorizationHeader()).queryParam("user_id", user)
                .get("/internal/sessions/" + session);
    }

    /** Signs a user in, changes their row in the view, and expects the refresh refused and the session ended. */
    private void assertRefusedOnceTheViewShows(String change) throws Exception {
        UUID id = UUID.randomUUID();
        Response login = passwordGrant(signedInOnlyThroughTheView(id));
        login.then().statusCode(200);
        execute(change, id);

        refreshGrant(login.path("refresh_token")).then().statusCode(400).body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Invalid Refresh Token"));
        assertRows(stack, id, 0, 0, 0, "the session ended with its tokens");
    }

    /**
     * A user user-service's stub signs in but would not find by id (its lookup answers 404, which refuses the
     * refresh), and whom the view shows; answers the address.
     */
    private String signedInOnlyThroughTheView(UUID id) throws Exception {
        String email = Grants.knownUser(id);
        UserServiceStub.USERS.remove(id.toString());
        StandInView.show(stack, SCHEMA, id, email, "{\"provider\":\"email\"}", "{\"full_name\":\"Ada\"}");
        return email;
    }

    private void execute(String sql, UUID id) throws Exception {
        try (Connection c = stack.jdbc();
                PreparedStatement s = c.prepareStatement(sql.formatted(SCHEMA + "." + IdentityView.NAME))) {
            s.setObject(1, id);
            assertEquals(1, s.executeUpdate());
        }
    }
}
