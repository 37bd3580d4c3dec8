package dev.tessera.hook.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * GoTrue's webhook settings under GoTrue's own names: {@code GOTRUE_WEBHOOK_URL} is {@code gotrue.webhook.url},
 * {@code GOTRUE_WEBHOOK_TIMEOUTSEC} is {@code gotrue.webhook.timeoutsec} (one word, as in GoTrue), and so on.
 * Retries and timeout apply to every synchronous hook target, event functions included, as in GoTrue.
 */
@ConfigMapping(prefix = "gotrue.webhook")
public interface WebhookConfig {

    /** The webhook endpoint; a relative URL takes its scheme and host from {@code GOTRUE_SITE_URL}. Unset: none. */
    Optional<String> url();

    /** Signs the webhook's {@code x-webhook-signature} (HS256). Unset or empty: requests go unsigned. */
    Optional<String> secret();

    /** Attempts per hook call, the first included; 0 means GoTrue's default of 3. */
    @WithDefault("3")
    int retries();

    /** Which events go to the webhook: {@code validate,signup,login,usermodified,userdeleted}. Empty: none. */
    Optional<List<String>> events();

    /** Seconds one attempt may take, connection included; 0 means GoTrue's default of 5. */
    @WithDefault("5")
    int timeoutsec();

    /** Attempts after GoTrue's rule (0 means 3). */
    default int attempts() {
        return retries() > 0 ? retries() : 3;
    }

    /** The per-attempt timeout in seconds after GoTrue's rule (0 means 5). */
    default int timeoutSeconds() {
        return timeoutsec() > 0 ? timeoutsec() : 5;
    }

    default boolean hasEvent(String event) {
        return events().map(list -> list.stream().map(String::trim).anyMatch(event::equals)).orElse(false);
    }
}
