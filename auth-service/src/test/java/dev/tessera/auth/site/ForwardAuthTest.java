package dev.tessera.auth.site;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import dev.tessera.auth.testing.Grants;
import dev.tessera.auth.testing.UserServiceStub;
import dev.tessera.platform.testing.TestClients;
import dev.tessera.platform.testing.TesseraTestResource;
import dev.tessera.site.SiteRules;
import dev.tessera.site.SiteRulesException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Forward-auth over real HTTP, in both ingress conventions (Traefik's {@code X-Forwarded-*}, ingress-nginx's
 * {@code X-Original-URL}), with tokens auth-service itself issued for users whose {@code app_metadata} holds roles,
 * sent as {@code Authorization: Bearer} and as the {@code nf_jwt} cookie. The rules are
 * {@code src/test/resources/site/netlify.toml}: the seed's two admin rules, a members area with a forced 401, a
 * drafts area closed to all but editors, a rewrite forward-auth cannot do, and a single-page app's fallback.
 */
@QuarkusTest
@TestProfile(ForwardAuthTest.WithSiteRules.class)
@QuarkusTestResource(value = TesseraTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = UserServiceStub.class, restrictToAnnotatedClass = false)
class ForwardAuthTest {

    static final String RULES = "src/test/resources/site/netlify.toml";
    private static final String PATH = "/internal/forward-auth";
    private static final String SECRET = "test-secret-test-secret-test-secret-0123456789";

