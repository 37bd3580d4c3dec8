package dev.tessera.auth.session;

import static dev.tessera.auth.testing.Grants.assertRows;
import static dev.tessera.auth.testing.Grants.knownUser;
import static dev.tessera.auth.testing.Grants.passwordGrant;
import static dev.tessera.auth.testing.Grants.refreshGrant;
import static dev.tessera.auth.testing.Grants.sessionOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tessera.auth.session.SessionSweep;
import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.OwnRateLimitKey;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Reuse detection without a reuse interval, and sessions with a timebox and an inactivity timeout. The database and
 * broker are TokenTest's resources (started again for this profile).
 */
@QuarkusTest
@ExtendWith(OwnRateLimitKey.class)
@TestProfile(StrictReuseTest.Strict.class)
class StrictReuseTest {

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gotrue.security.refresh-token-reuse-interval", "0",
                    "gotrue.sessions.timebox", "24h",
                    "gotrue.sessions.inactivity-timeout", "2h");
        }
    }

    @InjectTestStack
    TestStack stack;

    @Inject
    SessionSweep sweep;

    @Test
    void ofEightConcurrentRefreshesWithOneTokenOneSucceedsAndTheOthersRevokeTheSession() throws Exception {
        UUID id = UUID.randomUUID();
        Response login = passwordGrant(knownUser(id)).then().statusCode(200).extract().response();
        List<Response> answers = Grants.race(login.path("refresh_token"), 8);
        Response won = Grants.theOneThatWon(answers);

        refreshGrant(won.path("refresh_token")).then().statusCode(400);
        assertRows(stack, id, 0, 0, 0, "the session is revoked with every token");
        Grants.awaitEvent(stack, id, "dev.tessera.session.revoked.v1");
    }

    @Test
    void aSessionPastItsTimeboxEndsAtItsNextRefreshAndInTheSweep() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        Response old = passwordGrant(email).then().statusCode(200).extract().response();
        Response swept = passwordGrant(email).then().statusCode(200).extract().response();
        String young = refreshGrant(passwordGrant(email).then().statusCode(200).extract().path("refresh_token"))
                .then().statusCode(200).extract().path("refresh_token");
        for (Response session : List.of(old, swept)) {
            assertEquals(1, Grants.backdate(stack, "sessions", "created_at", "24 hours 1 minute", "id = ?::uuid",
                    sessionOf(session.path("access_token"))));
        }

        refreshGrant(old.path("refresh_token")).then().statusCode(400)
                .body("error", equalTo("invalid_grant")).body("error_description", equalTo("Invalid Refresh Token"));
        assertEquals(0, Grants.count(stack, "sessions", "id = ?::uuid", sessionOf(old.path("access_token"))),
                "the refused session is deleted");

        assertTrue(sweep.sweep(Instant.now()).await().atMost(Duration.ofSeconds(30)).timedOut() >= 1);
        assertEquals(0, Grants.count(stack, "sessions", "id = ?::uuid", sessionOf(swept.path("access_token"))));
        assertRows(stack, id, 1, 2, 1, "the sessions past the timebox are gone with their tokens; the young one stays");
        refreshGrant(young).then().statusCode(200);
    }

    @Test
    void aSessionUnrefreshedForTheInactivityTimeoutEnds() throws Exception {
        UUID id = UUID.randomUUID();
        String email = knownUser(id);
        String idle = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        String active = passwordGrant(email).then().statusCode(200).extract().path("refresh_token");
        assertEquals(1, Grants.backdate(stack, "refresh_tokens", "created_at", "2 hours 1 minute", "token_hash = ?",
                dev.tessera.platform.token.OpaqueToken.hashOf(idle)));
        assertEquals(1, Grants.backdate(stack, "refresh_tokens", "created_at", "1 hour 59 minutes", "token_hash = ?",
                dev.tessera.platform.token.OpaqueToken.hashOf(active)));

        refreshGrant(idle).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        refreshGrant(active).then().statusCode(200);
        assertRows(stack, id, 1, 2, 1, "the idle session is gone; the active one was refreshed");
    }
}
