package dev.tessera.mail.template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.tessera.platform.mail.MailKind;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import io.quarkus.runtime.Startup;

/**
 * The three templates of every mail kind (subject, HTML part, text part), resolved once at startup so that a
 * broken override stops the service instead of every mail.
 *
 * <p>The built-in bodies live in {@code templates/mail/}. {@code GOTRUE_MAILER_TEMPLATES_<KIND>} replaces the HTML
 * part with a file; the text part stays the built-in one, which carries the same link. GoTrue reads that setting as
 * a URL path on the site and falls back to its built-in mail when the fetch fails; here it is a file path, and a
 * file that cannot be read falls back to the built-in template the same way, with a warning.
 */
@Startup
@ApplicationScoped
public class MailTemplates {

    private static final Logger LOG = Logger.getLogger(MailTemplates.class);

    /** The templates of one kind. */
    public record KindTemplates(Template subject, Template html, Template text) {
    }

    private final Map<MailKind, KindTemplates> byKind = new EnumMap<>(MailKind.class);

    public MailTemplates(Engine engine, MailerTemplateConfig config) {
        for (MailKind kind : MailKind.values()) {
            String slug = slug(kind);
            Template subject = engine.parse(GoTemplateSyntax.toQute(config.subjects().of(kind)), null,
                    "mail-subject-" + slug);
            Template html = config.templates().of(kind)
                    .flatMap(location -> readOverride(kind, location))
                    .map(source -> parseHtml(engine, kind, source))
                    .orElseGet(() -> builtIn(engine, "mail/" + slug + ".html"));
            byKind.put(kind, new KindTemplates(subject, html, builtIn(engine, "mail/" + slug + ".txt")));
        }
    }

    public KindTemplates of(MailKind kind) {
        return byKind.get(kind);
    }

    static String slug(MailKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Template builtIn(Engine engine, String id) {
        Template template = engine.getTemplate(id);
        if (template == null) {
            throw new IllegalStateException("built-in mail template " + id + " is missing");
        }
        return template;
    }

    private static Optional<String> readOverride(MailKind kind, String location) {
        String setting = "GOTRUE_MAILER_TEMPLATES_" + kind.name();
        if (location.isBlank()) {
            return Optional.empty();
        }
        if (location.startsWith("http://") || location.startsWith("https://")) {
            LOG.warnf("%s is a URL; fetching templates over HTTP is not supported yet, so the built-in %s template is"
                    + " used. Mount the template as a file and name its path instead.", setting, slug(kind));
            return Optional.empty();
        }
        try {
            String source = Files.readString(Path.of(location));
            LOG.infof("Using the %s template from %s", slug(kind), location);
            return Optional.of(source);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("%s names %s, which cannot be read (%s); the built-in %s template is used", setting, location,
                    e.toString(), slug(kind));
            return Optional.empty();
        }
    }

    private static Template parseHtml(Engine engine, MailKind kind, String source) {
        String qute;
        try {
            qute = GoTemplateSyntax.isGoTemplate(source) ? GoTemplateSyntax.toQute(source) : source;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("GOTRUE_MAILER_TEMPLATES_" + kind.name() + ": " + e.getMessage(), e);
        }
        // The HTML variant makes Qute escape every value, as Go's html/template does.
        return engine.parse(qute, Variant.forContentType(Variant.TEXT_HTML), "mail-override-" + slug(kind));
    }
}
