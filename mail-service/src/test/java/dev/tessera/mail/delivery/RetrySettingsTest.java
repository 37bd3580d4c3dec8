package dev.tessera.mail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.retry.Backoff;
import dev.tessera.platform.testing.DeployedSettings;

/** The SMTP retry series keeps its operators' names and its documented defaults (README: 10, 1s, 60s). */
class RetrySettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(new Backoff(10, Duration.ofSeconds(1), Duration.ofSeconds(60)),
                Backoff.of(DeployedSettings.read(DeliveryConfig.class, Map.of()).retry()));
    }

    @Test
    void operatorsVariablesAreRead() {
        assertEquals(new Backoff(60, Duration.ofMillis(250), Duration.ofMinutes(2)),
                Backoff.of(DeployedSettings.read(DeliveryConfig.class, Map.of(
                        "TESSERA_MAIL_RETRY_ATTEMPTS", "60",
                        "TESSERA_MAIL_RETRY_INITIAL_BACKOFF", "250ms",
                        "TESSERA_MAIL_RETRY_MAX_BACKOFF", "2m")).retry()));
    }
}
