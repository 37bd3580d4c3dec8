package dev.tessera.mail.delivery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.testing.DeployedSettings;

/** The mailer's TLS mode as a GoTrue deployment's environment sets it, read through mail-service's own properties. */
class ImplicitTlsOnPort465Test {

    @Test
    void port465SpeaksTlsFromTheFirstByte() {
        assertTrue(mailerTls(Map.of("GOTRUE_SMTP_PORT", "465")));
        assertTrue(mailerTls(Map.of("GOTRUE_SMTP_PORT", " 465 ")));
    }

    @Test
    void otherPortsUpgradeWithStarttlsAsBefore() {
        assertFalse(mailerTls(Map.of("GOTRUE_SMTP_PORT", "587")));
        assertFalse(mailerTls(Map.of("GOTRUE_SMTP_PORT", "25")));
        assertFalse(mailerTls(Map.of()));
    }

    @Test
    void anExplicitSettingWins() {
        assertFalse(mailerTls(Map.of("GOTRUE_SMTP_PORT", "465", "TESSERA_SMTP_TLS", "false")));
        assertTrue(mailerTls(Map.of("GOTRUE_SMTP_PORT", "2465", "TESSERA_SMTP_TLS", "true")));
    }

    private static boolean mailerTls(Map<String, String> environment) {
        return DeployedSettings.value("quarkus.mailer.tls", Boolean.class, environment, new ImplicitTlsOnPort465());
    }
}
