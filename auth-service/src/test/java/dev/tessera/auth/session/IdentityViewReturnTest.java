package dev.tessera.auth.session;

import static dev.tessera.auth.testing.Grants.passwordGrant;
import static dev.tessera.auth.testing.Grants.refreshGrant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.OwnRateLimitKey;
import dev.tessera.auth.testing.StandInView;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * The rollout in which auth-service starts before user-service has published its identity view: refreshes ask
 * user-service while the view is missing, and read the view once it appears, without a restart. The retry is
 * shortened from its minute so the test need not wait for it.
 */
@QuarkusTest
@ExtendWith(OwnRateLimitKey.class)
@TestProfile(IdentityViewReturnTest.LateView.class)
class IdentityViewReturnTest {

    private static final String SCHEMA = "late_users";

    /** A schema that does not exist when the service starts, looked for again a second after a miss. */
    public static class LateView implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tessera.user-service.schema", SCHEMA, "tessera.user-service.view-retry", "PT1S");
        }
    }

    @InjectTestStack
    TestStack stack;

    @Test
    void refreshesAskUserServiceUntilTheViewAppearsThenReadIt() throws Exception {
        UUID id = UUID.randomUUID();
        String email = Grants.knownUser(id);
        Response login = passwordGrant(email);
        login.then().statusCode(200);

        UserServiceStub.LOOKUP_CALLS.clear();
        Response asked = refreshGrant(login.path("refresh_token"));
        asked.then().statusCode(200);
        assertEquals(1, UserServiceStub.LOOKUP_CALLS.stream().filter(id.toString()::equals).count(),
                "without the view, the refresh asked user-service");

        StandInView.publish(stack, SCHEMA);
        StandInView.show(stack, SCHEMA, id, email, "{\"provider\":\"email\",\"roles\":[\"editor\"]}", null);
        String token = asked.path("refresh_token");
        long deadline = System.nanoTime() + 15_000_000_000L;
        String role = "";
        while (!"editor".equals(role) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            Response refreshed = refreshGrant(token);
            refreshed.then().statusCode(200);
            token = refreshed.path("refresh_token");
            role = Grants.claims(refreshed.path("access_token")).path("app_metadata").path("roles").path(0).asText();
        }
        assertEquals("editor", role, "a refresh read the roles only the view holds");

        UserServiceStub.LOOKUP_CALLS.clear();
        refreshGrant(token).then().statusCode(200);
        assertTrue(UserServiceStub.LOOKUP_CALLS.isEmpty(), "once the view is read, user-service is not asked");
    }
}
