package dev.tessera.mail.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tessera.platform.mail.MailKind;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** GoTrue's defaults, and GoTrue's environment variable names reaching the mapping. */
class MailerTemplateConfigTest {

    private static MailerTemplateConfig config(Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(environment, 300))
                .withMapping(MailerTemplateConfig.class)
                .build();
        return config.getConfigMapping(MailerTemplateConfig.class);
    }

    @Test
    void defaultsAreGoTrues() {
        MailerTemplateConfig config = config(Map.of());
        assertEquals("You have been invited", config.subjects().of(MailKind.INVITE));
        assertEquals("Confirm Your Signup", config.subjects().of(MailKind.CONFIRMATION));
        assertEquals("Reset Your Password", config.subjects().of(MailKind.RECOVERY));
        assertEquals("Confirm Email Change", config.subjects().of(MailKind.EMAIL_CHANGE));
        assertEquals("Your email address has been changed", config.subjects().of(MailKind.EMAIL_CHANGED_NOTIFICATION));
        assertEquals("Your password has been changed", config.subjects().of(MailKind.PASSWORD_CHANGED_NOTIFICATION));
        for (MailKind kind : MailKind.values()) {
            if (kind.carriesToken()) {
                assertEquals("/", config.urlPaths().of(kind));
            } else {
                assertThrows(IllegalArgumentException.class, () -> config.urlPaths().of(kind), "a notice has no link");
            }
            assertTrue(config.templates().of(kind).isEmpty());
        }
    }

    /** GoTrue fills in an empty subject or link path (compose and Helm pass unset variables on as empty). */
    @Test
    void anEmptySubjectOrPathIsGoTruesDefault() {
        MailerTemplateConfig config = config(Map.of(
                "GOTRUE_MAILER_SUBJECTS_CONFIRMATION", "",
                "GOTRUE_MAILER_SUBJECTS_RECOVERY", " ",
                "GOTRUE_MAILER_URLPATHS_CONFIRMATION", "",
                "GOTRUE_MAILER_URLPATHS_RECOVERY", "/reset"));
        assertEquals("Confirm Your Signup", config.subjects().of(MailKind.CONFIRMATION));
        assertEquals("Reset Your Password", config.subjects().of(MailKind.RECOVERY));
        assertEquals("/", config.urlPaths().of(MailKind.CONFIRMATION));
        assertEquals("/reset", config.urlPaths().of(MailKind.RECOVERY));
    }

    @Test
    void goTrueEnvironmentNamesAreRead() {
        MailerTemplateConfig config = config(Map.of(
                "GOTRUE_MAILER_SUBJECTS_EMAIL_CHANGE", "Your new address",
                "GOTRUE_MAILER_URLPATHS_INVITE", "/accept",
                "GOTRUE_MAILER_TEMPLATES_RECOVERY", "/etc/tessera/recovery.html",
                "GOTRUE_MAILER_SUBJECTS_PASSWORD_CHANGED_NOTIFICATION", "Password changed"));
        assertEquals("Password changed", config.subjects().of(MailKind.PASSWORD_CHANGED_NOTIFICATION));
        assertEquals("Your new address", config.subjects().of(MailKind.EMAIL_CHANGE));
        assertEquals("/accept", config.urlPaths().of(MailKind.INVITE));
        assertEquals("/etc/tessera/recovery.html", config.templates().of(MailKind.RECOVERY).orElseThrow());
    }
}
