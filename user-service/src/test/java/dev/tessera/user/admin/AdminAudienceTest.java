package dev.tessera.user.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TestTokens;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.user.audit.AuditTest;
import dev.tessera.user.testing.HookServiceStub;
import dev.tessera.user.verify.VerifyAndAuthenticateTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Two audiences on one instance (X-JWT-AUD): an admin of one, or a system token of one, sees and changes the users of
 * that audience only, in the admin API and in the audit log; the operator token and super admins reach both.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = HookServiceStub.class, restrictToAnnotatedClass = false)
class AdminAudienceTest {

    static final String SECRET = VerifyAndAuthenticateTest.SECRET;

    @InjectTestStack
    TestStack stack;

    static RequestSpecification operator(String aud) {
        return given().header("Authorization", "Bearer test-operator-token").header("X-JWT-AUD", aud)
                .contentType(ContentType.JSON);
    }

    static RequestSpecification bearer(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    static String token(String subject, String email, String aud) {
        return TestTokens.sign(SECRET, subject, email, Instant.now().plusSeconds(600), Map.of("aud", aud));
    }

    String create(String aud, String email, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(extra);
        body.put("email", email);
        body.put("confirm", true);
        return operator(aud).body(body).post("/admin/users").then().statusCode(200).extract().path("id");
    }

    @Test
    void anAudiencesAdminReachesItsOwnUsersOnly() throws Exception {
        String a = "aud-a-" + UUID.randomUUID();
        String b = "aud-b-" + UUID.randomUUID();
        String adminEmail = "admin-" + UUID.randomUUID() + "@example.com";
        String adminId = create(a, adminEmail, Map.of("role", "admin"));
        String colleague = create(a, "colleague-" + UUID.randomUUID() + "@example.com", Map.of());
        String stranger = create(b, "stranger-" + UUID.randomUUID() + "@example.com", Map.of("user_metadata", Map.of("n", 1)));
        String admin = token(adminId, adminEmail, a);

        bearer(admin).get("/admin/users/" + colleague).then().statusCode(200);
        bearer(admin).body(Map.of("user_metadata", Map.of("by", "a"))).put("/admin/users/" + colleague).then().statusCode(200);
        for (String call : List.of("GET", "PUT", "DELETE")) {
            bearer(admin).body(Map.of("role", "admin", "password", "taken over now")).request(call, "/admin/users/" + stranger)
                    .then().statusCode(404).body("msg", equalTo("User not found"));
        }
        bearer(admin).header("X-JWT-AUD", b).get("/admin/users").then().statusCode(401).body("msg", equalTo("User not allowed"));
        bearer(admin).body(Map.of("aud", b, "email", "planted-" + UUID.randomUUID() + "@example.com")).post("/admin/users")
                .then().statusCode(401);
        bearer(admin).body(Map.of("aud", b, "email", "invited-" + UUID.randomUUID() + "@example.com")).post("/invite")
                .then().statusCode(401);
        bearer(admin).get("/admin/users").then().statusCode(200).body("aud", equalTo(a)).body("users", hasSize(2));

        // The stranger is untouched: same role, metadata, and still there.
        operator(b).get("/admin/users/" + stranger).then().statusCode(200)
                .body("role", equalTo("")).body("user_metadata.n", equalTo(1));

        // A system token of audience a is an admin of a, no more.
        String system = token("0", null, a);
        bearer(system).get("/admin/users/" + colleague).then().statusCode(200);
        bearer(system).get("/admin/users/" + stranger).then().statusCode(404);
        bearer(system).header("X-JWT-AUD", b).get("/admin/users").then().statusCode(401);

        // The operator token reaches both audiences, whatever the request's audience.
        operator(a).get("/admin/users/" + stranger).then().statusCode(200);
    }

    @Test
    void aSuperAdminReachesEveryAudience() throws Exception {
        String a = "aud-a-" + UUID.randomUUID();
        String b = "aud-b-" + UUID.randomUUID();
        String superEmail = "super-" + UUID.randomUUID() + "@example.com";
        String superId = create(a, superEmail, Map.of());
        String other = create(b, "other-" + UUID.randomUUID() + "@example.com", Map.of());
        try (Connection c = stack.jdbc();
                PreparedStatement s = c.prepareStatement("update users.users set is_super_admin = true where id = ?")) {
            s.setObject(1, UUID.fromString(superId));
            assertEquals(1, s.executeUpdate());
        }
        String superToken = token(superId, superEmail, a);
        bearer(superToken).get("/admin/users/" + other).then().statusCode(200);
        bearer(superToken).header("X-JWT-AUD", b).get("/admin/users").then().statusCode(200).body("users", hasSize(1));

        // An admin of the super admin's own audience, or a function's system token of it, changes nothing of it:
        // with its password or address it would hold every audience.
        String adminEmail = "admin-" + UUID.randomUUID() + "@example.com";
        String admin = token(create(a, adminEmail, Map.of("role", "admin")), adminEmail, a);
        for (String caller : List.of(admin, token("0", null, a))) {
            bearer(caller).get("/admin/users/" + superId).then().statusCode(200);
            for (Map<String, Object> change : List.of(Map.<String, Object>of("password", "the super admin's now"),
                    Map.<String, Object>of("email", "taken-" + UUID.randomUUID() + "@example.com"),
                    Map.<String, Object>of("ban_duration", "24h"), Map.<String, Object>of("role", ""))) {
                bearer(caller).body(change).put("/admin/users/" + superId).then().statusCode(403)
                        .body("msg", equalTo("A super admin can only be changed by the operator or another super admin"));
            }
            bearer(caller).delete("/admin/users/" + superId).then().statusCode(403);
        }
        operator(a).get("/admin/users/" + superId).then().statusCode(200).body("email", equalTo(superEmail))
                .body("banned_until", org.hamcrest.Matchers.nullValue());
        bearer(superToken).get("/admin/users/" + other).then().statusCode(200);
        // The operator and another super admin still manage it.
        operator(a).body(Map.of("user_metadata", Map.of("by", "operator"))).put("/admin/users/" + superId).then()
                .statusCode(200);
        bearer(superToken).body(Map.of("user_metadata", Map.of("by", "itself"))).put("/admin/users/" + superId)
                .then().statusCode(200);
    }

    /**
     * Entries about each user: its signup (user-service's event names the audience) and a login (auth-service's
     * names only the user, whose audience the audit log looks up).
     */
    @Test
    void theAuditLogShowsAnAudiencesAdminTheEntriesOfItsAudience() throws Exception {
        String a = "aud-a-" + UUID.randomUUID();
        String b = "aud-b-" + UUID.randomUUID();
        String adminEmail = "auditor-" + UUID.randomUUID() + "@example.com";
        String adminId = create(a, adminEmail, Map.of("role", "admin"));
        String mine = "mine-" + UUID.randomUUID() + "@example.com";
        String theirs = "theirs-" + UUID.randomUUID() + "@example.com";
        String mineId = signup(a, mine);
        String theirsId = signup(b, theirs);
        publishLogin(mineId, mine);
        publishLogin(theirsId, theirs);

        for (String email : List.of(mine, theirs)) {
            assertEquals(2, AuditTest.awaitEntries("author:" + email, 2).size(), "projected for the operator: " + email);
        }
        RequestSpecification admin = bearer(token(adminId, adminEmail, a));
        assertEquals(List.of("login", "user_signedup"), actions(admin.queryParam("query", "author:" + mine).get("/admin/audit")
                .then().statusCode(200).extract().jsonPath().getList("$")));
        bearer(token(adminId, adminEmail, a)).queryParam("query", "author:" + theirs).get("/admin/audit")
                .then().statusCode(200).header("X-Total-Count", "0").body("$", hasSize(0));
        List<Map<String, Object>> everything = bearer(token(adminId, adminEmail, a)).queryParam("per_page", 1000)
                .get("/admin/audit").then().statusCode(200).extract().jsonPath().getList("$");
        assertTrue(everything.stream().allMatch(entry -> mentionsAnyOf(entry, List.of(adminId, mineId))),
                "only entries about users of its audience: " + everything);
    }

    static String signup(String aud, String email) {
        return given().contentType(ContentType.JSON).header("X-JWT-AUD", aud)
                .body(Map.of("email", email, "password", "an audited password")).post("/signup")
                .then().statusCode(200).extract().path("id");
    }

    /** A login event as auth-service publishes it: the user's id and address, not its audience. */
    void publishLogin(String userId, String email) throws Exception {
        String id = UUID.randomUUID().toString();
        String event = VerifyAndAuthenticateTest.JSON.writeValueAsString(Map.of("specversion", "1.0", "id", id,
                "source", "urn:tessera:auth-service", "type", "dev.tessera.session.login.v1", "subject", userId,
                "time", Instant.now().toString(), "datacontenttype", "application/json", "partitionkey", userId,
                "data", Map.of("user_id", userId, "email", email, "session_id", UUID.randomUUID().toString())));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
            headers.add("message-id", id.getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(stack.topic(Topic.EVENTS), null, userId, event, headers)).get();
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> actions(List<Map<String, Object>> entries) {
        return entries.stream().map(entry -> (String) ((Map<String, Object>) entry.get("payload")).get("action"))
                .toList();
    }

    @SuppressWarnings("unchecked")
    static boolean mentionsAnyOf(Map<String, Object> entry, List<String> userIds) {
        Map<String, Object> payload = (Map<String, Object>) entry.get("payload");
        Map<String, Object> traits = (Map<String, Object>) payload.get("traits");
        Object about = traits != null ? traits.get("user_id") : payload.get("actor_id");
        return userIds.contains(about);
    }
}
