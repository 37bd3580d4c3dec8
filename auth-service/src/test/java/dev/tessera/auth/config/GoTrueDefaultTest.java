package dev.tessera.auth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.ratelimit.Rate;
import dev.tessera.platform.testing.DeployedSettings;

/**
 * GoTrue's environment read as GoTrue reads it, and as this service is deployed: unset, empty or zero settings take
 * GoTrue's defaults (platform's {@code GoTrueDefault}; an access token that expired when issued, or a service that
 * refuses to start over {@code GOTRUE_COOKIE_KEY=}, helps nobody), and given values are kept.
 */
class GoTrueDefaultTest {

    private static GoTrueConfig config(Map<String, String> given) {
        Map<String, String> environment = new HashMap<>(given);
        environment.put("GOTRUE_JWT_SECRET", "a-secret-long-enough-for-the-mapping-only-0123456789");
        return DeployedSettings.read(GoTrueConfig.class, environment);
    }

    private static void assertGoTruesDefaults(GoTrueConfig config) {
        assertEquals(3600, config.jwt().exp());
        assertEquals("admin", config.jwt().adminGroupName());
        assertEquals(2592000, config.jwt().refreshTokenLifetime());
        assertEquals("admin@localhost", config.smtp().adminEmail());
        assertEquals(Duration.ofMinutes(15), config.smtp().maxFrequency());
        assertEquals(Duration.ofHours(24), config.mailer().confirmationMaxAge());
        assertEquals(Duration.ofHours(24), config.mailer().recoveryMaxAge());
        assertEquals(Duration.ofHours(168), config.mailer().inviteMaxAge());
        assertEquals("nf_jwt", config.cookie().key());
        assertEquals(86400, config.cookie().duration());
        assertFalse(config.disableSignup());
        assertFalse(config.mailer().autoconfirm());
        assertTrue(config.mailer().secureEmailChangeEnabled());
        assertTrue(config.mailer().notifications().emailChangedEnabled());
        assertTrue(config.mailer().notifications().passwordChangedEnabled());
        assertFalse(config.external().email().disabled());
        assertFalse(config.external().github().enabled());
        assertEquals(587, config.smtp().port());
        assertEquals(new Rate(1800, Duration.ofMinutes(5)), config.rateLimitTokenRefresh());
        assertEquals(new Rate(150, Duration.ofMinutes(5)), config.rateLimitVerify());
        assertEquals(new Rate(200, Duration.ofHours(1)), config.rateLimitEmailSent());
    }

    @Test
    void unsetSettingsAreGoTruesDefaults() {
        assertGoTruesDefaults(config(Map.of()));
    }

    @Test
    void emptyOrZeroSettingsAreGoTruesDefaultsToo() {
        assertGoTruesDefaults(config(Map.ofEntries(
                Map.entry("GOTRUE_JWT_EXP", "0"),
                Map.entry("GOTRUE_JWT_ADMIN_GROUP_NAME", ""),
                Map.entry("GOTRUE_JWT_REFRESH_TOKEN_LIFETIME", "0"),
                Map.entry("GOTRUE_SMTP_ADMIN_EMAIL", ""),
                Map.entry("GOTRUE_SMTP_MAX_FREQUENCY", "0"),
                Map.entry("GOTRUE_MAILER_CONFIRMATION_MAX_AGE", "0s"),
                Map.entry("GOTRUE_MAILER_RECOVERY_MAX_AGE", "0"),
                Map.entry("GOTRUE_MAILER_INVITE_MAX_AGE", ""),
                Map.entry("GOTRUE_COOKIE_KEY", ""),
                Map.entry("GOTRUE_COOKIE_DURATION", "0"),
                Map.entry("GOTRUE_DISABLE_SIGNUP", ""),
                Map.entry("GOTRUE_MAILER_AUTOCONFIRM", ""),
                Map.entry("GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED", ""),
                Map.entry("GOTRUE_MAILER_NOTIFICATIONS_EMAIL_CHANGED_ENABLED", ""),
                Map.entry("GOTRUE_MAILER_NOTIFICATIONS_PASSWORD_CHANGED_ENABLED", ""),
                Map.entry("GOTRUE_EXTERNAL_EMAIL_DISABLED", ""),
                Map.entry("GOTRUE_EXTERNAL_GITHUB_ENABLED", ""),
                Map.entry("GOTRUE_SMTP_PORT", ""),
                Map.entry("GOTRUE_RATE_LIMIT_TOKEN_REFRESH", ""),
                Map.entry("GOTRUE_RATE_LIMIT_VERIFY", ""),
                Map.entry("GOTRUE_RATE_LIMIT_EMAIL_SENT", ""))));
    }

