package dev.tessera.auth.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.TestStack;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The grants and the session rows as auth-service's tests use them, with user-service stubbed. */
public final class Grants {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Grants() {
    }

    /** What user-service answers about a user, with the session epoch it keeps for them. */
    public static Map<String, Object> identity(UUID id, String email, long sessionEpoch, UUID keptSessionId) {
        Map<String, Object> identity = new HashMap<>(Map.of("id", id.toString(), "aud", "", "email", email, "role", "",
                "confirmed", true, "app_metadata", Map.of("provider", "email"),
                "user_metadata", Map.of("full_name", "Ada"), "session_epoch", sessionEpoch));
        if (keptSessionId != null) {
            identity.put("kept_session_id", keptSessionId.toString());
        }
        return identity;
    }

    /** A user the stub authenticates with any password and finds by id; answers the address. */
    public static String knownUser(UUID id) {
        return knownUser(id, 0);
    }

    public static String knownUser(UUID id, long sessionEpoch) {
        String email = "u-" + id + "@example.com";
        UserServiceStub.AUTHENTICATE.put(email, new Object[] { 200, identity(id, email, sessionEpoch, null) });
        UserServiceStub.USERS.put(id.toString(), new Object[] { 200, identity(id, email, sessionEpoch, null) });
        return email;
    }

    public static Response passwordGrant(String email) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password").formParam("username", email).formParam("password", "pw")
                .post("/token");
    }

    public static Response refreshGrant(String token) {
        return given().contentType(ContentType.URLENC).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", token).post("/token");
    }

    /** The {@code session_id} claim of an access token (the signature is checked where the claims are). */
    public static String sessionOf(String accessToken) {
        return claims(accessToken).path("session_id").asText(null);
    }

    /** An access token's claims, unchecked (the signature is checked where the claims are). */
    public static JsonNode claims(String accessToken) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Presents one token {@code racers} times at once; answers each response. */
    public static List<Response> race(String token, int racers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return refreshGrant(token);
                }));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> answer : answers) {
                responses.add(answer.get(60, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The one answer of a race that was 200; every other one was {@code Invalid Refresh Token}. */
    public static Response theOneThatWon(List<Response> answers) {
        List<Response> won = answers.stream().filter(a -> a.statusCode() == 200).toList();
        assertEquals(1, won.size(), answers.stream().map(Response::asString).toList().toString());
        answers.stream().filter(a -> a.statusCode() != 200).forEach(lost -> lost.then().statusCode(400)
                .body("error", equalTo("invalid_grant")).body("error_description", equalTo("Invalid Refresh Token")));
        return won.get(0);
    }

    /** Sets a column of the rows {@code where} selects to {@code now() - age}; answers how many rows. */
    public static int backdate(TestStack stack, String table, String column, String age, String where, Object value)
            throws Exception {
        try (Connection c = stack.jdbc(); PreparedStatement s = c.prepareStatement("update auth." + table + " set "
                + column + " = " + column + " - ?::interval where " + where)) {
            s.setString(1, age);
            s.setObject(2, value);
            return s.executeUpdate();
        }
    }

    /** {@code select count(*) from auth.<table> where <where>} with one parameter. */
    public static int count(TestStack stack, String table, String where, Object value) throws Exception {
        try (Connection c = stack.jdbc();
                PreparedStatement s = c.prepareStatement("select count(*) from auth." + table + " where " + where)) {
            s.setObject(1, value);
            ResultSet rs = s.executeQuery();
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    /** The user's sessions, tokens (live and rotated out) and rotations, in that order. */
    public static List<Integer> rows(TestStack stack, UUID userId) throws Exception {
        return List.of(count(stack, "sessions", "user_id = ?", userId),
                count(stack, "refresh_tokens", "user_id = ?", userId),
                count(stack, "refresh_token_rotations", "token_id in (select id from auth.refresh_tokens where user_id = ?)",
                        userId));
    }

    /** Waits for one event of a type about a user; awaitRecords also checks it against docs/asyncapi.yaml. */
    public static String awaitEvent(TestStack stack, UUID userId, String type) {
        return stack.awaitRecords(Topic.EVENTS, seen -> seen.stream().anyMatch(r -> r.key().equals(userId.toString())
                && r.value().contains("\"type\":\"" + type + "\"")), Duration.ofSeconds(30)).stream()
                .filter(r -> r.key().equals(userId.toString()) && r.value().contains("\"type\":\"" + type + "\""))
                .findFirst().orElseThrow().value();
    }

    public static void assertRows(TestStack stack, UUID userId, int sessions, int tokens, int rotations, String why)
            throws Exception {
        assertEquals(List.of(sessions, tokens, rotations), rows(stack, userId), why + " (sessions, tokens, rotations)");
    }
}
