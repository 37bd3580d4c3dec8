package dev.tessera.auth.session;

import static dev.tessera.auth.testing.Grants.assertRows;
import static dev.tessera.auth.testing.Grants.knownUser;
import static dev.tessera.auth.testing.Grants.passwordGrant;
import static dev.tessera.auth.testing.Grants.refreshGrant;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** GoTrue's behaviour, restored by settings: a rotated-out token is only refused, and its session goes on. */
@QuarkusTest
@ExtendWith(OwnRateLimitKey.class)
@TestProfile(GoTrueReuseTest.GoTrue.class)
class GoTrueReuseTest {

    public static class GoTrue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gotrue.security.refresh-token-rotation-enabled", "false",
                    "gotrue.security.refresh-token-reuse-interval", "0");
        }
    }

    @InjectTestStack
    TestStack stack;

    @Inject
    SessionSweep sweep;

    @Test
    void ofEightConcurrentRefreshesWithOneTokenOneSucceedsAndTheSessionGoesOn() throws Exception {
        UUID id = UUID.randomUUID();
        String token = passwordGrant(knownUser(id)).then().statusCode(200).extract().path("refresh_token");
        List<Response> answers = Grants.race(token, 8);
        Response won = Grants.theOneThatWon(answers);

        refreshGrant(token).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        refreshGrant(won.path("refresh_token")).then().statusCode(200);
        assertEquals(1, Grants.rows(stack, id).get(0), "no reuse revokes the session");
    }

    @Test
    void rotatedOutTokensAreKeptNoLongerThanTheInterval() throws Exception {
        UUID id = UUID.randomUUID();
        String first = passwordGrant(knownUser(id)).then().statusCode(200).extract().path("refresh_token");
        refreshGrant(first).then().statusCode(200);
        sweep.sweep(Instant.now().plusSeconds(1)).await().atMost(Duration.ofSeconds(30));
        assertRows(stack, id, 1, 1, 0, "with detection off, nothing needs the rotated-out token after the interval");
    }
}
