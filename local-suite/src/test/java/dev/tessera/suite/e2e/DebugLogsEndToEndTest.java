package dev.tessera.suite.e2e;

import static dev.tessera.suite.e2e.PublicApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.suite.e2e.PublicApi.Reply;
import dev.tessera.suite.service.SuiteService;
import io.vertx.core.json.JsonObject;

/**
 * GoTrue's {@code GOTRUE_LOG_LEVEL=debug}, which an operator sets to find a fault: the four services log at DEBUG,
 * libraries included, and still no secret reaches a log line: not a password, a one-time link's token, a refresh or
 * access token, the JWT secret or the operator token. Logs in {@code local-suite/target/e2e-logs/debug-logs/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebugLogsEndToEndTest {

    private static final String SECRET = "e2e-secret-only-for-the-debug-logs-test-0123456789";
    private static final String OPERATOR_TOKEN = "e2e-operator-token-debug-logs-0123456789";

    private GatewayedFleet suite;
    private PublicApi api;

    @BeforeAll
    void startSuite() throws Exception {
        suite = GatewayedFleet.start("debug-logs", SECRET, OPERATOR_TOKEN, env -> {
            env.put("GOTRUE_MAILER_AUTOCONFIRM", "false");
            env.put("GOTRUE_LOG_LEVEL", "debug");
        });
        api = suite.api;
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(suite);
    }

    @Test
    void aUsersWholeLifeLeavesNoSecretInTheDebugLogs() throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("JWT secret", SECRET);
        secrets.put("operator token", OPERATOR_TOKEN);
        String email = "debug-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String password = "first debug-log password";
        String changed = "second debug-log password";
        secrets.put("password", password);
        secrets.put("new password", changed);

        ok(api.call("POST", "/signup", "application/json",
                new JsonObject().put("email", email).put("password", password).encode()));
        String confirmation = suite.awaitToken(email, "confirmation_token");
        secrets.put("confirmation token", confirmation);
        keep(secrets, "verify", ok(api.call("POST", "/verify", "application/json",
                new JsonObject().put("type", "signup").put("token", confirmation).encode())).json());

        JsonObject signedIn = ok(api.call("POST", "/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8))).json();
        keep(secrets, "password grant", signedIn);
        JsonObject refreshed = ok(api.call("POST", "/token", "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + signedIn.getString("refresh_token"))).json();
        keep(secrets, "refresh grant", refreshed);
        String bearer = "Bearer " + refreshed.getString("access_token");
        ok(api.call("PUT", "/user", "application/json", new JsonObject().put("password", changed).encode(),
                "Authorization", bearer));

        Reply recover = api.call("POST", "/recover", "application/json", new JsonObject().put("email", email).encode());
        assertEquals(200, recover.status(), recover.describe());
        secrets.put("recovery token", suite.awaitToken(email, "recovery_token"));

        String invited = "invited-" + email;
        ok(api.call("POST", "/invite", "application/json", new JsonObject().put("email", invited).encode(),
                "Authorization", "Bearer " + OPERATOR_TOKEN));
        secrets.put("invite token", suite.awaitToken(invited, "invite_token"));

        for (SuiteService service : SuiteService.values()) {
            String log = Files.readString(suite.logs.resolve(service.module() + ".log"));
            assertTrue(log.contains(" DEBUG "), service.module() + " did not log at DEBUG");
            secrets.forEach((what, value) -> assertFalse(log.contains(value),
                    service.module() + "'s log holds the " + what));
        }
    }

    private static void keep(Map<String, String> secrets, String grant, JsonObject tokens) {
        secrets.put(grant + " access token", tokens.getString("access_token"));
        // The signature alone is what makes the token: a log with the header and claims but not it holds no secret.
        String access = tokens.getString("access_token");
        secrets.put(grant + " access token signature", access.substring(access.lastIndexOf('.') + 1));
        secrets.put(grant + " refresh token", tokens.getString("refresh_token"));
    }
}
