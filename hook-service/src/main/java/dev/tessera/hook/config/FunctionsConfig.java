package dev.tessera.hook.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.tessera.platform.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Netlify-style functions (Tessera's settings): where the function host is, which identity event functions it
 * has, and what the function gateway hands every function.
 */
@ConfigMapping(prefix = "tessera.functions")
public interface FunctionsConfig {

    /**
     * Base URL of the function host ({@code TESSERA_FUNCTIONS_URL}), e.g. {@code http://functions:9000}: function
     * {@code <name>} answers at {@code <url>/<name>}. The identity event functions are called there and the gateway
     * forwards {@code /.netlify/functions/<name>} there. A relative URL takes its scheme and host from
     * {@code GOTRUE_SITE_URL}. Unset: no functions.
     */
    Optional<String> url();

    /**
     * The identity event functions the host has ({@code TESSERA_FUNCTIONS_IDENTITY}, comma list), out of
     * {@code identity-validate}, {@code identity-signup}, {@code identity-login} and their {@code -background}
     * variants. Netlify finds them by file name; here they are listed, so that no call goes to a function that
     * does not exist.
     */
    Optional<List<String>> identity();

    /** Lifetime of the admin token handed to functions as {@code clientContext.identity.token}. */
    @WithName("token-lifetime")
    @WithDefault("5m")
    @WithConverter(GoDurationConverter.class)
    Duration tokenLifetime();

    /** How long the gateway waits for a function's answer to begin. */
    @WithDefault("30s")
    @WithConverter(GoDurationConverter.class)
    Duration timeout();

    /** Largest request body the gateway forwards (Netlify's limit is 6 MB). */
    @WithName("max-body-size")
    @WithDefault("6291456")
    long maxBodySize();
}
