package dev.tessera.mail.template;

import java.util.Optional;
import java.util.function.Supplier;

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
            return byKind(kind, this::invite, this::confirmation, this::recovery, this::emailChange,
                    this::emailChangedNotification, this::passwordChangedNotification);
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
            return byKind(kind, this::invite, this::confirmation, this::recovery, this::emailChange,
                    this::emailChangedNotification, this::passwordChangedNotification);
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
            Supplier<String> none = () -> {
                throw new IllegalArgumentException(kind + " has no link");
            };
            return byKind(kind, this::invite, this::confirmation, this::recovery, this::emailChange, none, none);
        }
    }

    /** The one switch over the kinds: each group names its setting per kind, and a new kind stops the build here. */
    private static <T> T byKind(MailKind kind, Supplier<T> invite, Supplier<T> confirmation, Supplier<T> recovery,
            Supplier<T> emailChange, Supplier<T> emailChangedNotification, Supplier<T> passwordChangedNotification) {
        Supplier<T> setting = switch (kind) {
            case INVITE -> invite;
            case CONFIRMATION -> confirmation;
            case RECOVERY -> recovery;
            case EMAIL_CHANGE -> emailChange;
            case EMAIL_CHANGED_NOTIFICATION -> emailChangedNotification;
            case PASSWORD_CHANGED_NOTIFICATION -> passwordChangedNotification;
        };
        return setting.get();
    }
}
