package dev.tessera.auth.oauth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.event.Topic;
import dev.tessera.platform.testing.FakeGitHub;
import dev.tessera.platform.testing.FakeGitHub.Account;
import dev.tessera.platform.testing.FakeGitHub.Email;
import dev.tessera.platform.testing.InjectTestStack;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TestStack;
import dev.tessera.platform.testing.TesseraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * {@code /authorize} and {@code /callback} against a real HTTP GitHub double, with user-service's internal API
 * stubbed (the user-side decisions and the hooks are tested in user-service and end to end in local-suite): the
 * redirect to the provider, the signed state and its browser binding, the code exchange, the profile read, and
 * every answer GoTrue gives on the way back.
 */
@QuarkusTest
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = GitHubResource.class, restrictToAnnotatedClass = false)
class OAuthTest {

    static final String SITE = "http://localhost:8081";
    static final String OPERATOR = "test-operator-token";
    static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";

    @InjectTestStack
    TestStack stack;

    FakeGitHub github;

    @BeforeEach
    void provider() {
        github = GitHubResource.github;
        github.profileAnswers(200);
    }

    /** A started flow: the state the provider was given and the browser's cookie. */
    record Flow(String state, String cookie, Map<String, String> query) {
    }

    Flow authorize(String provider, String referer) {
        var request = given().redirects().follow(false).queryParam("provider", provider);
        if (referer != null) {
            request.header("Referer", referer);
        }
        Response response = request.get("/authorize");
        response.then().statusCode(302);
        String location = response.header("Location");
        assertTrue(location.startsWith(github.url() + "/login/oauth/authorize?"), location);
        Map<String, String> query = params(URI.create(location).getRawQuery());
        return new Flow(query.get("state"), response.getCookie("tessera_oauth"), query);
    }

    Response callback(Flow flow, String code) {
        var request = given().redirects().follow(false).queryParam("state", flow.state());
        if (code != null) {
            request.queryParam("code", code);
        }
        if (flow.cookie() != null) {
            request.cookie("tessera_oauth", flow.cookie());
        }
        return request.get("/callback");
    }

    static Map<String, Object> identity(UUID id, String email, boolean confirmed) {
        return Map.of("id", id.toString(), "aud", "", "email", email, "role", "", "confirmed", confirmed,
                "app_metadata", Map.of("provider", "github"), "user_metadata", Map.of("full_name", "Grace Hopper"));
    }

    static Account account(String email) {
        return Account.of("Grace Hopper", new Email("private-" + email, false, false), new Email(email, true, true));
    }

    @Test
    void settingsReportTheEnabledProviders() {
        given().get("/settings").then().statusCode(200)
                .body("external.github", equalTo(true))
                .body("external.gitlab", equalTo(true))
                .body("external.google", equalTo(false))
                .body("external.email", equalTo(true));
    }

    @Test
    void authorizeSendsTheBrowserToTheProviderWithASignedBoundState() throws Exception {
        Flow flow = authorize("GitHub", null);
        assertEquals(GitHubResource.CLIENT_ID, flow.query().get("client_id"));
        assertEquals(GitHubResource.REDIRECT_URI, flow.query().get("redirect_uri"));
        assertEquals("code", flow.query().get("response_type"));
        assertEquals("user:email", flow.query().get("scope"));
        assertNotNull(flow.cookie(), "the flow is bound to this browser");

        JwtClaims claims = JwtClaims.parse(new String(java.util.Base64.getUrlDecoder()
                .decode(flow.state().split("\\.")[1]), StandardCharsets.UTF_8));
        assertEquals("github", claims.getStringClaimValue("provider"));
        assertEquals(SITE, claims.getStringClaimValue("site_url"));
        long lifetime = claims.getExpirationTime().getValue() - System.currentTimeMillis() / 1000;
        assertTrue(lifetime > 240 && lifetime <= 300, "valid five minutes: " + lifetime);
        assertFalse(flow.state().contains(flow.cookie()), "the state holds the nonce's hash, not the nonce");
    }

