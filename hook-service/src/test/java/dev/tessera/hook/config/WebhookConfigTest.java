package dev.tessera.hook.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.DeployedSettings;

/** GoTrue's webhook attempts and timeout: its defaults when unset, empty or 0, the values given otherwise. */
class WebhookConfigTest {

    private static WebhookConfig config(Map<String, String> environment) {
        return DeployedSettings.read(WebhookConfig.class, environment);
    }

    @Test
    void unsetEmptyOrZeroIsGoTruesThreeAttemptsOfFiveSeconds() {
        for (Map<String, String> environment : Map.of(
                "unset", Map.<String, String>of(),
                "empty", Map.of("GOTRUE_WEBHOOK_RETRIES", "", "GOTRUE_WEBHOOK_TIMEOUTSEC", ""),
                "zero", Map.of("GOTRUE_WEBHOOK_RETRIES", "0", "GOTRUE_WEBHOOK_TIMEOUTSEC", "0")).values()) {
            WebhookConfig config = config(environment);
            assertEquals(3, config.attempts(), environment.toString());
            assertEquals(5, config.timeoutSeconds(), environment.toString());
        }
    }

    @Test
    void givenValuesAreKept() {
        WebhookConfig config = config(Map.of("GOTRUE_WEBHOOK_RETRIES", "1", "GOTRUE_WEBHOOK_TIMEOUTSEC", "2",
                "GOTRUE_WEBHOOK_EVENTS", "signup, login"));
        assertEquals(1, config.attempts());
        assertEquals(2, config.timeoutSeconds());
        assertEquals(true, config.hasEvent("login"));
        assertEquals(false, config.hasEvent("validate"));
    }
}
