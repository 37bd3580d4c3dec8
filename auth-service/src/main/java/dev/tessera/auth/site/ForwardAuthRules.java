package dev.tessera.auth.site;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tessera.platform.config.SecretCheck;
import dev.tessera.site.SiteRules;
import dev.tessera.site.SiteRulesException;
import io.quarkus.runtime.Startup;

/**
 * The rules forward-auth applies: the {@code netlify.toml} named by {@code TESSERA_SITE_RULES} (in a cluster a
 * ConfigMap mounted as a file), read once at start, so no request reads a file or a database. Without the setting
 * there are no rules and every page is allowed, with the visitor's identity headers. A file that is missing or that
 * the engine refuses stops the start with one line (a half-read rule set would open pages it should close); a
 * rewrite to another path, which an ingress cannot do on forward-auth's word, is named in a warning at start and
 * let through unchanged, unless a Role rule before it closed the path to the visitor: then the page is refused.
 */
@Startup
@ApplicationScoped
public class ForwardAuthRules {

    private static final Logger LOG = Logger.getLogger(ForwardAuthRules.class);

    private final SiteRules rules;

    public ForwardAuthRules(@ConfigProperty(name = "tessera.site.rules") Optional<String> file) {
        SiteRules read = SiteRules.none();
        try {
            read = read(file);
        } catch (SiteRulesException e) {
            SecretCheck.refuse("Refusing to start: TESSERA_SITE_RULES: " + e.getMessage());
        }
        this.rules = read;
        unsupported(rules).forEach(LOG::warn);
        if (file.isPresent()) {
            LOG.infof("Forward-auth applies %d rules of %s", rules.rules().size(), rules.source());
        }
    }

    static SiteRules read(Optional<String> file) {
        return file.filter(f -> !f.isBlank()).map(f -> SiteRules.load(Path.of(f.trim()))).orElse(SiteRules.none());
    }

    /** One warning per rule forward-auth cannot carry out. */
    static List<String> unsupported(SiteRules rules) {
        return rules.rules().stream().filter(rule -> rule.status() == 200 && !rule.rewritesInPlace())
                .map(rule -> rules.source() + " line " + rule.line() + ": the rewrite " + rule.fromText() + " -> "
                        + rule.to() + " is not supported by forward-auth (an ingress cannot change the path on its"
                        + " answer); such requests are allowed and reach the site unchanged (refused where a Role rule"
                        + " before it closed the path), so rewrite them in the site's own server")
                .toList();
    }

    public SiteRules current() {
        return rules;
    }
}
