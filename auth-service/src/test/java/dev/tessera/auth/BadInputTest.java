package dev.tessera.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.testing.BadRequest;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * auth-service's routes against bad input: GoTrue's shapes ({@code {"error","error_description"}} on /token, else
 * {@code {"code","msg"}}), never a 500, and no session is written.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    static final String USER_ID = UUID.randomUUID().toString();

    @InjectTestStack
    TestStack stack;

    long tokensBefore;

    static String unsigned() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "Bearer " + b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"" + USER_ID + "\",\"exp\":9999999999}").getBytes(StandardCharsets.UTF_8)) + ".";
    }

    static Stream<BadRequest> cases() {
        String form = "application/x-www-form-urlencoded";
        String json = "application/json";
        String expired = "Bearer " + TestTokens.sign(SECRET, USER_ID, "x@example.com", Instant.now().minusSeconds(30), Map.of());
        String forged = "Bearer " + TestTokens.sign("not-the-secret-not-the-secret-000", USER_ID, "x@example.com");
        return Stream.of(
                BadRequest.oauth("token: no grant type", "POST", "/token", form, "username=a", 400),
                BadRequest.oauth("token: unknown grant type", "POST", "/token", form, "grant_type=client_credentials", 400),
                BadRequest.oauth("token: JSON body", "POST", "/token", json, "{\"grant_type\":\"password\"}", 400),
                BadRequest.oauth("token: empty body", "POST", "/token", form, "", 400),
                BadRequest.oauth("token: broken percent-encoding", "POST", "/token", form, "grant_type=%zz&username=%", 400),
                BadRequest.oauth("token: refresh without token", "POST", "/token", form, "grant_type=refresh_token", 400),
                BadRequest.oauth("token: unknown refresh token", "POST", "/token", form, "grant_type=refresh_token&refresh_token=nope", 400),
                BadRequest.of("token: oversized body", "POST", "/token", form, "grant_type=password&password=" + "x".repeat(70_000), null, 413),
                BadRequest.of("verify: malformed JSON", "POST", "/verify", json, "{\"type\":", null, 400),
                BadRequest.of("verify: empty body", "POST", "/verify", json, "", null, 400),
                BadRequest.of("verify: form body", "POST", "/verify", form, "type=signup&token=x", null, 400),
                BadRequest.of("verify: array", "POST", "/verify", json, "[1]", null, 400),
                BadRequest.of("verify: unknown token", "POST", "/verify", json, "{\"type\":\"signup\",\"token\":\"nope\"}", null, 404),
                BadRequest.of("logout: no token", "POST", "/logout", null, null, null, 401),
                BadRequest.of("logout: forged token", "POST", "/logout", null, null, forged, 401),
                BadRequest.of("logout: expired token", "POST", "/logout", null, null, expired, 401),
                BadRequest.of("logout: unsigned token", "POST", "/logout", null, null, unsigned(), 401),
                BadRequest.of("logout: subject not a user id", "POST", "/logout", null, null,
                        "Bearer " + TestTokens.sign(SECRET, "someone", "x@example.com"), 401),
                BadRequest.of("settings: wrong method", "POST", "/settings", json, "{}", null, 405));
    }

    @BeforeAll
    void countTokens() throws Exception {
        tokensBefore = refreshTokens();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersA4xxInGoTruesShape(BadRequest c) {
        c.check(TestClients.FORWARDED_FOR, TestClients.address());
    }

    @AfterAll
    void noSessionWasWritten() throws Exception {
        assertEquals(tokensBefore, refreshTokens());
    }

    long refreshTokens() throws Exception {
        try (Connection c = stack.jdbc(); ResultSet rs = c.createStatement().executeQuery("select count(*) from auth.refresh_tokens")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
