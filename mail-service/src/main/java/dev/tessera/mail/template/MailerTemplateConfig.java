package dev.tessera.mail.template;

import java.util.Optional;
import java.util.function.Supplier;

import dev.tessera.platform.config.GoTrueDefault;
import dev.tessera.platform.mail.MailKind;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/**
 * GoTrue's per-kind mail settings, read under its names: {@code GOTRUE_MAILER_SUBJECTS_INVITE} is
 * {@code gotrue.mailer.subjects.invite}, {@code GOTRUE_MAILER_URLPATHS_EMAIL_CHANGE} is
 * {@code gotrue.mailer.urlpaths.email-change}, and so on. Defaults are GoTrue's, also for a subject or path given
 * empty, as GoTrue replaces those ({@link GoTrueDefault}).
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

    /** Each as given; {@link #of} answers GoTrue's subject where one is missing or empty. */
    interface Subjects {
        Optional<String> invite();

        Optional<String> confirmation();

        Optional<String> recovery();

        @WithName("email-change")
        Optional<String> emailChange();

        @WithName("email-changed-notification")
        Optional<String> emailChangedNotification();

        @WithName("password-changed-notification")
        Optional<String> passwordChangedNotification();

        default String of(MailKind kind) {
            Optional<String> given = byKind(kind, this::invite, this::confirmation, this::recovery,
                    this::emailChange, this::emailChangedNotification, this::passwordChangedNotification);
            return GoTrueDefault.text(given, byKind(kind, () -> "You have been invited", () -> "Confirm Your Signup",
                    () -> "Reset Your Password", () -> "Confirm Email Change",
                    () -> "Your email address has been changed", () -> "Your password has been changed"));
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

    /** Each as given; {@link #of} answers GoTrue's {@code /} where one is missing or empty. */
    interface UrlPaths {
        Optional<String> invite();

        Optional<String> confirmation();

        Optional<String> recovery();

        @WithName("email-change")
        Optional<String> emailChange();

        /** Notices carry no link, so they have no path. */
        default String of(MailKind kind) {
            Supplier<Optional<String>> none = () -> {
                throw new IllegalArgumentException(kind + " has no link");
            };
            return GoTrueDefault.text(byKind(kind, this::invite, this::confirmation, this::recovery,
                    this::emailChange, none, none), "/");
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