    @Test
    void unusableProvidersAndDeadInvitesAnswerJson() {
        given().queryParam("provider", "myspace").get("/authorize").then().statusCode(400)
                .body("code", equalTo(400)).body("msg", equalTo("Unsupported provider: Provider myspace could not be found"));
        given().queryParam("provider", "google").get("/authorize").then().statusCode(400)
                .body("msg", equalTo("Unsupported provider: google is disabled"));
        given().queryParam("provider", "gitlab").get("/authorize").then().statusCode(400)
                .body("msg", equalTo("Unsupported provider: gitlab has no client ID configured"));
        given().get("/authorize").then().statusCode(400).body("msg", startsWith("Unsupported provider"));
        given().redirects().follow(false).queryParam("provider", "github").queryParam("invite_token", "no-such-invite")
                .get("/authorize").then().statusCode(404).body("msg", equalTo("User not found"));

        UserServiceStub.INVITES.put("live-invite", new Object[] { 204, null });
        Response live = given().redirects().follow(false).queryParam("provider", "github")
                .queryParam("invite_token", "live-invite").get("/authorize");
        live.then().statusCode(302);
    }

    @Test
    void aBadStateIsAJson400() throws Exception {
        given().get("/callback").then().statusCode(400).body("msg", equalTo("OAuth state parameter missing"));
        given().queryParam("state", "not-a-jwt").queryParam("code", "x").get("/callback").then().statusCode(400)
                .body("msg", startsWith("OAuth state is invalid: "));

        Flow flow = authorize("github", null);
        String[] parts = flow.state().split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2) + "AA";
        callback(new Flow(forged, flow.cookie(), flow.query()), "x").then().statusCode(400)
                .body("msg", startsWith("OAuth state is invalid: "));

