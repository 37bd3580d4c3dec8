package dev.tessera.auth.session;

import static dev.tessera.auth.testing.Grants.assertRows;
import static dev.tessera.auth.testing.Grants.knownUser;
import static dev.tessera.auth.testing.Grants.passwordGrant;
import static dev.tessera.auth.testing.Grants.refreshGrant;
import static dev.tessera.auth.testing.Grants.sessionOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.tessera.auth.session.SessionSweep;
import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.OwnRateLimitKey;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.token.OpaqueToken;
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

    @Inject
    SessionStore store;

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

    /**
     * The interleaving behind the race above, held still: a refresh that read its token before another request
     * rotated it, and reaches its own rotation while a reuse revocation of the session is deleting it. It must store
     * nothing, rather than a successor in the revoked session.
     */
    @Test
    void aRotationThatMeetsARevocationUnderWayStoresNothing() throws Exception {
        UUID id = UUID.randomUUID();
        Response login = passwordGrant(knownUser(id)).then().statusCode(200).extract().response();
        String first = login.path("refresh_token");
        UUID session = UUID.fromString(sessionOf(login.path("access_token")));
        refreshGrant(first).then().statusCode(200);
        UUID firstId;
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select id from auth.refresh_tokens where token_hash = ?")) {
            s.setString(1, OpaqueToken.hashOf(first));
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next());
            firstId = rs.getObject(1, UUID.class);
        }

        try (Connection revocation = stack.jdbc()) {
            revocation.setAutoCommit(false);
            try (PreparedStatement s = revocation.prepareStatement(
                    "with ended as (delete from auth.sessions where id = ? returning id),"
                            + " gone as (delete from auth.refresh_tokens where session_id = ? returning id)"
                            + " delete from auth.refresh_token_rotations where token_id in (select id from gone)")) {
                s.setObject(1, session);
                s.setObject(2, session);
                s.executeUpdate();
            }
            OpaqueToken next = OpaqueToken.generate();
            CompletableFuture<Boolean> late = store.rotate(firstId, new SessionStore.NewToken(UUID.randomUUID(),
                    next.hash(), id, session, firstId, Instant.now()), new byte[] { 1 }, null)
                    .subscribeAsCompletionStage();
            // A rotation that did not wait would be done well within this; under load a slow one could pass this
            // check, but the answer below still tells the two apart.
            Thread.sleep(500);
            assertFalse(late.isDone(), "the rotation waits for the revocation");
            revocation.commit();
            assertFalse(late.get(30, TimeUnit.SECONDS), "nothing was rotated");
        }
        assertRows(stack, id, 0, 0, 0, "nothing of the revoked session is left");
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
