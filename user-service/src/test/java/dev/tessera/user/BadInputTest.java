package dev.tessera.user;

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


import dev.tessera.platform.testing.BadRequest;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.testing.HookServiceStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every public route of user-service against bad input: each case gets a 4xx in GoTrue's shape (never a 500 or a
 * stack trace), and nothing of it reaches the database.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    static final String USER_ID = UUID.randomUUID().toString();

    @InjectTestStack
    TestStack stack;

    long usersBefore;

    static String bearer() {
        return "Bearer " + TestTokens.sign(SECRET, USER_ID, "someone@example.com");
    }

    static String operator() {
        return "Bearer test-operator-token";
    }

    static String deepJson(int depth) {
        return "{\"email\":\"deep@example.com\",\"password\":\"pw\",\"data\":" + "{\"a\":".repeat(depth) + "1"
                + "}".repeat(depth) + "}";
    }

    static String unsigned(String payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "Bearer " + b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".";
    }

    static Stream<BadRequest> cases() {
        String json = "application/json";
        String form = "application/x-www-form-urlencoded";
        String expired = "Bearer " + TestTokens.sign(SECRET, USER_ID, "x@example.com", Instant.now().minusSeconds(30), Map.of());
        String forged = "Bearer " + TestTokens.sign("not-the-secret-not-the-secret-000", USER_ID, "x@example.com");
        String noExpiry = "Bearer " + TestTokens.sign(SECRET, USER_ID, "x@example.com", null, Map.of());
        // Signed, with an expiry past what a clock can hold.
        String farExpiry = "Bearer " + TestTokens.sign(SECRET, USER_ID, "x@example.com", null, Map.of("exp", 1e20));
        return Stream.of(
                BadRequest.of("signup: malformed JSON", "POST", "/signup", json, "{\"email\":", null, 400),
                BadRequest.of("signup: form-encoded body", "POST", "/signup", form, "email=a%40b.co&password=pw", null, 400),
                BadRequest.of("signup: plain text", "POST", "/signup", "text/plain", "hello", null, 400),
                BadRequest.of("signup: empty body", "POST", "/signup", json, "", null, 400),
                BadRequest.of("signup: JSON null", "POST", "/signup", json, "null", null, 422),
                BadRequest.of("signup: JSON array", "POST", "/signup", json, "[]", null, 400),
                BadRequest.of("signup: number as data", "POST", "/signup", json, "{\"email\":\"n@example.com\",\"password\":\"pw\",\"data\":5}", null, 400),
                BadRequest.of("signup: no email", "POST", "/signup", json, "{\"password\":\"pw\"}", null, 422),
                BadRequest.of("signup: no password", "POST", "/signup", json, "{\"email\":\"p@example.com\"}", null, 422),
                BadRequest.of("signup: invalid email", "POST", "/signup", json, "{\"email\":\"nope\",\"password\":\"pw\"}", null, 422),
                BadRequest.of("signup: two @", "POST", "/signup", json, "{\"email\":\"a@b@example.com\",\"password\":\"pw\"}", null, 422),
                BadRequest.of("signup: display name", "POST", "/signup", json, "{\"email\":\"Ann <ann@example.com>\",\"password\":\"pw\"}", null, 422),
                BadRequest.of("signup: unicode email", "POST", "/signup", json, "{\"email\":\"jürgen@exämple.com\",\"password\":\"pw\"}", null, 422),
                BadRequest.of("signup: encoded word in the email", "POST", "/signup", json, "{\"email\":\"=?utf-8?q?victim=40example.org?=@example.com\",\"password\":\"pw\"}", null, 422),
                BadRequest.of("update: encoded word in the email", "PUT", "/user", json, "{\"email\":\"x=?iso-8859-1?B?YQ==?=y@example.com\"}", bearer(), 422),
                BadRequest.of("signup: very long email", "POST", "/signup", json, "{\"email\":\"" + "a".repeat(250) + "@example.com\",\"password\":\"pw\"}", null, 422),
                BadRequest.of("signup: very long password", "POST", "/signup", json, "{\"email\":\"lp@example.com\",\"password\":\"" + "é".repeat(40) + "\"}", null, 422),
                BadRequest.of("signup: huge metadata", "POST", "/signup", json, "{\"email\":\"h@example.com\",\"password\":\"pw\",\"data\":{\"blob\":\"" + "x".repeat(70_000) + "\"}}", null, 413),
                BadRequest.of("signup: nested too deep", "POST", "/signup", json, deepJson(2000), null, 400),
                BadRequest.of("recover: malformed JSON", "POST", "/recover", json, "{", null, 400),
                BadRequest.of("recover: no email", "POST", "/recover", json, "{}", null, 422),
                BadRequest.of("user: no token", "GET", "/user", null, null, null, 401),
                BadRequest.of("user: not a bearer", "GET", "/user", null, null, "Basic dXNlcjpwdw==", 401),
                BadRequest.of("user: garbage token", "GET", "/user", null, null, "Bearer abc.def.ghi", 401),
                BadRequest.of("user: forged token", "GET", "/user", null, null, forged, 401),
                BadRequest.of("user: expired token", "GET", "/user", null, null, expired, 401),
                BadRequest.of("user: token without expiry", "GET", "/user", null, null, noExpiry, 401),
                BadRequest.of("user: expiry out of range", "GET", "/user", null, null, farExpiry, 401),
                BadRequest.of("admin: expiry out of range", "GET", "/admin/users", null, null, farExpiry, 401),
                BadRequest.of("user: unsigned token", "GET", "/user", null, null, unsigned("{\"sub\":\"" + USER_ID + "\",\"exp\":9999999999}"), 401),
                BadRequest.of("update: malformed JSON", "PUT", "/user", json, "{\"data\":", bearer(), 400),
                BadRequest.of("update: invalid email", "PUT", "/user", json, "{\"email\":\"nope\"}", bearer(), 422),
                BadRequest.of("update: password too long", "PUT", "/user", json, "{\"password\":\"" + "p".repeat(100) + "\"}", bearer(), 422),
                BadRequest.of("update: unknown user", "PUT", "/user", json, "{\"data\":{\"a\":1}}", bearer(), 404),
                BadRequest.of("invite: no credentials", "POST", "/invite", json, "{\"email\":\"i@example.com\"}", null, 401),
                BadRequest.of("invite: malformed JSON", "POST", "/invite", json, "{", operator(), 400),
                BadRequest.of("invite: invalid email", "POST", "/invite", json, "{\"email\":\"nope\"}", operator(), 422),
                BadRequest.of("invite: no email", "POST", "/invite", json, "{\"data\":{}}", operator(), 422),
                BadRequest.of("invite: NUL in aud", "POST", "/invite", json, "{\"email\":\"na@example.com\",\"aud\":\"\\u0000\"}", operator(), 400),
                BadRequest.of("signup: lone surrogate in the password", "POST", "/signup", json, "{\"email\":\"lsp@example.com\",\"password\":\"Pass-\\ud800-word1\"}", null, 422),
                BadRequest.of("update: lone surrogate in the password", "PUT", "/user", json, "{\"password\":\"Pass-\\udfff-word1\"}", bearer(), 422),
                BadRequest.of("admin: lone surrogate in aud", "POST", "/admin/users", json, "{\"email\":\"ls@example.com\",\"aud\":\"\\ud800\"}", operator(), 400),
                BadRequest.of("admin: user token", "GET", "/admin/users", null, null, bearer(), 401),
                BadRequest.of("admin: bad page", "GET", "/admin/users?page=-1", null, null, operator(), 400),
                BadRequest.of("admin: bad per_page", "GET", "/admin/users?per_page=lots", null, null, operator(), 400),
                BadRequest.of("admin: bad sort", "GET", "/admin/users?sort=email", null, null, operator(), 400),
                BadRequest.of("admin: NUL in filter", "GET", "/admin/users?filter=a\u0000b", null, null, operator(), 400),
                BadRequest.of("audit: NUL in query", "GET", "/admin/audit?query=action:\u0000", null, null, operator(), 400),
                BadRequest.of("admin: create malformed", "POST", "/admin/users", json, "{\"email\"", operator(), 400),
                BadRequest.of("admin: create invalid email", "POST", "/admin/users", json, "{\"email\":\"x\"}", operator(), 422),
                BadRequest.of("admin: create long password", "POST", "/admin/users", json, "{\"email\":\"lp2@example.com\",\"password\":\"" + "p".repeat(80) + "\"}", operator(), 422),
                BadRequest.of("admin: id not a UUID", "GET", "/admin/users/123", null, null, operator(), 400),
                BadRequest.of("admin: update unknown", "PUT", "/admin/users/" + UUID.randomUUID(), json, "{\"role\":\"x\"}", operator(), 404),
                BadRequest.of("admin: update malformed", "PUT", "/admin/users/" + UUID.randomUUID(), json, "[", operator(), 400),
                BadRequest.of("admin: delete unknown", "DELETE", "/admin/users/" + UUID.randomUUID(), json, null, operator(), 404),
                BadRequest.of("audit: bad scope", "GET", "/admin/audit?query=color:red", null, null, operator(), 400),
                BadRequest.of("unknown route", "GET", "/nowhere", null, null, null, 404),
                BadRequest.of("wrong method", "DELETE", "/signup", null, null, null, 405));
    }

    @BeforeAll
    void countUsers() throws Exception {
        usersBefore = users();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersA4xxInGoTruesShape(BadRequest c) {
        c.check();
    }

    @AfterAll
    void nothingWasWritten() throws Exception {
        assertEquals(usersBefore, users(), "refused requests wrote no users");
    }

    long users() throws Exception {
        try (Connection c = stack.jdbc(); ResultSet rs = c.createStatement().executeQuery("select count(*) from users.users")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
