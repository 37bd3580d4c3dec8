package dev.tessera.hook.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.retry.Backoff;
import dev.tessera.platform.testing.DeployedSettings;

/** The background retry series keeps its operators' names and its documented defaults (README: 5, 1s, 30s). */
class BackgroundRetrySettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(new Backoff(5, Duration.ofSeconds(1), Duration.ofSeconds(30)),
                Backoff.of(DeployedSettings.read(HooksConfig.class, Map.of()).background().retry()));
    }

    @Test
    void operatorsVariablesAreRead() {
        assertEquals(new Backoff(1000, Duration.ofMillis(200), Duration.ofSeconds(90)),
                Backoff.of(DeployedSettings.read(HooksConfig.class, Map.of(
                        "TESSERA_HOOKS_BACKGROUND_ATTEMPTS", "1000",
                        "TESSERA_HOOKS_BACKGROUND_INITIAL_BACKOFF", "200ms",
                        "TESSERA_HOOKS_BACKGROUND_MAX_BACKOFF", "1m30s")).background().retry()));
    }
}
