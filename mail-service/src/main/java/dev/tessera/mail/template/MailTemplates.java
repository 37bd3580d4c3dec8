package dev.tessera.mail.template;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.mail.MailKind;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;

/**
 * The three templates of every mail kind (subject, HTML part, text part). Built-in bodies and file overrides are
 * resolved once at startup, so that a broken file stops the service instead of every mail.
 *
 * <p>The built-in bodies live in {@code templates/mail/}. {@code GOTRUE_MAILER_TEMPLATES_<KIND>} replaces the HTML
 * part; the text part stays the built-in one, which carries the same link. The setting is read, in this order, as:
 * an {@code http(s)://} URL, fetched; the path of a file that exists, read once; otherwise, as in GoTrue, a URL path
 * on {@code GOTRUE_SITE_URL}, fetched. Fetched templates are refreshed after {@code tessera.mail.template-fetch.cache}
 * and fall back to the last good copy or the built-in template when the site fails ({@link RemoteTemplate}). A file
 * named but unreadable falls back to the built-in template with a warning, as GoTrue does for a failed fetch.
 */
@Startup
@ApplicationScoped
public class MailTemplates {

    private static final Logger LOG = Logger.getLogger(MailTemplates.class);

    /** The templates of one kind; the HTML part may be fetched, so it is asked for when a mail is rendered. */
    public record KindTemplates(Template subject, Supplier<Uni<Template>> html, Template text) {
    }

    private final Map<MailKind, KindTemplates> byKind = new EnumMap<>(MailKind.class);

    public MailTemplates(Engine engine, MailerTemplateConfig config, GoTrueConfig gotrue, TemplateFetchConfig fetch) {
        String siteUrl = gotrue.siteUrl();
        HttpClient http = HttpClient.newBuilder().connectTimeout(fetch.timeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (MailKind kind : MailKind.values()) {
            String slug = slug(kind);
            Template subject = engine.parse(GoTemplateSyntax.toQute(config.subjects().of(kind)), null,
                    "mail-subject-" + slug);
            Template builtInHtml = builtIn(engine, "mail/" + slug + ".html");
            Supplier<Uni<Template>> html = config.templates().of(kind)
                    .filter(location -> !location.isBlank())
                    .map(location -> override(engine, kind, location.trim(), builtInHtml, siteUrl, http, fetch))
                    .orElse(() -> Uni.createFrom().item(builtInHtml));
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

    private static Supplier<Uni<Template>> override(Engine engine, MailKind kind, String location,
            Template builtInHtml, String siteUrl, HttpClient http, TemplateFetchConfig fetch) {
        String setting = "GOTRUE_MAILER_TEMPLATES_" + kind.name();
        Optional<URI> url = remoteLocation(location, siteUrl);
        if (url.isEmpty()) {
            Template html = readFile(kind, location).map(source -> parseHtml(engine, kind, source)).orElse(builtInHtml);
            return () -> Uni.createFrom().item(html);
        }
        LOG.infof("%s: the %s template is fetched from %s", setting, slug(kind), url.get());
        RemoteTemplate remote = new RemoteTemplate(setting, url.get(), builtInHtml,
                source -> parseHtml(engine, kind, source), http, fetch);
        // The first fetch starts now, so a wrong URL shows in the log at startup rather than at the first mail.
        remote.current().subscribe().with(ignored -> {
        }, ignored -> {
        });
        return remote::current;
    }

    /** The URL to fetch the template from, or empty when the setting names a file. */
    static Optional<URI> remoteLocation(String location, String siteUrl) {
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return Optional.of(URI.create(location));
        }
        if (Files.isRegularFile(Path.of(location))) {
            return Optional.empty();
        }
        String site = siteUrl.trim().replaceAll("/+$", "");
        return Optional.of(URI.create(site + (location.startsWith("/") ? "" : "/") + location));
    }

    private static Optional<String> readFile(MailKind kind, String location) {
        String setting = "GOTRUE_MAILER_TEMPLATES_" + kind.name();
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
