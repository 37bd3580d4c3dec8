package dev.tessera.mail.template;

import java.util.Optional;

import dev.tessera.platform.mail.MailKind;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * GoTrue's per-kind mail settings, read under its names: {@code GOTRUE_MAILER_SUBJECTS_INVITE} is
 * {@code gotrue.mailer.subjects.invite}, {@code GOTRUE_MAILER_URLPATHS_EMAIL_CHANGE} is
 * {@code gotrue.mailer.urlpaths.email-change}, and so on. Defaults are GoTrue's.
 */
@ConfigMapping(prefix = "gotrue.mailer")
public interface MailerTemplateConfig {

    /** Subject lines; each may reference the template variables in GoTrue's syntax ({@code {{ .SiteURL }}}). */
    Subjects subjects();

    /** Body templates replacing the built-in HTML part: a file path per kind. */
    Templates templates();

    /** Link paths, resolved against the site URL. */
    @WithName("urlpaths")
    UrlPaths urlPaths();

    interface Subjects {
        @WithDefault("You have been invited")
        String invite();

        @WithDefault("Confirm Your Signup")
        String confirmation();

        @WithDefault("Reset Your Password")
        String recovery();

        @WithName("email-change")
        @WithDefault("Confirm Email Change")
        String emailChange();

        @WithName("email-changed-notification")
        @WithDefault("Your email address has been changed")
        String emailChangedNotification();

        @WithName("password-changed-notification")
        @WithDefault("Your password has been changed")
        String passwordChangedNotification();

        default String of(MailKind kind) {
            return switch (kind) {
                case INVITE -> invite();
                case CONFIRMATION -> confirmation();
                case RECOVERY -> recovery();
                case EMAIL_CHANGE -> emailChange();
                case EMAIL_CHANGED_NOTIFICATION -> emailChangedNotification();
                case PASSWORD_CHANGED_NOTIFICATION -> passwordChangedNotification();
            };
        }
    }

    interface Templates {
        Optional<String> invite();

        Optional<String> confirmation();

        Optional<String> recovery();

        @WithName("email-change")
        Optional<String> emailChange();

        @WithName("email-changed-notification")
        Optional<String> emailChangedNotification();

        @WithName("password-changed-notification")
        Optional<String> passwordChangedNotification();

        default Optional<String> of(MailKind kind) {
            return switch (kind) {
                case INVITE -> invite();
                case CONFIRMATION -> confirmation();
                case RECOVERY -> recovery();
                case EMAIL_CHANGE -> emailChange();
                case EMAIL_CHANGED_NOTIFICATION -> emailChangedNotification();
                case PASSWORD_CHANGED_NOTIFICATION -> passwordChangedNotification();
            };
        }
    }

    interface UrlPaths {
        @WithDefault("/")
        String invite();

        @WithDefault("/")
        String confirmation();

        @WithDefault("/")
        String recovery();

        @WithName("email-change")
        @WithDefault("/")
        String emailChange();

        /** Notices carry no link, so they have no path. */
        default String of(MailKind kind) {
            return switch (kind) {
                case INVITE -> invite();
                case CONFIRMATION -> confirmation();
                case RECOVERY -> recovery();
                case EMAIL_CHANGE -> emailChange();
                case EMAIL_CHANGED_NOTIFICATION, PASSWORD_CHANGED_NOTIFICATION ->
                    throw new IllegalArgumentException(kind + " has no link");
            };
        }
    }
}