        String expired = state(Map.of("provider", "github", "site_url", SITE), -10);
        callback(new Flow(expired, null, Map.of()), "x").then().statusCode(400)
                .body("msg", equalTo("OAuth state is invalid: token is expired"));
        String noProvider = state(Map.of("site_url", SITE), 60);
        callback(new Flow(noProvider, null, Map.of()), "x").then().statusCode(400)
                .body("msg", equalTo("OAuth state is invalid: missing provider"));
    }

    @Test
    void aStateFinishedInAnotherBrowserIsRefused() {
        Flow flow = authorize("github", null);
        String code = github.codeFor(account("victim-" + UUID.randomUUID() + "@example.com"));
        callback(new Flow(flow.state(), null, flow.query()), code).then().statusCode(400)
                .body("msg", equalTo("OAuth state is invalid: this sign-in was not started in this browser"));
        callback(new Flow(flow.state(), "someone-elses-nonce", flow.query()), code).then().statusCode(400);
        assertTrue(github.tokenRequests().stream().noneMatch(r -> code.equals(r.get("code"))),
                "the code is never redeemed for a foreign browser");
    }

    @Test
    void aConfirmedUserSignsInAndTheLoginIsAnnounced() throws Exception {
        UUID id = UUID.randomUUID();
        String email = "gh-" + id + "@example.com";
        UserServiceStub.EXTERNAL.put("private-" + email, new Object[] { 200,
                Map.of("outcome", "LOGGED_IN", "user", identity(id, email, true)) });
        Flow flow = authorize("github", null);
        String code = github.codeFor(account(email));

        Response response = callback(flow, code);
        response.then().statusCode(302);
        String location = response.header("Location");
        assertTrue(location.startsWith(SITE + "#access_token="), location);
        Map<String, String> fragment = params(URI.create(location).getRawFragment());
        assertEquals(List.of("access_token", "expires_in", "refresh_token", "token_type"),
                List.copyOf(fragment.keySet()), "GoTrue's keys, sorted, nothing else");
        assertEquals("3600", fragment.get("expires_in"));
        assertEquals("bearer", fragment.get("token_type"));
        assertTrue(response.getHeader("Set-Cookie").startsWith("tessera_oauth=;"), "the binding cookie is spent");
        assertFalse(response.getHeaders().getValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("nf_jwt")),
                "the callback never sets nf_jwt");

        UserServiceStub.USERS.put(id.toString(), new Object[] { 200, identity(id, email, true) });
        given().contentType("application/x-www-form-urlencoded").header(TestClients.FORWARDED_FOR, TestClients.address())
                .formParam("grant_type", "refresh_token").formParam("refresh_token", fragment.get("refresh_token"))
                .post("/token").then().statusCode(200).body("token_type", equalTo("bearer"));
        given().auth().oauth2(fragment.get("access_token")).post("/logout").then().statusCode(204);

        Map<String, String> exchange = github.tokenRequests().stream().filter(r -> code.equals(r.get("code")))
                .findFirst().orElseThrow();
        assertEquals("authorization_code", exchange.get("grant_type"));
        assertEquals(GitHubResource.REDIRECT_URI, exchange.get("redirect_uri"));
        assertEquals(GitHubResource.CLIENT_ID, exchange.get("client_id"));

        JsonNode sent = UserServiceStub.EXTERNAL_CALLS.stream()
                .filter(b -> b.path("emails").path(1).path("email").asText().equals(email)).findFirst().orElseThrow();
        assertEquals("github", sent.get("provider").asText());
        assertFalse(sent.at("/emails/0/verified").asBoolean());
        assertTrue(sent.at("/emails/1/verified").asBoolean());
        assertTrue(sent.at("/emails/1/primary").asBoolean());
        assertEquals("Grace Hopper", sent.at("/profile/full_name").asText());
        assertEquals("https://avatars.example/Grace-Hopper", sent.at("/profile/avatar_url").asText());
        assertTrue(sent.get("invite_token").isNull());
        assertFalse(sent.toString().contains("gho_"), "the provider's token stays in auth-service");

        List<ConsumerRecord<String, String>> events = stack.awaitRecords(Topic.EVENTS,
                seen -> seen.stream().anyMatch(r -> r.key().equals(id.toString())), Duration.ofSeconds(30));
        ConsumerRecord<String, String> login = events.stream().filter(r -> r.key().equals(id.toString()))
                .findFirst().orElseThrow();
        assertTrue(login.value().contains("\"dev.tessera.session.login.v1\""), login.value());
        assertFalse(login.value().contains(fragment.get("refresh_token")));
    }

    @Test
    void aSignInThatConfirmsIsNotALoginAndAPendingOneGetsNoTokens() throws Exception {
        UUID confirmedId = UUID.randomUUID();
        String confirmed = "new-" + confirmedId + "@example.com";
        UserServiceStub.EXTERNAL.put("private-" + confirmed, new Object[] { 200,
                Map.of("outcome", "CONFIRMED", "user", identity(confirmedId, confirmed, true)) });
        Response first = callback(authorize("github", null), github.codeFor(account(confirmed)));
        assertTrue(first.header("Location").startsWith(SITE + "#access_token="), first.header("Location"));

        String pending = "pending-" + UUID.randomUUID() + "@example.com";
        UserServiceStub.EXTERNAL.put("private-" + pending, new Object[] { 200,
                Map.of("outcome", "CONFIRMATION_SENT", "user", identity(UUID.randomUUID(), pending, false)) });
        Response second = callback(authorize("github", null), github.codeFor(account(pending)));
        assertEquals(SITE, second.header("Location"), "back to the site, no fragment");

        // A later login of someone else is on the topic; the confirming sign-in announced no login before it.
        UUID laterId = UUID.randomUUID();
        String later = "later-" + laterId + "@example.com";
        UserServiceStub.EXTERNAL.put("private-" + later, new Object[] { 200,
                Map.of("outcome", "LOGGED_IN", "user", identity(laterId, later, true)) });
        callback(authorize("github", null), github.codeFor(account(later))).then().statusCode(302);
        List<ConsumerRecord<String, String>> events = stack.awaitRecords(Topic.EVENTS,
                seen -> seen.stream().anyMatch(r -> r.key().equals(laterId.toString())), Duration.ofSeconds(30));
        assertTrue(events.stream().noneMatch(r -> r.key().equals(confirmedId.toString())));
    }

    @Test
    void laterFailuresGoBackToTheSiteInTheFragment() {
        Response denied = given().redirects().follow(false).queryParam("state", authorize("github", null).state())
                .cookie("tessera_oauth", "ignored").get("/callback");
        denied.then().statusCode(400); // wrong cookie: still a JSON answer

        Flow flow = authorize("github", null);
        Response providerError = given().redirects().follow(false).queryParam("state", flow.state())
                .cookie("tessera_oauth", flow.cookie())
                .queryParam("error", "access_denied")
                .queryParam("error_description", "The user has denied your application access.").get("/callback");
        assertEquals(SITE + "#error=access_denied&error_description=The+user+has+denied+your+application+access.",
                providerError.header("Location"));

        assertEquals(SITE + "#error=invalid_request&error_description=Authorization+code+missing",
                callback(authorize("github", null), null).header("Location"));

        assertEquals(SITE + "#error=server_error&error_description=Unable+to+exchange+external+code+for+github+provider",
                callback(authorize("github", null), "a-code-github-never-issued").header("Location"));

        github.profileAnswers(502);
        assertEquals(SITE + "#error=server_error&error_description=Error+getting+user+email+from+external+provider",
                callback(authorize("github", null), github.codeFor(account("x-" + UUID.randomUUID() + "@example.com")))
                        .header("Location"));
        github.profileAnswers(200);

        String refused = "refused-" + UUID.randomUUID() + "@example.com";
        UserServiceStub.EXTERNAL.put("private-" + refused, new Object[] { 403,
                Map.of("code", 403, "msg", "Signups not allowed for this instance") });
        assertEquals(SITE + "#error=access_denied&error_description=Signups+not+allowed+for+this+instance",
                callback(authorize("github", null), github.codeFor(account(refused))).header("Location"));

        String mismatch = "mismatch-" + UUID.randomUUID() + "@example.com";
        UserServiceStub.EXTERNAL.put("private-" + mismatch, new Object[] { 400,
                Map.of("code", 400, "msg", "Invited email does not match emails from external provider") });
        assertEquals(SITE + "#error=invalid_request&error_description=Invited+email+does+not+match+emails+from+external+provider",
                callback(authorize("github", null), github.codeFor(account(mismatch))).header("Location"));
    }

    @Test
    void theSignInReturnsToTheStartingPageOnlyOnTheSitesHost() {
        UUID id = UUID.randomUUID();
        String email = "ref-" + id + "@example.com";
        UserServiceStub.EXTERNAL.put("private-" + email, new Object[] { 200,
                Map.of("outcome", "LOGGED_IN", "user", identity(id, email, true)) });
        Response same = callback(authorize("github", "http://localhost:8081/members/login"),
                github.codeFor(account(email)));
        assertTrue(same.header("Location").startsWith("http://localhost:8081/members/login#access_token="));
        Response foreign = callback(authorize("github", "https://evil.example/phish"), github.codeFor(account(email)));
        assertTrue(foreign.header("Location").startsWith(SITE + "#access_token="), foreign.header("Location"));
    }

    @Test
    void aDeadInviteIsRefusedAndALiveOneTravelsInTheState() {
        String email = "invitee-" + UUID.randomUUID() + "@example.com";
        UserServiceStub.INVITES.put("invite-abc", new Object[] { 204, null });
        UserServiceStub.EXTERNAL.put("private-" + email, new Object[] { 200,
                Map.of("outcome", "CONFIRMED", "user", identity(UUID.randomUUID(), email, true)) });
        Response start = given().redirects().follow(false).queryParam("provider", "github")
                .queryParam("invite_token", "invite-abc").get("/authorize");
        Map<String, String> query = params(URI.create(start.header("Location")).getRawQuery());
        Flow flow = new Flow(query.get("state"), start.getCookie("tessera_oauth"), query);
        callback(flow, github.codeFor(account(email))).then().statusCode(302);
        JsonNode sent = UserServiceStub.EXTERNAL_CALLS.stream()
                .filter(b -> b.path("emails").path(1).path("email").asText().equals(email)).findFirst().orElseThrow();
        assertEquals("invite-abc", sent.get("invite_token").asText());
        assertNull(UserServiceStub.INVITES.get("no-such-invite"));
    }

    /** A state signed as auth-service signs it, expiring in {@code seconds}. */
    static String state(Map<String, String> claims, long seconds) throws Exception {
        JwtClaims body = new JwtClaims();
        body.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 + seconds));
        claims.forEach(body::setStringClaim);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(body.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(OAuthStates.keyOf(JWT_SECRET, OPERATOR)));
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    static Map<String, String> params(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
