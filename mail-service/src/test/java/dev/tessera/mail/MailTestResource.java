package dev.tessera.mail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import dev.tessera.platform.testing.TesseraTestResource;

/**
 * The platform's test stack (database, broker, GreenMail; init argument {@code smtp=true}) plus what mail-service's
 * tests need on top, all in one Quarkus boot:
 * <ul>
 * <li>an {@link SmtpGate} between the mailer and GreenMail, so a test can take SMTP down and bring it back;</li>
 * <li>template overrides a GoTrue deployment could set: a GoTrue-syntax confirmation template, a Qute recovery
 * template, an invite template that does not exist (the built-in one is used), and a password-changed notice
 * fetched from a {@link TemplateSite}. Email change keeps the built-in body, and every kind keeps GoTrue's default
 * subject.</li>
 * </ul>
 * Test profiles are avoided on purpose: every profile restarts Quarkus in a new class loader, which starts a second
 * in-process broker and is fragile with test resources that come from a test-jar.
 */
public class MailTestResource extends TesseraTestResource {

    /** The confirmation template, as a GoTrue user would write it (Go syntax, CSS braces). */
    public static final String GOTRUE_CONFIRMATION_TEMPLATE = "<html><head><style>p{margin:0}</style></head><body>"
            + "<p>Hello {{ .Data.full_name }},</p><p><a href=\"{{ .ConfirmationURL }}\">Confirm</a> {{ .Email }} at"
            + " {{.SiteURL}}; or paste {{ .Token }}</p></body></html>";

    /** The recovery template, in Qute syntax. */
    public static final String QUTE_RECOVERY_TEMPLATE = "<p>Reset for {Email}: <a href=\"{ConfirmationURL}\">go</a>"
            + " within {Validity}</p>";

    /** What the template site serves at first. */
    public static final String SITE_TEMPLATE = "<p>v1: the password of {{ .Email }} changed</p>";

    private SmtpGate gate;
    private TemplateSite site;
    private Path templates;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String smtpPort = config.get("gotrue.smtp.port");
        if (smtpPort == null) {
            throw new IllegalStateException("MailTestResource needs the init argument smtp=true");
        }
        try {
            gate = new SmtpGate(Integer.parseInt(smtpPort));
            templates = Files.createTempDirectory("mail-templates");
            config.put("gotrue.mailer.templates.confirmation",
                    Files.writeString(templates.resolve("confirmation.html"), GOTRUE_CONFIRMATION_TEMPLATE).toString());
            config.put("gotrue.mailer.templates.recovery",
                    Files.writeString(templates.resolve("recovery.html"), QUTE_RECOVERY_TEMPLATE).toString());
            config.put("gotrue.mailer.templates.invite", templates.resolve("missing/invite.html").toString());
            site = new TemplateSite(SITE_TEMPLATE);
            config.put("gotrue.mailer.templates.password-changed-notification", site.url());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The mailer talks to the gate; GOTRUE_SMTP_HOST stays set, so the service does send.
        config.put("quarkus.mailer.port", String.valueOf(gate.port()));
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        super.inject(testInjector);
        testInjector.injectIntoFields(gate, new TestInjector.AnnotatedAndMatchesType(InjectSmtpGate.class, SmtpGate.class));
        testInjector.injectIntoFields(site,
                new TestInjector.AnnotatedAndMatchesType(InjectTemplateSite.class, TemplateSite.class));
    }

    @Override
    public void stop() {
        if (gate != null) {
            gate.close();
        }
        if (site != null) {
            site.close();
        }
        if (templates != null) {
            try (Stream<Path> files = Files.walk(templates)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind
            }
        }
        super.stop();
    }
}
