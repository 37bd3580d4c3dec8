package dev.tessera.bench;

import static dev.tessera.bench.GrantTarget.encode;

import java.util.List;
import java.util.Map;

import io.vertx.core.Future;

/**
 * Keycloak as the peer the refresh goal is stated against: a realm with one confidential client that allows the
 * password grant, users created through the admin API, and the OpenID Connect token endpoint. Its settings are
 * Keycloak's defaults, as in the measurement the goal quotes (refresh tokens may be reused; the benchmark presents
 * the newest one anyway, as a client would).
 */
final class KeycloakTarget implements GrantTarget {

    static final String REALM = "tessera-bench";
    private static final String CLIENT = "tessera-bench";
    private static final String SECRET = "tessera-bench-secret";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String TOKEN_PATH = "/realms/" + REALM + "/protocol/openid-connect/token";
    private static final String USERINFO_PATH = "/realms/" + REALM + "/protocol/openid-connect/userinfo";
    /**
     * An hour, as Tessera's: the default five minutes would let the token-check workers' tokens expire during a long
     * warm-up. It changes nothing a grant costs.
     */
    private static final int ACCESS_TOKEN_SECONDS = 3600;

    private final JsonHttp http;
    private final String adminToken;

    private KeycloakTarget(JsonHttp http, String adminToken) {
        this.http = http;
        this.adminToken = adminToken;
    }

    /** Signs in as the bootstrap admin and creates the realm and its client. */
    static Future<KeycloakTarget> setUp(JsonHttp http, String adminUser, String adminPassword) {
        return http.post("/realms/master/protocol/openid-connect/token", FORM, "grant_type=password&client_id=admin-cli"
                + "&username=" + encode(adminUser) + "&password=" + encode(adminPassword), 200)
                .map(answer -> answer.path("access_token").asText())
                .compose(token -> {
                    KeycloakTarget target = new KeycloakTarget(http, token);
                    return target.admin("/admin/realms", Map.of("realm", REALM, "enabled", true,
                            "accessTokenLifespan", ACCESS_TOKEN_SECONDS))
                            .compose(created -> target.admin("/admin/realms/" + REALM + "/clients", Map.of(
                                    "clientId", CLIENT, "enabled", true, "publicClient", false, "secret", SECRET,
                                    "directAccessGrantsEnabled", true, "standardFlowEnabled", false)))
                            .map(created -> target);
                });
    }

    @Override
    public Future<String> createUser(String email) {
        // Keycloak refuses the password grant for an account without a name ("Account is not fully set up").
        return admin("/admin/realms/" + REALM + "/users", Map.of("username", email, "email", email,
                "emailVerified", true, "enabled", true, "firstName", "Bench", "lastName", "User",
                "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))))
                .map(created -> email);
    }

    @Override
    public Future<Tokens> token(String form) {
        return http.post(TOKEN_PATH, FORM, form + "&client_id=" + CLIENT + "&client_secret=" + SECRET, 200)
                .map(body -> new Tokens(body.path("access_token").asText(), body.path("refresh_token").asText()));
    }

    /** The userinfo endpoint answers only tokens granted the {@code openid} scope. */
    @Override
    public Future<Tokens> loginForChecks(String username) {
        return token("grant_type=password&scope=openid&username=" + encode(username) + "&password="
                + encode(PASSWORD));
    }

    /** OpenID Connect's userinfo: Keycloak checks the token, its session, and reads the user. */
    @Override
    public Future<?> check(String accessToken) {
        return http.get(USERINFO_PATH, 200, "Authorization", "Bearer " + accessToken);
    }

    private Future<Object> admin(String path, Map<String, Object> body) {
        return http.post(path, "application/json", JsonHttp.json(body), 201, "Authorization", "Bearer " + adminToken)
                .map(created -> null);
    }
}
