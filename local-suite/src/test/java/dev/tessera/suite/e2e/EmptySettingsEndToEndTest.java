package dev.tessera.suite.e2e;

import static dev.tessera.suite.e2e.PublicApi.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.tessera.suite.e2e.PublicApi.Reply;
import dev.tessera.suite.mail.InboxMessage;
import io.vertx.core.json.JsonObject;

/**
 * The four services started as a compose file or a Helm chart often starts them: every optional GoTrue setting
 * passed on empty ({@code GOTRUE_DISABLE_SIGNUP=}, {@code GOTRUE_SMTP_PORT=}, {@code GOTRUE_RATE_LIMIT_VERIFY=}, …).
 * Each takes its default, as docs/operations.md says, instead of stopping the service at its start; a client sees
 * GoTrue's defaults. Logs in {@code local-suite/target/e2e-logs/empty-settings/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmptySettingsEndToEndTest {

    private static final String SECRET = "e2e-secret-only-for-the-empty-settings-test-0123456789";
    private static final String OPERATOR_TOKEN = "e2e-operator-token-empty-settings-0123";

    /** Every GoTrue setting the services read that has a default or may be left out, passed on empty. */
    private static final List<String> EMPTY = List.of(
            "GOTRUE_API_REQUEST_ID_HEADER", "GOTRUE_COOKIE_DURATION", "GOTRUE_COOKIE_KEY", "GOTRUE_DISABLE_SIGNUP",
            "GOTRUE_EXTERNAL_EMAIL_DISABLED", "GOTRUE_EXTERNAL_REDIRECTURL",
            "GOTRUE_EXTERNAL_GITHUB_ENABLED", "GOTRUE_EXTERNAL_GITHUB_CLIENT_ID", "GOTRUE_EXTERNAL_GITHUB_SECRET",
            "GOTRUE_EXTERNAL_GITHUB_REDIRECT_URI", "GOTRUE_EXTERNAL_GITHUB_URL",
            "GOTRUE_EXTERNAL_GITLAB_ENABLED", "GOTRUE_EXTERNAL_GOOGLE_ENABLED", "GOTRUE_EXTERNAL_BITBUCKET_ENABLED",
            "GOTRUE_EXTERNAL_FACEBOOK_ENABLED",
            "GOTRUE_JWT_ADMIN_GROUP_NAME", "GOTRUE_JWT_AUD", "GOTRUE_JWT_DEFAULT_GROUP_NAME", "GOTRUE_JWT_EXP",
            "GOTRUE_JWT_ISSUER", "GOTRUE_JWT_KEYS", "GOTRUE_JWT_REFRESH_TOKEN_LIFETIME", "GOTRUE_LOG_LEVEL",
            "GOTRUE_MAILER_AUTOCONFIRM", "GOTRUE_MAILER_CONFIRMATION_MAX_AGE", "GOTRUE_MAILER_RECOVERY_MAX_AGE",
            "GOTRUE_MAILER_INVITE_MAX_AGE", "GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED",
            "GOTRUE_MAILER_NOTIFICATIONS_EMAIL_CHANGED_ENABLED",
            "GOTRUE_MAILER_NOTIFICATIONS_PASSWORD_CHANGED_ENABLED",
            "GOTRUE_MAILER_SUBJECTS_CONFIRMATION", "GOTRUE_MAILER_TEMPLATES_CONFIRMATION",
            "GOTRUE_MAILER_URLPATHS_CONFIRMATION",
            "GOTRUE_PASSWORD_MIN_LENGTH", "GOTRUE_RATE_LIMIT_HEADER", "GOTRUE_RATE_LIMIT_TOKEN_REFRESH",
            "GOTRUE_RATE_LIMIT_VERIFY", "GOTRUE_RATE_LIMIT_EMAIL_SENT",
            "GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED", "GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL",
            "GOTRUE_SESSIONS_TIMEBOX", "GOTRUE_SESSIONS_INACTIVITY_TIMEOUT",
            "GOTRUE_SMTP_PORT", "GOTRUE_SMTP_USER", "GOTRUE_SMTP_PASS", "GOTRUE_SMTP_ADMIN_EMAIL",
            "GOTRUE_SMTP_MAX_FREQUENCY", "GOTRUE_URI_ALLOW_LIST",
            "GOTRUE_WEBHOOK_URL", "GOTRUE_WEBHOOK_SECRET", "GOTRUE_WEBHOOK_EVENTS", "GOTRUE_WEBHOOK_RETRIES",
            "GOTRUE_WEBHOOK_TIMEOUTSEC");

    private GatewayedFleet suite;
    private PublicApi api;

    @BeforeAll
    void startSuite() throws Exception {
        suite = GatewayedFleet.start("empty-settings", SECRET, OPERATOR_TOKEN, env -> {
            // GOTRUE_SMTP_PORT= is 587; the test's SMTP server listens elsewhere, named by Quarkus's own setting.
            env.put("QUARKUS_MAILER_PORT", env.get("GOTRUE_SMTP_PORT"));
            EMPTY.forEach(name -> env.put(name, ""));
        });
        api = suite.api;
    }

    @AfterAll
    void stopSuite() throws Exception {
        E2e.closeInOrder(suite);
    }

    @Test
    void theSettingsAreGoTruesDefaults() throws Exception {
        JsonObject expected = E2e.goTrueDefaultSettings();
        assertEquals(expected, ok(api.call("GET", "/settings", null, null)).json());
    }

    @Test
    void aSignupIsMailedConfirmedAndSignedInWithGoTruesDefaults() throws Exception {
        String email = "empty-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String password = "correct horse battery staple";

        Reply tooShort = api.call("POST", "/signup", "application/json",
                new JsonObject().put("email", email).put("password", "seven77").encode());
        assertEquals(422, tooShort.status(), "GOTRUE_PASSWORD_MIN_LENGTH= is 8: " + tooShort.describe());

        JsonObject user = ok(api.call("POST", "/signup", "application/json",
                new JsonObject().put("email", email).put("password", password).encode())).json();
        assertEquals("", user.getString("role"));

        String token = suite.awaitToken(email, "confirmation_token");
        InboxMessage mail = suite.inbox.messages(email).get(0);
        assertEquals("Confirm Your Signup", mail.subject());
        assertEquals("admin@localhost", mail.from());

        JsonObject verified = ok(api.call("POST", "/verify", "application/json",
                new JsonObject().put("type", "signup").put("token", token).encode())).json();
        assertEquals(3600, verified.getLong("expires_in"), "GOTRUE_JWT_EXP= is an hour");

        JsonObject signedIn = ok(api.call("POST", "/token", "application/x-www-form-urlencoded",
                "grant_type=password&username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8))).json();
        assertEquals(3600, signedIn.getLong("expires_in"));
        JsonObject refreshed = ok(api.call("POST", "/token", "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + signedIn.getString("refresh_token"))).json();
        assertFalse(refreshed.getString("access_token").isBlank());
        JsonObject me = ok(api.call("GET", "/user", null, null, "Authorization",
                "Bearer " + refreshed.getString("access_token"))).json();
        assertEquals(email, me.getString("email"));
    }
}
