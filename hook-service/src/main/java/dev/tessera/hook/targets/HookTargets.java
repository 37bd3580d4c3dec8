package dev.tessera.hook.targets;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.tessera.hook.config.FunctionsConfig;
import dev.tessera.hook.config.WebhookConfig;
import dev.tessera.platform.config.GoTrueConfig;
import dev.tessera.platform.event.HookEvent;

/**
 * Which targets an event goes to, in the order they run.
 *
 * <ul>
 * <li>The event function {@code identity-<event>} (or {@code identity-<event>-background}) on the function host,
 * when {@code TESSERA_FUNCTIONS_IDENTITY} lists it; signed with {@code GOTRUE_JWT_SECRET}, as GoTrue signs
 * function hooks.</li>
 * <li>Then GoTrue's webhook, when {@code GOTRUE_WEBHOOK_URL} is set and {@code GOTRUE_WEBHOOK_EVENTS} lists the
 * event; signed with {@code GOTRUE_WEBHOOK_SECRET}.</li>
 * </ul>
 * GoTrue calls only the webhook when one is set; Tessera configures functions explicitly, so when both are
 * configured both run, function first.
 */
@ApplicationScoped
public class HookTargets {

    private static final Logger LOG = Logger.getLogger(HookTargets.class);

    static final Set<String> IDENTITY_FUNCTIONS = Set.of(
            "identity-validate", "identity-signup", "identity-login",
            "identity-validate-background", "identity-signup-background", "identity-login-background");

    private final Optional<URI> functionHost;
    private final Set<String> identityFunctions;
    private final Optional<HookTarget> webhook;
    private final WebhookConfig webhookConfig;
    private final String jwtSecret;

    public HookTargets(FunctionsConfig functions, WebhookConfig webhookConfig, GoTrueConfig gotrue) {
        this.webhookConfig = webhookConfig;
        this.jwtSecret = gotrue.jwt().secret();
        this.functionHost = functions.url().filter(u -> !u.isBlank())
                .map(u -> absolute(u.trim(), gotrue.siteUrl(), "TESSERA_FUNCTIONS_URL"));
        this.identityFunctions = functions.identity().orElse(List.of()).stream().map(String::trim)
                .filter(s -> !s.isEmpty()).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> unknown = new LinkedHashSet<>(identityFunctions);
        unknown.removeAll(IDENTITY_FUNCTIONS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("TESSERA_FUNCTIONS_IDENTITY names no identity event function: "
                    + unknown + "; known are " + IDENTITY_FUNCTIONS);
        }
        if (!identityFunctions.isEmpty() && functionHost.isEmpty()) {
            LOG.warn("TESSERA_FUNCTIONS_IDENTITY lists functions but TESSERA_FUNCTIONS_URL is unset; no event"
                    + " function will be called");
        }
        this.webhook = webhookConfig.url().filter(u -> !u.isBlank())
                .map(u -> new HookTarget(HookTarget.WEBHOOK, absolute(u.trim(), gotrue.siteUrl(), "GOTRUE_WEBHOOK_URL"),
                        webhookConfig.secret().orElse("")));
        for (String event : webhookConfig.events().orElse(List.of())) {
            if (HookEvent.fromWireName(event.trim()).isEmpty()) {
                LOG.warnf("GOTRUE_WEBHOOK_EVENTS names an unknown event '%s'; known are validate, signup, login,"
                        + " usermodified, userdeleted", event.trim());
            }
        }
    }

    /** The targets of a synchronous event, in the order they run. */
    public List<HookTarget> synchronous(HookEvent event) {
        List<HookTarget> targets = new ArrayList<>(2);
        if (event.synchronous()) {
            function(event.functionName()).ifPresent(targets::add);
        }
        webhookFor(event).ifPresent(targets::add);
        return targets;
    }

    /**
     * The targets of a background delivery: the {@code -background} event function for validate, signup and
     * login; the webhook for usermodified and userdeleted.
     */
    public List<HookTarget> background(HookEvent event) {
        if (event.synchronous()) {
            return function(event.backgroundFunctionName()).map(List::of).orElse(List.of());
        }
        return webhookFor(event).map(List::of).orElse(List.of());
    }

    /** The function host's base URL, when one is configured. */
    public Optional<URI> functionHost() {
        return functionHost;
    }

    /** Whether {@code name} is one of the identity event functions, which only hook-service may invoke. */
    public static boolean isIdentityEventFunction(String name) {
        // Whatever the case: a function host on a case-insensitive file system finds identity-signup.mjs under
        // Identity-Signup too.
        return IDENTITY_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The URL of function {@code name} (plus an already-encoded rest of path) on the function host. */
    public static URI functionUrl(URI host, String pathAndQuery) {
        String base = host.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + (pathAndQuery.startsWith("/") ? "" : "/") + pathAndQuery);
    }

    private Optional<HookTarget> function(String name) {
        if (!identityFunctions.contains(name)) {
            return Optional.empty();
        }
        return functionHost.map(host -> new HookTarget(name, functionUrl(host, name), jwtSecret));
    }

    private Optional<HookTarget> webhookFor(HookEvent event) {
        return webhook.filter(w -> webhookConfig.hasEvent(event.wireName()));
    }

    /** GoTrue's rule: a relative URL takes scheme, host and user info from SITE_URL. */
    static URI absolute(String value, String siteUrl, String setting) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(setting + " is not a valid URL: " + value, e);
        }
        if (!uri.isAbsolute()) {
            URI site = URI.create(siteUrl);
            try {
                uri = new URI(site.getScheme(), site.getRawUserInfo() == null ? null : site.getUserInfo(),
                        site.getHost(), site.getPort(), uri.getPath(), uri.getQuery(), null);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(setting + " cannot be resolved against GOTRUE_SITE_URL", e);
            }
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(setting + " must be an http(s) URL: " + value);
        }
        return uri;
    }
}