    public static class WithSiteRules implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tessera.site.rules", RULES);
        }
    }

    /** A header convention: how an ingress controller names the page it asks about. */
    private enum Ingress {
        TRAEFIK(302) {
            @Override
            RequestSpecification page(RequestSpecification request, String uri) {
                return request.header("X-Forwarded-Method", "GET").header("X-Forwarded-Proto", "https")
                        .header("X-Forwarded-Host", "site.example").header("X-Forwarded-Uri", uri);
            }
        },
        /** ingress-nginx takes no redirect from an auth-url: a redirect rule is a 401 with Location there. */
        NGINX(401) {
            @Override
            RequestSpecification page(RequestSpecification request, String uri) {
                return request.header("X-Original-URL", "https://site.example" + uri)
                        .header("X-Original-Method", "GET");
            }
        };

        /** What a 302 rule is answered with. */
        final int redirect;

        Ingress(int redirect) {
            this.redirect = redirect;
        }

        abstract RequestSpecification page(RequestSpecification request, String uri);
    }

    private static Response ask(Ingress ingress, String uri, String bearer, String cookie) {
        RequestSpecification request = given().redirects().follow(false);
        if (bearer != null) {
            request = request.header("Authorization", "Bearer " + bearer);
        }
        if (cookie != null) {
            request = request.cookie("nf_jwt", cookie);
        }
        return ingress.page(request, uri).get(PATH);
    }

    /** A real access token from the password grant, for a user whose app_metadata is {@code appMetadata}. */
    private static String tokenFor(Map<String, Object> appMetadata) {
        UUID id = UUID.randomUUID();
        String email = "site-" + id + "@example.com";
        Map<String, Object> identity = Grants.identity(id, email, 0, null);
        identity.put("app_metadata", appMetadata);
        UserServiceStub.AUTHENTICATE.put(email, new Object[] { 200, identity });
        UserServiceStub.USERS.put(id.toString(), new Object[] { 200, identity });
        return given().header(TestClients.FORWARDED_FOR, TestClients.address()).contentType(ContentType.URLENC)
                .formParam("grant_type", "password").formParam("username", email).formParam("password", "pw")
                .post("/token").then().statusCode(200).extract().path("access_token");
    }

    private static String signed(JwtClaims claims, String key) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey(key.getBytes(StandardCharsets.UTF_8)));
        return jws.getCompactSerialization();
    }

    @Test
    void theSeedsAdminRulesForAnonymousMemberAndAdminInBothConventions() {
        String member = tokenFor(Map.of("provider", "email", "roles", List.of("member")));
        String admin = tokenFor(Map.of("provider", "email", "roles", List.of("admin")));
        for (Ingress ingress : Ingress.values()) {
            ask(ingress, "/admin/", null, null).then().statusCode(ingress.redirect).header("Location", equalTo("/"))
                    .header(ForwardAuthResource.USER_ID, equalTo(""));
            ask(ingress, "/admin/users?page=2", member, null).then().statusCode(ingress.redirect)
                    .header("Location", equalTo("/?page=2"))
                    .header(ForwardAuthResource.USER_ROLES, equalTo("member"));
            Response allowed = ask(ingress, "/admin/users", admin, null);
            allowed.then().statusCode(200).header(ForwardAuthResource.USER_ROLES, equalTo("admin"))
                    .header(ForwardAuthResource.USER_EMAIL, equalTo(claim(admin, "email")))
                    .header(ForwardAuthResource.USER_ID, equalTo(claim(admin, "sub")));
            ask(ingress, "/admin/", null, admin).then().statusCode(200)
                    .header(ForwardAuthResource.USER_ROLES, equalTo("admin"));
            // Spellings that a static server reads as /admin/ are judged as /admin/.
            for (String sneaky : List.of("/adm%69n/", "//admin/", "/x/../admin/", "/ADMIN/")) {
                ask(ingress, sneaky, member, null).then().statusCode(ingress.redirect);
            }
            ask(ingress, "/about.html", null, null).then().statusCode(200)
                    .header(ForwardAuthResource.USER_ROLES, equalTo(""));
        }
    }

    @Test
    void closedPagesAnswer401Or403AndARulesOwnStatusAsItIs() {
        String member = tokenFor(Map.of("roles", List.of("member")));
        String editor = tokenFor(Map.of("authorization", Map.of("roles", List.of("editor"))));
        for (Ingress ingress : Ingress.values()) {
            ask(ingress, "/drafts/1", null, null).then().statusCode(401)
                    .body("code", equalTo(401)).body("msg", equalTo(
                            "This page needs a signed-in user with one of the roles editor"));
            ask(ingress, "/drafts/1", member, null).then().statusCode(403).body("code", equalTo(403));
            ask(ingress, "/drafts/1", editor, null).then().statusCode(200)
                    .header(ForwardAuthResource.USER_ROLES, equalTo("editor"));
            ask(ingress, "/members/home", member, null).then().statusCode(200);
            ask(ingress, "/members/home", editor, null).then().statusCode(401);
            ask(ingress, "/app/settings", null, null).then().statusCode(200);
        }
    }

    @Test
    void anExpiredForgedOrForeignTokenIsNoRole() throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(UUID.randomUUID().toString());
        claims.setClaim("email", "x@example.com");
        claims.setClaim("app_metadata", Map.of("roles", List.of("admin")));
        claims.setExpirationTimeMinutesInTheFuture(-1);
        String expired = signed(claims, SECRET);
        claims.setExpirationTimeMinutesInTheFuture(10);
        String forged = signed(claims, "another-secret-another-secret-another-secret");
        String valid = signed(claims, SECRET);
        claims.setAudience("another-audience");
        String foreign = signed(claims, SECRET);
        for (Ingress ingress : Ingress.values()) {
            for (String token : List.of(expired, forged, foreign, "not-a-jwt")) {
                ask(ingress, "/admin/", token, null).then().statusCode(ingress.redirect)
                        .header(ForwardAuthResource.USER_ID, equalTo(""));
                ask(ingress, "/drafts/1", null, token).then().statusCode(401);
            }
            ask(ingress, "/admin/", valid, null).then().statusCode(200);
        }
        // A client's own identity headers are answered with the checked (empty) values, which the ingress copies.
        given().header("X-Forwarded-Uri", "/about").header(ForwardAuthResource.USER_ID, "forged").get(PATH).then()
                .statusCode(200).header(ForwardAuthResource.USER_ID, equalTo(""));
    }

    /**
     * A token speaks for its session only while that session goes on, as on {@code /user}: a signed-out device's
     * cookie, or a token whose session a recovery or password change ended, opens nothing and names nobody to the
     * site. A live answer is remembered a few seconds ({@link RecentlyLive}), so a page asked for just before the
     * logout may still be served within them, never after.
     */
    @Test
    void anEndedSessionsTokenOpensNothing() throws Exception {
        String admin = tokenFor(Map.of("roles", List.of("admin")));
        ask(Ingress.TRAEFIK, "/admin/users", admin, null).then().statusCode(200);
        given().header("Authorization", "Bearer " + admin).post("/logout").then().statusCode(204);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ask(Ingress.TRAEFIK, "/admin/users", admin, null).statusCode() != Ingress.TRAEFIK.redirect) {
            assertTrue(System.nanoTime() < deadline, "the signed-out token still opens the page after 10 s");
            Thread.sleep(250);
        }
        for (Ingress ingress : Ingress.values()) {
            ask(ingress, "/admin/users", admin, null).then().statusCode(ingress.redirect)
                    .header(ForwardAuthResource.USER_ID, equalTo(""));
            ask(ingress, "/drafts/1", null, admin).then().statusCode(401).body("msg", equalTo(
                    "This page needs a signed-in user with one of the roles editor"));
        }

        // A recovery elsewhere raised the user's session epoch past the one this token's session started under.
        String editor = tokenFor(Map.of("roles", List.of("editor")));
        String id = claim(editor, "sub");
        Map<String, Object> raised = Grants.identity(UUID.fromString(id), claim(editor, "email"), 1, null);
        raised.put("app_metadata", Map.of("roles", List.of("editor")));
        UserServiceStub.USERS.put(id, new Object[] { 200, raised });
        UserServiceStub.AUTHENTICATE.put(claim(editor, "email"), new Object[] { 200, raised });
        for (Ingress ingress : Ingress.values()) {
            ask(ingress, "/drafts/1", editor, null).then().statusCode(401);
            ask(ingress, "/about.html", editor, null).then().statusCode(200)
                    .header(ForwardAuthResource.USER_ID, equalTo(""));
        }
        // A session started after it goes on.
        String again = given().header(TestClients.FORWARDED_FOR, TestClients.address())
                .contentType(ContentType.URLENC).formParam("grant_type", "password")
                .formParam("username", claim(editor, "email")).formParam("password", "pw").post("/token").then()
                .statusCode(200).extract().path("access_token");
        ask(Ingress.NGINX, "/drafts/1", again, null).then().statusCode(200)
                .header(ForwardAuthResource.USER_ID, equalTo(id));
    }

    /**
     * Each controller overwrites its own header but passes a client's others on (Traefik without
     * {@code authRequestHeaders}, ingress-nginx always), so a visitor can add the other convention's header: naming
     * another page with it gets nothing open.
     */
    @Test
    void aClientCannotNameAnotherPageThroughTheOtherConventionsHeader() {
        given().header("X-Forwarded-Uri", "/drafts/1").header("X-Original-URL", "https://site.example/")
                .get(PATH).then().statusCode(400).body("code", equalTo(400));
        given().header("X-Original-URL", "https://site.example/drafts/1").header("X-Forwarded-Uri", "/about.html")
                .get(PATH).then().statusCode(400);
        given().header("X-Original-URL", "https://site.example/drafts/1?a=b").header("X-Forwarded-Uri", "/drafts/1")
                .get(PATH).then().statusCode(401);
    }

    /** nginx lets a {@code ?} or {@code #} through in a Host header; it must not hide the path it serves. */
    @Test
    void aHostHeaderCannotHideThePathFromIngressNginx() {
        for (String host : List.of("x?", "x#", "site.example:443?a=")) {
            given().header("X-Original-URL", "https://" + host + "/drafts/1").get(PATH).then().statusCode(401);
        }
    }

    /**
     * A Role rule that does not admit the visitor, then a rewrite to another path (a single-page app's fallback):
     * the ingress would serve the file the rule closes, so the page is refused.
     */
    @Test
    void aRewriteAfterAClosedPathKeepsItClosed() {
        String member = tokenFor(Map.of("roles", List.of("member")));
        for (Ingress ingress : Ingress.values()) {
            ask(ingress, "/drafts/secret.html", null, null).then().statusCode(401);
            ask(ingress, "/drafts/secret.html", member, null).then().statusCode(403);
            ask(ingress, "/about.html", null, null).then().statusCode(200);
        }
    }

    @Test
    void aRequestThatNamesNoPageIsABadRequest() {
        given().get(PATH).then().statusCode(400).body("code", equalTo(400));
        given().header("X-Original-URL", "https://site.example/bad%zz").get(PATH).then().statusCode(400);
        given().header("X-Original-URL", "::not a url").get(PATH).then().statusCode(400);
    }

    @Test
    void rulesAreReadOnceAtStartAndWhatForwardAuthCannotDoIsNamed() {
        SiteRules rules = ForwardAuthRules.read(Optional.of(RULES));
        assertEquals(7, rules.rules().size());
        List<String> warnings = ForwardAuthRules.unsupported(rules);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith(RULES + " line 36: the rewrite /app/* -> /app/index.html is not"
                + " supported by forward-auth"), warnings.get(0));
        assertEquals(List.of(), ForwardAuthRules.read(Optional.empty()).rules());
        SiteRulesException missing = assertThrows(SiteRulesException.class,
                () -> ForwardAuthRules.read(Optional.of("target/no-such-netlify.toml")));
        assertEquals("target/no-such-netlify.toml: no such file", missing.getMessage());
    }

    private static String claim(String token, String name) {
        try {
            String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                    StandardCharsets.UTF_8);
            return JwtClaims.parse(payload).getClaimValueAsString(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
