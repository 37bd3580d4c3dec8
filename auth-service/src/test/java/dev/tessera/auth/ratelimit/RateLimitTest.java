package dev.tessera.auth.ratelimit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.ratelimit.Limit;
import dev.tessera.platform.ratelimit.Rate;
import dev.tessera.platform.ratelimit.RateLimitSweep;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The limits of {@code /token} and {@code /verify}, with small allowances: per client address and per account or
 * token, answered {@code 429 {"code":429,"msg":"Rate limit exceeded"}} with {@code Retry-After}; the client address
 * taken from a trusted proxy's {@code X-Forwarded-For} (right-most untrusted entry), never from an untrusted peer's.
 */
@QuarkusTest
@TestProfile(RateLimitTest.SmallLimits.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class RateLimitTest {

    static final int PASSWORD_PER_CLIENT = 4;
    static final int PASSWORD_PER_ACCOUNT = 3;
    static final int REFRESH_PER_CLIENT = 3;
    static final int VERIFY_PER_CLIENT = 4;
    static final int VERIFY_PER_TOKEN = 2;

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tessera.rate-limit.password.per-client", PASSWORD_PER_CLIENT + "/1h",
                    "tessera.rate-limit.password.per-account", PASSWORD_PER_ACCOUNT + "/1h",
                    "gotrue.rate-limit-token-refresh", REFRESH_PER_CLIENT + "/1h",
                    "gotrue.rate-limit-verify", VERIFY_PER_CLIENT + "/1h",
                    "tessera.rate-limit.verify.per-token", VERIFY_PER_TOKEN + "/1h");
        }
    }

    @InjectTestStack
    TestStack stack;

    @Inject
    RateLimitSweep sweep;

    static Response passwordGrant(String client, String username) {
        return given().header(TestClients.FORWARDED_FOR, client).contentType(ContentType.URLENC)
                .formParam("grant_type", "password").formParam("username", username).formParam("password", "pw")
                .post("/token");
    }

    static Response refreshGrant(String client) {
        return given().header(TestClients.FORWARDED_FOR, client).contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token").formParam("refresh_token", "no-such-token").post("/token");
    }

    static String wrongPassword() {
        String email = "limited-" + UUID.randomUUID() + "@example.com";
        UserServiceStub.AUTHENTICATE.put(email, new Object[] { 400, Map.of("error", "invalid_grant",
                "error_description", "No user found with that email, or password invalid.") });
        return email;
    }

    static void refused(Response response) {
        response.then().statusCode(429).contentType(ContentType.JSON)
                .body("code", equalTo(429)).body("msg", equalTo("Rate limit exceeded"));
        long retryAfter = Long.parseLong(response.getHeader("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
    }

    @Test
    void anAccountGetsItsPasswordGrantsWhicheverAddressTheyComeFrom() {
        String email = wrongPassword();
        for (int i = 0; i < PASSWORD_PER_ACCOUNT; i++) {
            passwordGrant(TestClients.address(), email).then().statusCode(400).body("error", equalTo("invalid_grant"));
        }
        int checked = (int) UserServiceStub.AUTHENTICATE_CALLS.stream().filter(email::equals).count();
        refused(passwordGrant(TestClients.address(), email));
        refused(passwordGrant(TestClients.address(), "  " + email.toUpperCase() + " "));
        assertEquals(checked, UserServiceStub.AUTHENTICATE_CALLS.stream().filter(email::equals).count(),
                "a refused grant never reaches the password check");

        String other = wrongPassword();
        passwordGrant(TestClients.address(), other).then().statusCode(400);
        given().header(TestClients.FORWARDED_FOR, TestClients.address()).header("X-JWT-AUD", "another-audience")
                .contentType(ContentType.URLENC).formParam("grant_type", "password").formParam("username", email)
                .formParam("password", "pw").post("/token").then().statusCode(400);
    }

    @Test
    void aClientAddressGetsItsPasswordGrantsWhicheverAccountsTheyName() {
        String client = TestClients.address();
        for (int i = 0; i < PASSWORD_PER_CLIENT; i++) {
            passwordGrant(client, wrongPassword()).then().statusCode(400);
        }
        refused(passwordGrant(client, wrongPassword()));
        passwordGrant(TestClients.address(), wrongPassword()).then().statusCode(400);
    }

    @Test
    void refreshGrantsAreLimitedPerClientAddressAndUnknownGrantsNot() {
        String client = TestClients.address();
        for (int i = 0; i < REFRESH_PER_CLIENT; i++) {
            refreshGrant(client).then().statusCode(400).body("error_description", equalTo("Invalid Refresh Token"));
        }
        refused(refreshGrant(client));
        refreshGrant(TestClients.address()).then().statusCode(400);
        for (int i = 0; i < REFRESH_PER_CLIENT + 2; i++) {
            given().header(TestClients.FORWARDED_FOR, client).contentType(ContentType.URLENC)
                    .formParam("grant_type", "nope").post("/token").then().statusCode(400)
                    .body("error", equalTo("unsupported_grant_type"));
        }
    }

    @Test
    void verifyIsLimitedPerClientAddressAndPerToken() {
        String token = "unknown-" + UUID.randomUUID();
        for (int i = 0; i < VERIFY_PER_TOKEN; i++) {
            verify(TestClients.address(), token).then().statusCode(404);
        }
        refused(verify(TestClients.address(), token));

        String client = TestClients.address();
        for (int i = 0; i < VERIFY_PER_CLIENT; i++) {
            verify(client, "unknown-" + UUID.randomUUID()).then().statusCode(404);
        }
        refused(verify(client, "unknown-" + UUID.randomUUID()));
    }

    private static Response verify(String client, String token) {
        return given().header(TestClients.FORWARDED_FOR, client).contentType(ContentType.JSON)
                .body(Map.of("type", "signup", "token", token)).post("/verify");
    }

    @Test
    void anUntrustedPeerIsKeyedByItsOwnAddressWhateverItForwards() {
        int port = RestAssured.port;
        String peer = "127.0.0.2";
        for (int i = 0; i < REFRESH_PER_CLIENT; i++) {
            TestClients.Answer answer = TestClients.from(peer, port, "POST", "/token", "application/x-www-form-urlencoded",
                    "grant_type=refresh_token&refresh_token=nope", TestClients.FORWARDED_FOR, TestClients.address());
            assertEquals(400, answer.status(), answer.body());
        }
        TestClients.Answer limited = TestClients.from(peer, port, "POST", "/token",
                "application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=nope",
                TestClients.FORWARDED_FOR, TestClients.address());
        assertEquals(429, limited.status(), limited.body());
        assertEquals("{\"code\":429,\"msg\":\"Rate limit exceeded\"}", limited.body());
        assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
        TestClients.Answer elsewhere = TestClients.from("127.0.0.3", port, "POST", "/token",
                "application/x-www-form-urlencoded", "grant_type=refresh_token&refresh_token=nope");
        assertEquals(400, elsewhere.status(), "another peer has its own allowance");
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedAddressIsTheClient() {
        String client = "203.0.113." + (1 + (int) (Math.random() * 250));
        for (int i = 0; i < REFRESH_PER_CLIENT; i++) {
            // What the client itself wrote is on the left and changes every time; a trusted hop is on the right.
            given().header(TestClients.FORWARDED_FOR, TestClients.address() + ", " + client + ", 127.0.0.1")
                    .contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                    .formParam("refresh_token", "nope").post("/token").then().statusCode(400);
        }
        refused(given().header(TestClients.FORWARDED_FOR, "198.51.100.1, " + client)
                .contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", "nope").post("/token"));
    }

    @Test
    void theSweepForgetsAllowancesThatAreWholeAgain() throws Exception {
        String rested = TestClients.address();
        String limited = TestClients.address();
        refreshGrant(rested).then().statusCode(400);
        for (int i = 0; i < REFRESH_PER_CLIENT; i++) {
            refreshGrant(limited).then().statusCode(400);
        }
        Rate rate = Rate.parse(REFRESH_PER_CLIENT + "/1h", Duration.ofHours(1));
        String restedKey = new Limit("refresh.client", key(rested), rate).key();
        String limitedKey = new Limit("refresh.client", key(limited), rate).key();
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "update auth.rate_limits set tat = now() - interval '1 second' where key = ?")) {
            s.setString(1, restedKey);
            assertEquals(1, s.executeUpdate(), "the client's allowance has a row");
        }
        assertTrue(sweep.sweep().await().atMost(Duration.ofSeconds(30)) >= 1);
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select key from auth.rate_limits where key = any(?)")) {
            s.setArray(1, c.createArrayOf("text", new Object[] { restedKey, limitedKey }));
            ResultSet rows = s.executeQuery();
            assertTrue(rows.next());
            assertEquals(limitedKey, rows.getString(1), "a spent allowance is kept");
            assertFalse(rows.next(), "a whole one is gone");
        }
        refused(refreshGrant(limited));
    }

    /** The client key of an IPv6 test address: its /64. */
    private static String key(String address) {
        String[] groups = address.split(":");
        return List.of(groups[0], groups[1], groups[2], groups[3]).stream().reduce((a, b) -> a + ":" + b).get()
                + "::/64";
    }
}
