package dev.tessera.user;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.InternalApiStub.Answer;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.hooks.HooksTest;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.testing.ServiceCredentialForTests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * User metadata on every route that takes it ({@code data} of /signup, /invite and PUT /user, {@code user_metadata}
 * and {@code app_metadata} of the admin API): what PostgreSQL's jsonb cannot hold or would change is refused with a
 * 400, metadata larger than the cap (16384 bytes of JSON each, the default) with a 422, both in GoTrue's shape and with
 * nothing written; and a token carrying both metadata at the cap is still accepted. What no client sent is held to
 * the same rules: a function's answer (500, as for malformed JSON), a provider's profile (unstorable members left
 * out), an admin's role.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class MetadataTest {

    static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    static final int CAP = 16384;
    static final ObjectMapper JSON = new ObjectMapper();

    @InjectTestStack
    TestStack stack;

    static RequestSpecification operator() {
        return given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON);
    }

    static RequestSpecification as(String id, String email) {
        return given().header("Authorization", "Bearer " + TestTokens.sign(SECRET, id, email))
                .contentType(ContentType.JSON);
    }

    static String email(String what) {
        return what + "-" + UUID.randomUUID() + "@example.com";
    }

    /** A confirmed user created by the operator, with {@code {"kept":"yes"}} in both metadata. */
    static String user(String email) {
        return operator().body(Map.of("email", email, "password", "Meta-pass-12345", "confirm", true,
                "user_metadata", Map.of("kept", "yes"), "app_metadata", Map.of("kept", "yes")))
                .post("/admin/users").then().statusCode(200).extract().path("id");
    }

    /** A metadata object of exactly {@code bytes} bytes as compact JSON: {@code {"blob":"xxx…"}}. */
    static Map<String, Object> ofSize(String key, int bytes) {
        return Map.of(key, "x".repeat(bytes - ("{\"" + key + "\":\"\"}").length()));
    }

    static void refused(ValidatableResponse answer, int status, String message) {
        answer.statusCode(status).body("code", equalTo(status)).body("msg", equalTo(message));
    }

    /** The stored metadata column of a user, as jsonb's text; null when there is no such user. */
    String stored(String email, String column) throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement(
                "select " + column + "::text from users.users where lower(email) = lower(?)")) {
            s.setString(1, email);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? String.valueOf(rs.getString(1)) : null;
            }
        }
    }

    long users(String email) throws Exception {
        return HooksTest.users(stack, email);
    }

    /** Metadata, as JSON text with escapes, that jsonb cannot store or that would not come back as it was sent. */
    static Stream<Arguments> oddMetadata() {
        String nul = "must not contain the NUL character";
        String range = "holds a number out of range";
        String surrogate = "holds a lone UTF-16 surrogate";
        Map<String, String[]> odd = Map.of(
                "NUL in a string", new String[] {"{\"x\":\"a\\u0000\"}", nul},
                "NUL in a key", new String[] {"{\"a\\u0000b\":1}", nul},
                "NUL nested in a list", new String[] {"{\"x\":[{\"y\":\"\\u0000\"}]}", nul},
                "number out of range", new String[] {"{\"n\":1e400}", range},
                "negative number out of range", new String[] {"{\"n\":[-1e400]}", range},
                "lone high surrogate", new String[] {"{\"s\":\"\\ud800\"}", surrogate},
                "lone low surrogate in a list", new String[] {"{\"x\":[\"a\\udc00b\"]}", surrogate});
        List<Arguments> cases = new ArrayList<>();
        for (String route : List.of("POST /signup data", "PUT /user data", "POST /invite data",
                "POST /admin/users user_metadata", "POST /admin/users app_metadata",
                "PUT /admin/users/{id} user_metadata", "PUT /admin/users/{id} app_metadata")) {
            odd.forEach((name, c) -> cases.add(Arguments.of(route, name, c[0], c[1])));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("oddMetadata")
    void metadataJsonbCannotHoldAsSentIsRefusedWith400AndNothingIsWritten(String route, String name, String metadata,
            String reason) throws Exception {
        String email = email("odd");
        String field = route.endsWith("app_metadata") ? "app_metadata" : "user_metadata";
        String message = field + " " + reason;
        switch (route) {
            case "POST /signup data" -> refused(given().contentType(ContentType.JSON)
                    .body("{\"email\":\"" + email + "\",\"password\":\"Odd-pass-12345\",\"data\":" + metadata + "}")
                    .post("/signup").then(), 400, message);
            case "POST /invite data" -> refused(operator()
                    .body("{\"email\":\"" + email + "\",\"data\":" + metadata + "}")
                    .post("/invite").then(), 400, message);
            case "POST /admin/users user_metadata", "POST /admin/users app_metadata" -> refused(operator()
                    .body("{\"email\":\"" + email + "\",\"" + field + "\":" + metadata + "}")
                    .post("/admin/users").then(), 400, message);
            default -> {
                String id = user(email);
                String body = route.startsWith("PUT /user") ? "{\"data\":" + metadata + "}"
                        : "{\"" + field + "\":" + metadata + "}";
                RequestSpecification request = route.startsWith("PUT /user") ? as(id, email) : operator();
                refused(request.body(body).put(route.startsWith("PUT /user") ? "/user" : "/admin/users/" + id).then(),
                        400, message);
                assertEquals("{\"kept\": \"yes\"}", stored(email, "user_metadata"), "user_metadata unchanged");
                assertEquals("{\"kept\": \"yes\", \"provider\": \"email\"}", stored(email, "app_metadata"),
                        "app_metadata unchanged");
                return;
            }
        }
        assertEquals(0, users(email), "no user was created");
    }

    /** The checks refuse only what cannot be kept: a surrogate pair, control characters and big numbers round-trip. */
    @Test
    void unusualButValidMetadataIsStoredAndAnsweredAsSent() throws Exception {
        String email = email("valid");
        String data = "{\"emoji\":\"\\ud83d\\ude00\",\"control\":\"a\\u0001\\u001fb\",\"big\":12345678901234567890123,"
                + "\"small\":1e-300,\"\\ud83d\\udc4b\":[1.5,-0.25]}";
        String answer = given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + email + "\",\"password\":\"Valid-pass-12345\",\"data\":" + data + "}")
                .post("/signup").then().statusCode(200).extract().asString();
        JsonNode sent = JSON.readTree(data);
        assertEquals(sent, JSON.readTree(answer).get("user_metadata"), "answered as sent");
        assertEquals(sent, JSON.readTree(stored(email, "user_metadata")), "stored as sent");
    }

    /**
     * NUL elsewhere in a body: an address with one is not valid, and neither is a password (bcrypt pads with NUL, so
     * {@code "x\0x"} would be {@code "x"}, and eight NULs the empty password, which never signs in).
     */
    @Test
    void aNulInTheAddressOrThePasswordIsRefused() throws Exception {
        String local = "nul-" + UUID.randomUUID();
        refused(given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + local + "\\u0000x@example.com\",\"password\":\"Nul-pass-12345\"}")
                .post("/signup").then(), 422, "Unable to validate email address: only ASCII addresses without spaces"
                        + " are supported");
        refused(operator().body("{\"email\":\"" + local + "\\u0000y@example.com\"}").post("/invite").then(), 422,
                "Unable to validate email address: only ASCII addresses without spaces are supported");
        String nul = "Password must not contain the NUL character";
        refused(given().contentType(ContentType.JSON)
                .body("{\"email\":\"" + email("nul-signup") + "\",\"password\":\"password\\u0000password\"}")
                .post("/signup").then(), 422, nul);
        refused(operator().body("{\"email\":\"" + email("nul-admin") + "\",\"password\":\"" + "\\u0000".repeat(8) + "\"}")
                .post("/admin/users").then(), 422, nul);
        String email = email("nul-password");
        String id = user(email);
        refused(as(id, email).body("{\"password\":\"Nul-\\u0000-pass-12345\"}").put("/user").then(), 422, nul);
        given().header("Authorization", "Bearer " + ServiceCredentialForTests.derive(SECRET))
                .contentType(ContentType.JSON)
                .body("{\"email\":\"" + email + "\",\"password\":\"Meta-pass-12345\",\"aud\":\"\"}")
                .post("/internal/authenticate").then().statusCode(200);
    }

    @Test
    void metadataUpToTheCapIsStoredAndOneByteMoreIsRefusedWith422() throws Exception {
        String atCap = email("at-cap");
        given().contentType(ContentType.JSON)
                .body(Map.of("email", atCap, "password", "Cap-pass-12345", "data", ofSize("blob", CAP)))
                .post("/signup").then().statusCode(200);
        assertEquals(CAP + 1, stored(atCap, "user_metadata").length(), "stored (jsonb adds one space)");

        String over = email("over-cap");
        refused(given().contentType(ContentType.JSON)
                .body(Map.of("email", over, "password", "Cap-pass-12345", "data", ofSize("blob", CAP + 1)))
                .post("/signup").then(), 422, "user_metadata is larger than 16384 bytes as JSON");
        assertEquals(0, users(over));

        // 60 KB fits the 64 KB body limit; it once made an 80 KB token that no service accepted.
        refused(given().contentType(ContentType.JSON)
                .body(Map.of("email", over, "password", "Cap-pass-12345", "data", ofSize("blob", 60_000)))
                .post("/signup").then(), 422, "user_metadata is larger than 16384 bytes as JSON");
        refused(operator().body(Map.of("email", over, "data", ofSize("blob", CAP + 1))).post("/invite").then(), 422,
                "user_metadata is larger than 16384 bytes as JSON");
        refused(operator().body(Map.of("email", over, "user_metadata", ofSize("blob", CAP + 1))).post("/admin/users")
                .then(), 422, "user_metadata is larger than 16384 bytes as JSON");
        // app_metadata is applied over {"provider":"email"}, which counts too.
        refused(operator().body(Map.of("email", over, "app_metadata", ofSize("blob", CAP - 10))).post("/admin/users")
                .then(), 422, "app_metadata is larger than 16384 bytes as JSON");
        assertEquals(0, users(over), "no user was created");
    }

    /** The cap holds for what is stored after the merge, so repeated updates cannot grow metadata past it. */
    @Test
    void updatesCannotMergeMetadataPastTheCap() throws Exception {
        String email = email("grow");
        String id = user(email);
        as(id, email).body(Map.of("data", ofSize("a", 10_000))).put("/user").then().statusCode(200);
        refused(as(id, email).body(Map.of("data", ofSize("b", 10_000))).put("/user").then(), 422,
                "user_metadata is larger than 16384 bytes as JSON");
        JsonNode kept = JSON.readTree(stored(email, "user_metadata"));
        assertEquals(List.of("a", "kept"), sortedNames(kept.fieldNames()), "only the first update was stored");

        Map<String, Object> swap = new HashMap<>(ofSize("b", 10_000));
        swap.put("a", null);
        as(id, email).body(Map.of("data", swap)).put("/user").then().statusCode(200);
        assertEquals(List.of("b", "kept"), sortedNames(JSON.readTree(stored(email, "user_metadata")).fieldNames()),
                "a removed and b added in one merge that stays under the cap");

        operator().body(Map.of("app_metadata", ofSize("c", 10_000))).put("/admin/users/" + id).then().statusCode(200);
        refused(operator().body(Map.of("app_metadata", ofSize("d", 10_000))).put("/admin/users/" + id).then(), 422,
                "app_metadata is larger than 16384 bytes as JSON");
        refused(operator().body(Map.of("user_metadata", ofSize("d", 10_000))).put("/admin/users/" + id).then(), 422,
                "user_metadata is larger than 16384 bytes as JSON");
        assertEquals(List.of("c", "kept", "provider"),
                sortedNames(JSON.readTree(stored(email, "app_metadata")).fieldNames()), "app_metadata as before");
    }

    static List<String> sortedNames(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        list.sort(null);
        return list;
    }

    /** Both metadata at the cap make a token of about 45 KB, which must still pass every service's header limit. */
    @Test
    void aTokenCarryingBothMetadataAtTheCapIsAccepted() throws Exception {
        String email = email("big-token");
        Map<String, Object> userMetadata = ofSize("u", CAP);
        Map<String, Object> appMetadata = new HashMap<>(ofSize("a", CAP - ",\"provider\":\"email\"".length()));
        String id = operator().body(Map.of("email", email, "confirm", true, "user_metadata", userMetadata,
                "app_metadata", appMetadata)).post("/admin/users").then().statusCode(200).extract().path("id");
        appMetadata.put("provider", "email");
        String token = TestTokens.sign(SECRET, id, email, Instant.now().plusSeconds(3600),
                Map.of("aud", "", "app_metadata", appMetadata, "user_metadata", userMetadata,
                        "session_id", UUID.randomUUID().toString()));
        given().header("Authorization", "Bearer " + token).get("/user").then().statusCode(200)
                .body("id", equalTo(id));
        given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .body(Map.of("data", Map.of("u", ""))).put("/user").then().statusCode(200)
                .body("user_metadata.u", equalTo(""));
    }

    /** An identity function is the operator's code: what it answers fails the action, clearly, before anything is written. */
    @Test
    void metadataAFunctionAnswersIsHeldToTheSameRules() throws Exception {
        String nul = email("hook-nul");
        refused(signupWhoseValidateAnswers(nul, Map.of("app_metadata", Map.of("roles", List.of("a\u0000b")))), 500,
                "Webhook returned metadata that cannot be stored: app_metadata must not contain the NUL character");
        String big = email("hook-big");
        refused(signupWhoseValidateAnswers(big, Map.of("user_metadata", ofSize("blob", CAP + 1))), 500,
                "Webhook returned metadata that cannot be stored: user_metadata is larger than 16384 bytes as JSON");
        assertEquals(0, users(nul) + users(big), "no user was created");

        String atCap = email("hook-at-cap");
        signupWhoseValidateAnswers(atCap, Map.of("user_metadata", ofSize("blob", CAP))).statusCode(200);
        assertEquals(CAP + 1, stored(atCap, "user_metadata").length(), "an answer at the cap is stored");
    }

    static ValidatableResponse signupWhoseValidateAnswers(String email, Map<String, Object> answer) {
        HookServiceStub.ANSWERS.put(HookServiceStub.key("validate", email), Answer.ok(answer));
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "password", "Hook-pass-12345"))
                .post("/signup").then();
    }

    /** A provider's profile members that jsonb cannot hold are left out; the sign-in goes on with the rest. */
    @Test
    void aProfileMemberThatCannotBeStoredIsLeftOut() throws Exception {
        String email = email("oauth-nul");
        String body = "{\"provider\":\"github\",\"aud\":\"\",\"emails\":[{\"email\":\"" + email
                + "\",\"verified\":true,\"primary\":true}],\"profile\":{\"full_name\":\"Octo\\u0000Cat\","
                + "\"avatar_url\":\"https://example.com/a.png\",\"slug\":\"octo\\ud800\"}}";
        given().header("Authorization", "Bearer " + ServiceCredentialForTests.derive(SECRET))
                .contentType(ContentType.JSON).body(body).post("/internal/external-login").then().statusCode(200);
        JsonNode stored = JSON.readTree(stored(email, "user_metadata"));
        assertEquals(List.of("avatar_url"), sortedNames(stored.fieldNames()));
    }

    @Test
    void anAdminSetRoleIsHeldToWhatATokenCanCarry() throws Exception {
        String email = email("role");
        String id = user(email);
        refused(operator().body("{\"role\":\"ed\\u0000itor\"}").put("/admin/users/" + id).then(), 400,
                "role must not contain the NUL character or a lone UTF-16 surrogate");
        refused(operator().body(Map.of("role", "r".repeat(256))).put("/admin/users/" + id).then(), 422,
                "role is longer than 255 characters");
        String other = email("role-new");
        refused(operator().body("{\"email\":\"" + other + "\",\"role\":\"\\udc00\"}").post("/admin/users").then(),
                400, "role must not contain the NUL character or a lone UTF-16 surrogate");
        assertEquals(0, users(other), "no user was created");
        operator().body(Map.of("role", "r".repeat(255))).put("/admin/users/" + id).then().statusCode(200)
                .body("role", equalTo("r".repeat(255)));
    }
}