    @Test
    void negativeLifetimesAreGoTruesDefaultsButANegativeCookieDurationTurnsCookiesOff() {
        GoTrueConfig config = config(Map.of("GOTRUE_JWT_EXP", "-5", "GOTRUE_JWT_REFRESH_TOKEN_LIFETIME", "-1",
                "GOTRUE_MAILER_RECOVERY_MAX_AGE", "-1h", "GOTRUE_COOKIE_DURATION", "-1"));
        assertEquals(3600, config.jwt().exp());
        assertEquals(2592000, config.jwt().refreshTokenLifetime());
        assertEquals(Duration.ofHours(24), config.mailer().recoveryMaxAge());
        assertEquals(-1, config.cookie().duration());
    }

    @Test
    void givenSettingsAreKept() {
        GoTrueConfig config = config(Map.ofEntries(
                Map.entry("GOTRUE_JWT_EXP", "60"),
                Map.entry("GOTRUE_JWT_ADMIN_GROUP_NAME", "superuser"),
                Map.entry("GOTRUE_JWT_REFRESH_TOKEN_LIFETIME", "5"),
                Map.entry("GOTRUE_SMTP_ADMIN_EMAIL", "Identity <id@example.com>"),
                Map.entry("GOTRUE_SMTP_MAX_FREQUENCY", "1s"),
                Map.entry("GOTRUE_MAILER_CONFIRMATION_MAX_AGE", "5s"),
                Map.entry("GOTRUE_MAILER_RECOVERY_MAX_AGE", "1h30m"),
                Map.entry("GOTRUE_MAILER_INVITE_MAX_AGE", "48h"),
                Map.entry("GOTRUE_COOKIE_KEY", "session"),
                Map.entry("GOTRUE_COOKIE_DURATION", "120"),
                Map.entry("GOTRUE_DISABLE_SIGNUP", "true"),
                Map.entry("GOTRUE_MAILER_AUTOCONFIRM", "true"),
                Map.entry("GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED", "false"),
                Map.entry("GOTRUE_MAILER_NOTIFICATIONS_PASSWORD_CHANGED_ENABLED", "false"),
                Map.entry("GOTRUE_EXTERNAL_EMAIL_DISABLED", "true"),
                Map.entry("GOTRUE_EXTERNAL_GITHUB_ENABLED", "true"),
                Map.entry("GOTRUE_SMTP_PORT", "2525"),
                Map.entry("GOTRUE_RATE_LIMIT_VERIFY", "30"),
                Map.entry("GOTRUE_RATE_LIMIT_EMAIL_SENT", "5/1m")));
        assertEquals(60, config.jwt().exp());
        assertEquals("superuser", config.jwt().adminGroupName());
        assertEquals(5, config.jwt().refreshTokenLifetime());
        assertEquals("Identity <id@example.com>", config.smtp().adminEmail());
        assertEquals(Duration.ofSeconds(1), config.smtp().maxFrequency());
        assertEquals(Duration.ofSeconds(5), config.mailer().confirmationMaxAge());
        assertEquals(Duration.ofMinutes(90), config.mailer().recoveryMaxAge());
        assertEquals(Duration.ofHours(48), config.mailer().inviteMaxAge());
        assertEquals("session", config.cookie().key());
        assertEquals(120, config.cookie().duration());
        assertTrue(config.disableSignup());
        assertTrue(config.mailer().autoconfirm());
        assertFalse(config.mailer().secureEmailChangeEnabled());
        assertTrue(config.mailer().notifications().emailChangedEnabled());
        assertFalse(config.mailer().notifications().passwordChangedEnabled());
        assertTrue(config.external().email().disabled());
        assertTrue(config.external().github().enabled());
        assertEquals(2525, config.smtp().port());
        assertEquals(new Rate(30, Duration.ofMinutes(5)), config.rateLimitVerify());
        assertEquals(new Rate(5, Duration.ofMinutes(1)), config.rateLimitEmailSent());
    }
}
