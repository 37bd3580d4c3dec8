package dev.tessera.mail.template;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.mail.MailKind;
import dev.tessera.platform.mail.MailRequest;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;

/**
 * Renders a mail request into the mail a user receives, with GoTrue's template variables: {@code SiteURL},
 * {@code ConfirmationURL} (the full link), {@code Email} (the current address), {@code Token} (the raw token),
 * {@code Data} (user_metadata) and, for an email change only, {@code NewEmail}. {@code Validity} ("24 hours") and
 * {@code ToCurrentAddress} (whether an email-change mail goes to the address being replaced) are ours, for the
 * built-in wording. Notices have no link, so no {@code ConfirmationURL}, {@code Token} or {@code Validity}; the
 * email-changed notice has {@code Email} (the previous address) and {@code NewEmail}.
 */
@ApplicationScoped
public class MailRenderer {

    private final MailTemplates templates;
    private final MailerTemplateConfig mailer;
    private final GoTrueConfig config;

    public MailRenderer(MailTemplates templates, MailerTemplateConfig mailer, GoTrueConfig config) {
        this.templates = templates;
        this.mailer = mailer;
        this.config = config;
    }

    /** @param token the opened one-time token; it ends up in the link and nowhere else */
    public Uni<MailContent> render(MailRequest request, String token) {
        Map<String, Object> variables = variables(request, token);
        MailTemplates.KindTemplates kind = templates.of(request.kind());
        return Uni.combine().all()
                .unis(render(kind.subject(), variables), kind.html().get().chain(html -> render(html, variables)),
                        render(kind.text(), variables))
                .with((subject, html, text) -> new MailContent(oneLine(subject), html, text));
    }

    Map<String, Object> variables(MailRequest request, String token) {
        Map<String, Object> variables = new HashMap<>();
        MailKind kind = request.kind();
        variables.put("SiteURL", config.siteUrl());
        variables.put("Email", request.email() != null ? request.email() : request.to());
        variables.put("Data", request.data() != null ? request.data() : Map.of());
        if (kind.carriesToken()) {
            variables.put("ConfirmationURL",
                    ConfirmationLink.build(config.siteUrl(), mailer.urlPaths().of(kind), kind, token));
            variables.put("Token", token);
            variables.put("Validity", Validity.describe(maxAge(kind)));
        }
        if (kind == MailKind.EMAIL_CHANGE || kind == MailKind.EMAIL_CHANGED_NOTIFICATION) {
            variables.put("NewEmail", request.newEmail() != null ? request.newEmail() : request.to());
        }
        if (kind == MailKind.EMAIL_CHANGE) {
            // Secure email change mails both addresses; the built-in wording differs for the current one.
            variables.put("ToCurrentAddress", request.email() != null && request.email().equalsIgnoreCase(request.to()));
        }
        return variables;
    }

    private Duration maxAge(MailKind kind) {
        return switch (kind) {
            case INVITE -> config.mailer().inviteMaxAge();
            case RECOVERY -> config.mailer().recoveryMaxAge();
            // GoTrue expires email-change tokens after the confirmation max age.
            case CONFIRMATION, EMAIL_CHANGE -> config.mailer().confirmationMaxAge();
            case EMAIL_CHANGED_NOTIFICATION, PASSWORD_CHANGED_NOTIFICATION ->
                throw new IllegalArgumentException(kind + " has no link");
        };
    }

    private static Uni<String> render(Template template, Map<String, Object> variables) {
        var instance = template.instance();
        variables.forEach(instance::data);
        return instance.createUni();
    }

    /** A subject is one header line, whatever the template did with whitespace. */
    private static String oneLine(String subject) {
        return subject.replaceAll("\\s+", " ").trim();
    }
}
