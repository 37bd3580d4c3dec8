package dev.tessera.hook.config;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import dev.tessera.platform.config.GoTrueDefault;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

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

    /** {@code GOTRUE_WEBHOOK_RETRIES} as given; read {@link #attempts()}. */
    @WithName("retries")
    OptionalInt givenRetries();

    /** Which events go to the webhook: {@code validate,signup,login,usermodified,userdeleted}. Empty: none. */
    Optional<List<String>> events();

    /** {@code GOTRUE_WEBHOOK_TIMEOUTSEC} as given; read {@link #timeoutSeconds()}. */
    @WithName("timeoutsec")
    OptionalInt givenTimeoutsec();

    /** Attempts per hook call, the first included: GoTrue's 3 when unset, empty or 0. */
    default int attempts() {
        return GoTrueDefault.positive(givenRetries(), 3);
    }

    /** Seconds one attempt may take, connection included: GoTrue's 5 when unset, empty or 0. */
    default int timeoutSeconds() {
        return GoTrueDefault.positive(givenTimeoutsec(), 5);
    }

    default boolean hasEvent(String event) {
        return events().map(list -> list.stream().map(String::trim).anyMatch(event::equals)).orElse(false);
    }
}
