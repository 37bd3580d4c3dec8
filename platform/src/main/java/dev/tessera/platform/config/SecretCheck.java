package dev.tessera.platform.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tessera.platform.token.KeyConfig;
import dev.tessera.platform.token.TokenKeys;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * Every service refuses to start with an access-token key set it cannot use ({@code GOTRUE_JWT_KEYS}: malformed, no
 * or two signing keys, a key type or size outside the allow-list; in every run, as no token could be signed or
 * checked), and with a JWT secret anyone may know: a value published in this repository or in well-known examples,
 * or an HS256 key shorter than 32 bytes (RFC 7518 §3.2 asks for a key at least as long as the hash). Whoever knows
 * the secret mints any token, a super-admin one (sub "0") included. The same goes for an operator token copied from
 * this repository. And, as GoTrue does, without {@code GOTRUE_SITE_URL} (or with one that is not an absolute http(s)
 * URL): every mailed link, every OAuth return and the session cookie's {@code Secure} flag are made from it, and a
 * deployment that forgot it would mail links to localhost. The refusal is one line on standard error and exit code
 * {@value #EXIT_CODE} (EX_CONFIG), first among the start-up observers: after Flyway's migration, before any
 * consumer, relay or scheduler runs.
 * <p>
 * The local run ({@code TESSERA_LOCAL_RUN=true}, set by the launcher, which always sets the site's address too),
 * {@code quarkus dev} and the tests accept such values with a warning: they serve a developer's own machine, and a
 * short secret chosen there is the developer's call.
 */
@ApplicationScoped
public class SecretCheck {

    public static final int EXIT_CODE = 78;
    /** {@code GOTRUE_SITE_URL}. */
    static final String SITE_URL_PROPERTY = "gotrue.site-url";
    /** RFC 7518 §3.2: an HS256 key must be at least as long as the SHA-256 output. */
    public static final int MIN_SECRET_BYTES = 32;

    /** JWT secrets that are published: this repository's dev and test profiles, and supabase's self-hosting one. */
    static final Set<String> WELL_KNOWN_SECRETS = Set.of(
            "local-development-secret-do-not-use-in-production",
            "test-secret-test-secret-test-secret-0123456789",
            "super-secret-jwt-token-with-at-least-32-characters-long");
    /** Operator tokens this repository published: the former local-run default and the tests'. */
    static final Set<String> WELL_KNOWN_OPERATOR_TOKENS = Set.of("local-development-operator-token",
            "test-operator-token");

    private static final Logger LOG = Logger.getLogger(SecretCheck.class);
    private static final String HINT = "set a random one of at least " + MIN_SECRET_BYTES
            + " bytes, e.g. $(openssl rand -base64 48)";

    /** Sources an operator writes (a properties file 250, the environment 300, system properties 400) are above it. */
    private static final int LOWEST_GIVEN_ORDINAL = 100;

    private final String jwtSecret;
    private final Optional<String> operatorToken;
    private final boolean localRun;
    private final GoTrueConfig config;
    private final KeyConfig keyConfig;

    public SecretCheck(GoTrueConfig config, KeyConfig keyConfig,
            @ConfigProperty(name = "tessera.local-run", defaultValue = "false") boolean localRun) {
        this.jwtSecret = config.jwt().secret();
        this.operatorToken = config.operatorToken();
        this.localRun = localRun || LaunchMode.current() != LaunchMode.NORMAL;
        this.config = config;
        this.keyConfig = keyConfig;
    }

    /** Before anything else observes the start: no consumer, relay or scheduler runs with a known secret. */
    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent start) {
        try {
            new TokenKeys(config, keyConfig);
        } catch (IllegalStateException e) {
            refuse("Refusing to start: " + e.getMessage());
        }
        operatorToken.filter(token -> !WELL_KNOWN_OPERATOR_TOKENS.contains(token))
                .map(token -> token.getBytes(StandardCharsets.UTF_8).length)
                .filter(length -> length < MIN_SECRET_BYTES)
                .ifPresent(length -> LOG.warnf("GOTRUE_OPERATOR_TOKEN is %d bytes long: it is the admin API's master"
                        + " credential, and a short one can be guessed; %s", length, HINT));
        List<String> problems = problems(jwtSecret, operatorToken);
        ConfigValue siteUrl = ConfigProvider.getConfig().getConfigValue(SITE_URL_PROPERTY);
        siteUrlProblem(siteUrl.getValue(), siteUrl.getSourceOrdinal() >= LOWEST_GIVEN_ORDINAL).ifPresent(problems::add);
        if (problems.isEmpty()) {
            return;
        }
        if (!localRun) {
            refuse("Refusing to start: " + problems.get(0));
        }
        problems.forEach(problem -> LOG.warnf("%s (accepted in a local run only)", problem));
    }

    /**
     * One line for the operator, then the process ends at once. Quarkus offers no clean exit from inside its start:
     * an exception is printed with its stack trace, {@code System.exit} waits on Quarkus' own shutdown hook, which
     * waits for the start to finish, and stopping the remaining steps leaves a stack trace on the way out. Nothing
     * is in flight yet: no consumer, relay or scheduler has started, and Flyway's migration has finished. Other
     * settings a service cannot run with (auth-service's site rules) stop the start the same way.
     */
    public static void refuse(String reason) {
        System.out.flush();
        System.err.println(reason);
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_CODE);
    }

    /**
     * What is wrong with the site's address outside a local run: not given (only the built-in default, which names
     * the local gateway), or not an absolute http(s) URL.
     */
    static Optional<String> siteUrlProblem(String value, boolean given) {
        if (!given || value == null || value.isBlank()) {
            return Optional.of("GOTRUE_SITE_URL is not set; mailed links, OAuth sign-ins and the session cookie are"
                    + " made from the site's address: set it, e.g. https://example.com");
        }
        try {
            URI uri = new URI(value.trim());
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null) {
                return Optional.empty();
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        return Optional.of("GOTRUE_SITE_URL is not an absolute http or https URL (" + value
                + "); set the site's address, e.g. https://example.com");
    }

    /** What makes these secrets unfit outside a local run, one line each; empty when nothing does. */
    static List<String> problems(String jwtSecret, Optional<String> operatorToken) {
        List<String> problems = new ArrayList<>();
        int length = jwtSecret.getBytes(StandardCharsets.UTF_8).length;
        if (WELL_KNOWN_SECRETS.contains(jwtSecret)) {
            problems.add("GOTRUE_JWT_SECRET is a published example value, so anyone can sign tokens with it; "
                    + HINT);
        } else if (length < MIN_SECRET_BYTES) {
            problems.add("GOTRUE_JWT_SECRET is " + length + " bytes long, HS256 needs at least " + MIN_SECRET_BYTES
                    + " (RFC 7518 section 3.2); " + HINT);
        }
        if (operatorToken.filter(WELL_KNOWN_OPERATOR_TOKENS::contains).isPresent()) {
            problems.add("GOTRUE_OPERATOR_TOKEN is a published example value, so anyone can call the admin API; "
                    + "set a random one, e.g. $(openssl rand -base64 32)");
        }
        return problems;
    }
}
